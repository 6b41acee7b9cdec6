"""Bring a quarterly return in from a `bcf-return/1` document (DOMAIN.md §10; `import_return`).

The document is checked against docs/bcf-return-1.schema.json (as plan_json checks a plan), then the
return is started on the Board's latest submitted plan (services.return_start, which prefills the
plan's rows) and the document's values are matched onto it: income by organisation and kind,
expenditure by scheme reference, metrics by code, conditions by key. Everything happens in one
transaction: an invalid document raises PlanImportError naming the path (`income[2].forecast`,
`admissions.2015/16 Q1`) and creates nothing. Computed values in the document are ignored."""

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from jsonschema import Draft202012Validator

from bcf.core.imports import PlanImportError
from bcf.core.money import ParseError, parse_money
from bcf.core.validation import JSON_MAX_PROBLEMS, json_path, json_tree_problems, schema_message
from plans.models import (
    P4P_QUARTERS,
    HealthAndWellbeingBoard,
    QuarterlyReturn,
    ReturnCondition,
    ReturnExpenditure,
    ReturnIncome,
    ReturnMetric,
    ReturnPeriod,
)
from plans.returns import services
from plans.returns.document import FORMAT

# Where each field of the return sits in the document, for messages.
FIELD_PATHS = {
    "cover_name": "cover.name",
    "cover_role": "cover.role",
    "cover_email": "cover.email",
    "cover_telephone": "cover.telephone",
    "cover_date": "cover.date",
    "pooled": "budget_arrangements.pooled",
    "pooled_expected_date": "budget_arrangements.expected_date",
    "pooled_commentary": "budget_arrangements.commentary",
    "narrative": "narrative",
    **{f"actual_{k}": f"admissions.{label}" for k, label in enumerate(P4P_QUARTERS, start=1)},
}
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "bcf-return-1.schema.json"


class _Problems:
    def __init__(self):
        self.items = []

    def add(self, path, message):
        self.items.append((path, message))

    def raise_if_any(self):
        if self.items:
            raise PlanImportError(None, problems=self.items[:JSON_MAX_PROBLEMS])


def validate_document(doc):
    """(path, message) problems: values no form would accept, then the schema's."""
    problems = json_tree_problems(doc)
    if any("nested" in message for _path, message in problems):
        return problems
    validator = Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    problems += [(json_path(e.absolute_path), schema_message(e, FORMAT)) for e in errors[:JSON_MAX_PROBLEMS]]
    return sorted(set(problems), key=problems.index)[:JSON_MAX_PROBLEMS]


def _money(value, path, found):
    if isinstance(value, float):
        value = Decimal(str(value))
    try:
        return parse_money(value)
    except ParseError as exc:
        found.add(path, str(exc))
        return None


def _date(value, path, found):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        found.add(path, f"“{value}” is not a date (YYYY-MM-DD)")
        return None


def _number(value, path, found):
    if value is None:
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.001"))
    except InvalidOperation:
        found.add(path, "is not a number with at most three decimal places")
        return None
    if number != Decimal(str(value)):
        found.add(path, "must have at most three decimal places")
    return number


def _prepare(doc):
    """The document's return-level values, or PlanImportError (every problem found)."""
    if not isinstance(doc, dict):
        raise PlanImportError("", "the document must be a JSON object")
    if doc.get("format") != FORMAT:
        raise PlanImportError("format", f"expected “{FORMAT}”, found {str(doc.get('format'))[:40]!r}")
    problems = validate_document(doc)
    if problems:
        raise PlanImportError(None, problems=problems)
    found = _Problems()
    hwb = HealthAndWellbeingBoard.objects.filter(name__iexact=doc["hwb"].strip()).first()
    if hwb is None:
        found.add("hwb", f"there is no Health and Wellbeing Board called “{doc['hwb'][:200]}”")
    period = ReturnPeriod.objects.filter(code=doc["period"]).first()
    if period is None:
        found.add("period", f"there is no reporting period {doc['period']}")
    cover = doc.get("cover") or {}
    budget = doc.get("budget_arrangements") or {}
    values = {
        "cover_name": cover.get("name", ""),
        "cover_role": cover.get("role", ""),
        "cover_email": cover.get("email", ""),
        "cover_telephone": cover.get("telephone", ""),
        "cover_date": _date(cover.get("date"), "cover.date", found),
        "pooled": budget.get("pooled"),
        "pooled_expected_date": _date(budget.get("expected_date"), "budget_arrangements.expected_date", found),
        "pooled_commentary": budget.get("commentary", ""),
        "narrative": doc.get("narrative", ""),
    }
    admissions = doc.get("admissions") or {}
    for k, label in enumerate(P4P_QUARTERS, start=1):
        values[f"actual_{k}"] = admissions.get(label)
    found.raise_if_any()
    return hwb, period, values


def _rows(ret, doc, found):
    """{model: {row id: {field: value}}} matched from the document onto the started return's rows."""
    out = {ReturnCondition: {}, ReturnIncome: {}, ReturnExpenditure: {}, ReturnMetric: {}}
    conditions = {c.key: c for c in ret.conditions.all()}
    for key, entry in (doc.get("conditions") or {}).items():
        path = f"conditions.{key}"
        row = conditions.get(key)
        if row is None:
            found.add(path, f"not a national condition of the plan's edition ({', '.join(conditions)})")
            continue
        out[ReturnCondition][row.pk] = {
            "status": entry.get("status") or "",
            "date": _date(entry.get("date"), f"{path}.date", found),
            "commentary": entry.get("commentary", ""),
        }
    income = {}
    for row in ret.income.all():
        income.setdefault((row.organisation.strip().lower(), row.kind), []).append(row)
    for index, entry in enumerate(doc.get("income") or []):
        path = f"income[{index}]"
        candidates = income.get((entry["organisation"].strip().lower(), entry["kind"]))
        if not candidates:
            found.add(path, f"the plan has no funding row from “{entry['organisation'][:200]}” of kind {entry['kind']}")
            continue
        row = candidates.pop(0)
        out[ReturnIncome][row.pk] = {
            "forecast": _money(entry.get("forecast"), f"{path}.forecast", found),
            "actual_to_date": _money(entry.get("actual_to_date"), f"{path}.actual_to_date", found),
        }
    schemes = {row.scheme_ref.lower(): row for row in ret.expenditure.all()}
    for index, entry in enumerate(doc.get("expenditure") or []):
        path = f"expenditure[{index}]"
        row = schemes.get(entry["scheme_ref"].strip().lower())
        if row is None or row.pk in out[ReturnExpenditure]:
            found.add(
                f"{path}.scheme_ref", f"“{entry['scheme_ref'][:40]}” is not a scheme of the plan (or is given twice)"
            )
            continue
        out[ReturnExpenditure][row.pk] = {
            "forecast": _money(entry.get("forecast"), f"{path}.forecast", found),
            "actual_to_date": _money(entry.get("actual_to_date"), f"{path}.actual_to_date", found),
        }
    metrics = {row.code.upper(): row for row in ret.metrics.all()}
    for index, entry in enumerate(doc.get("metrics") or []):
        path = f"metrics[{index}]"
        row = metrics.get(entry["code"].strip().upper())
        if row is None or row.pk in out[ReturnMetric]:
            found.add(f"{path}.code", f"“{entry['code'][:10]}” is not a metric of the plan (or is given twice)")
            continue
        out[ReturnMetric][row.pk] = {
            "period": entry.get("period", ""),
            "actual": _number(entry.get("actual"), f"{path}.actual", found),
        }
    return out


@transaction.atomic
def import_return(doc, *, user=None):
    """A new DRAFT return from a bcf-return/1 document, on the Board's latest submitted plan."""
    hwb, period, values = _prepare(doc)
    try:
        ret = services.return_start(hwb=hwb, period=period, user=user)
    except services.ReturnError as exc:
        raise PlanImportError("period", str(exc)) from None
    found = _Problems()
    rows = _rows(ret, doc, found)
    found.raise_if_any()
    for name, value in values.items():
        setattr(ret, name, value)
    try:
        ret.full_clean(exclude=["hwb", "period", "plan", "previous", "created_by"], validate_unique=False)
    except ValidationError as exc:
        raise PlanImportError(
            None, problems=[(FIELD_PATHS.get(f, f), " ".join(m)) for f, m in exc.message_dict.items()]
        ) from None
    ret.save()
    for model, changes in rows.items():
        for pk, fields in changes.items():
            model.objects.filter(pk=pk).update(**fields)
    services.event(ret, user, "Imported", f"From a {FORMAT} document")
    return QuarterlyReturn.objects.get(pk=ret.pk)
