"""The plan JSON format `bcf-plan/1` (DOMAIN.md §9): export a plan, import a document as a new draft.

Import validates everything before it writes anything; a problem is reported with the path of the
offending value (for example `risks[3].likelihood`) and nothing is created.
"""

import datetime
import json
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from jsonschema import Draft202012Validator

from bcf.core.imports import PlanImportError
from bcf.core.money import ParseError, parse_money
from bcf.core.validation import (
    COUNT_MAX,
    FINANCIAL_IMPACT_000S_MAX,
    JSON_MAX_PROBLEMS,
    InvalidInput,
    check_number,
    json_path,
    json_tree_problems,
    schema_message,
)
from metrics.part2_json import import_part2, prepare_part2
from plans import editions as ed
from plans.content.document import (
    FORMAT,
    HEADING_ONLY_KEYS,
    plan_document,
)
from plans.content.selectors import plan_view
from plans.content.services import plan_create, record
from plans.editions import get_edition
from plans.models import (
    CCG,
    Answer,
    HealthAndWellbeingBoard,
    LocalAuthority,
    PlanningUnit,
    Provider,
    ProviderCommentary,
    RelatedDocument,
    Risk,
    Verb,
)
from schemes.models import ANNEX1_FIELDS, Milestone, Scheme

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "plan.schema.json"


class _Problems:
    """Collects the problems of a document, row by row, so an import reports them all at once."""

    def __init__(self):
        self.items = []

    @contextmanager
    def row(self):
        try:
            yield
        except PlanImportError as exc:
            self.items.extend(exc.problems)

    def add(self, path, message):
        self.items.append((path, message))

    def raise_if_any(self):
        if self.items:
            raise PlanImportError(None, problems=self.items[:JSON_MAX_PROBLEMS])


def export_json(plan):
    return json.dumps(plan_document(plan_view(plan)), indent=2, ensure_ascii=False) + "\n"


# --- import -----------------------------------------------------------------------------------------


_path = json_path


def validate_document(doc):
    """Problems as (path, message), in document order: values no form would accept anywhere (NaN,
    control characters, excessive nesting or length), then the schema's limits for each field."""
    problems = json_tree_problems(doc)
    if any("nested" in message for _path, message in problems):
        return problems  # too deep to hand to the schema validator, which recurses
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    problems += [(_path(e.absolute_path), schema_message(e, FORMAT)) for e in errors[:JSON_MAX_PROBLEMS]]
    return sorted(set(problems), key=problems.index)[:JSON_MAX_PROBLEMS]


def _number_in(value, path, *, minimum=0, maximum, places=0):
    if value is None:
        return None
    try:
        return check_number(value, name="the number", minimum=minimum, maximum=maximum, places=places)
    except InvalidInput as exc:
        raise PlanImportError(path, str(exc).removeprefix("the number ")) from None


def _money_in(value, path):
    try:
        return parse_money(value)
    except ParseError as exc:
        raise PlanImportError(path, str(exc)) from None


def _date_in(value, path):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PlanImportError(path, f"“{value}” is not a date (YYYY-MM-DD)") from None


def _month_in(value, path):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value + "-01")
    except ValueError:
        raise PlanImportError(path, f"“{value}” is not a month (YYYY-MM)") from None


def _strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _check_text_limits(doc):
    """Every text at most LONG_TEXT_MAX characters, as the forms take it, and PLAN_TEXT_MAX in all."""
    from bcf.core.fields import LONG_TEXT_MAX, PLAN_TEXT_MAX

    total = 0
    for path, text in _strings(doc):
        if len(text) > LONG_TEXT_MAX:
            message = f"must be {LONG_TEXT_MAX:,} characters or fewer, as on the form ({len(text):,})"
            raise PlanImportError(path, message)
        total += len(text)
    if total > PLAN_TEXT_MAX:
        raise PlanImportError("", f"the plan's text must be {PLAN_TEXT_MAX:,} characters or fewer in all ({total:,})")


def _prepare(doc):
    """Check the document and turn it into model values, without touching the database. Every
    problem found is reported (PlanImportError.problems), not only the first."""
    if not isinstance(doc, dict):
        raise PlanImportError("", "the document must be a JSON object")
    if doc.get("format") != FORMAT:
        raise PlanImportError("format", f"expected “{FORMAT}”, found {str(doc.get('format'))[:40]!r}")
    problems = validate_document(doc)
    if problems:
        raise PlanImportError(None, problems=problems)
    _check_text_limits(doc)
    found = _Problems()
    edition = get_edition(doc["edition"])
    rounds = [code for code, _, _ in edition.rounds]
    if doc["round"] not in rounds:
        found.add("round", f"edition {edition.code} has the rounds {', '.join(rounds)}")
    hwb = doc["hwb"]
    if len(set(hwb["ccgs"])) != len(hwb["ccgs"]):
        found.add("hwb.ccgs", "a CCG is listed twice")
    unit_names = set()
    for i, unit in enumerate(hwb.get("planning_units", [])):
        if unit["name"] in unit_names:
            found.add(f"hwb.planning_units[{i}].name", "two planning units have this name")
        unit_names.add(unit["name"])
        for j, ccg in enumerate(unit.get("ccgs", [])):
            if ccg not in hwb["ccgs"]:
                found.add(f"hwb.planning_units[{i}].ccgs[{j}]", f"“{ccg}” is not one of the plan's CCGs")

    summary = doc.get("summary", {})
    minimum = summary.get("minimum_pooled_budget", {})
    total = summary.get("total_agreed_pooled_budget", {})
    plan_values = {
        "boundary_differences": summary.get("boundary_differences", ""),
        "date_agreed_note": summary.get("date_agreed_note", ""),
        "total_agreed_note": summary.get("total_agreed_note", ""),
    }
    for name, value, path, read in (
        ("date_agreed_at_hwb", summary.get("date_agreed_at_hwb"), "summary.date_agreed_at_hwb", _date_in),
        ("minimum_2014_15", minimum.get("2014/15"), "summary.minimum_pooled_budget.2014/15", _money_in),
        ("minimum_2015_16", minimum.get("2015/16"), "summary.minimum_pooled_budget.2015/16", _money_in),
        ("total_agreed_2014_15", total.get("2014/15"), "summary.total_agreed_pooled_budget.2014/15", _money_in),
        ("total_agreed_2015_16", total.get("2015/16"), "summary.total_agreed_pooled_budget.2015/16", _money_in),
    ):
        with found.row():
            plan_values[name] = read(value, path)

    answers = []
    for key, parts in doc.get("answers", {}).items():
        if key in HEADING_ONLY_KEYS:
            continue
        with found.row():
            answers.append((key, _answer_in(edition, key, parts)))

    refs = set()
    schemes = []
    for i, scheme in enumerate(doc.get("schemes", [])):
        if scheme["ref"].lower() in refs:
            found.add(f"schemes[{i}].ref", f"scheme reference “{scheme['ref']}” is used twice")
        refs.add(scheme["ref"].lower())
        unit = scheme.get("planning_unit")
        if unit and unit not in unit_names:
            found.add(f"schemes[{i}].planning_unit", f"“{unit}” is not a planning unit of the plan")
        annex1 = scheme.get("annex1") or {}
        schemes.append(
            {
                "ref": scheme["ref"],
                "theme": scheme.get("theme", ""),
                "name": scheme["name"],
                "planning_unit": unit,
                **{name: annex1.get(name) or "" for name, _, _ in ANNEX1_FIELDS},
            }
        )

    numbers = set()
    milestones = []
    for i, m in enumerate(doc.get("milestones", [])):
        if m["number"] in numbers:
            found.add(f"milestones[{i}].number", f"milestone {m['number']} appears twice")
        numbers.add(m["number"])
        with found.row():
            milestones.append(
                {
                    "number": _number_in(m["number"], f"milestones[{i}].number", minimum=1, maximum=9999),
                    "theme": m.get("theme", ""),
                    "scheme_ref": m.get("scheme_ref") or "",
                    "task": m["task"],
                    "depends_on": sorted({int(n) for n in m.get("depends_on", [])}),
                    "start": _month_in(m.get("start"), f"milestones[{i}].start"),
                    "end": _month_in(m.get("end"), f"milestones[{i}].end"),
                    "period": m.get("period", ""),
                }
            )

    risks = []
    for i, r in enumerate(doc.get("risks", [])):
        with found.row():
            risks.append(
                {
                    "group": r.get("group", ""),
                    "risk": r["risk"],
                    "rating": r.get("rating") or "",
                    "impact_level": (r.get("impact_level") or "").upper(),
                    "likelihood_level": (r.get("likelihood_level") or "").upper(),
                    "likelihood": _number_in(r.get("likelihood"), f"risks[{i}].likelihood", minimum=1, maximum=5),
                    "impact": _number_in(r.get("impact"), f"risks[{i}].impact", minimum=1, maximum=5),
                    "financial_impact_000s": _number_in(
                        r.get("financial_impact_000s"),
                        f"risks[{i}].financial_impact_000s",
                        maximum=FINANCIAL_IMPACT_000S_MAX,
                        places=1,
                    ),
                    "impact_falls_on": r.get("impact_falls_on", ""),
                    "leads": list(r.get("leads", [])),
                    "mitigation": r.get("mitigation", ""),
                }
            )

    documents = [
        {"ref": d.get("ref", ""), "title": d["title"], "synopsis": d.get("synopsis", "")}
        for d in doc.get("related_documents", [])
    ]
    providers = []
    for i, c in enumerate(doc.get("provider_commentaries", [])):
        nel, prevented = c.get("nel_ffces", {}), c.get("prevented", {})
        path = f"provider_commentaries[{i}]"
        with found.row():
            providers.append(
                {
                    "provider": c["provider"],
                    "ceo": c.get("ceo", ""),
                    "signature": c.get("signature", ""),
                    **{
                        name: _number_in(source.get(key), f"{path}.{group}.{key}", maximum=COUNT_MAX)
                        for name, source, group, key in (
                            ("nel_2013_14_outturn", nel, "nel_ffces", "2013/14 outturn"),
                            ("nel_2014_15_plan", nel, "nel_ffces", "2014/15 plan"),
                            ("nel_2015_16_plan", nel, "nel_ffces", "2015/16 plan"),
                            ("prevented_2014_15", prevented, "prevented", "2014/15"),
                            ("prevented_2015_16", prevented, "prevented", "2015/16"),
                        )
                    },
                    "agrees": c.get("agrees"),
                    "disagreement": c.get("disagreement", ""),
                }
            )
    part2 = None
    with found.row():
        part2 = prepare_part2(doc.get("part2") or {}, edition=edition.code)
    found.raise_if_any()
    return {
        "part2": part2,
        "edition": edition.code,
        "round": doc["round"],
        "hwb": hwb,
        "plan": plan_values,
        "answers": answers,
        "schemes": schemes,
        "milestones": milestones,
        "risks": risks,
        "documents": documents,
        "providers": providers,
    }


def _answer_in(edition, key, parts):
    """The model values of one answer; raises PlanImportError with every problem of its parts."""
    path = f"answers.{key}"
    try:
        question = edition.question(key)
    except KeyError:
        raise PlanImportError(path, f"not a question of edition {edition.code}") from None
    found = _Problems()
    values = {}
    for part, value in parts.items():
        part_path = f"{path}.{part}"
        if part not in question.parts:
            if value not in (None, "", []):
                found.add(part_path, f"this question has no {part} (it has {', '.join(question.parts)})")
            continue
        with found.row():
            if part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT):
                value = _money_in(value, part_path)
            elif part == ed.DATE:
                value = _date_in(value, part_path)
            elif part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
                value = _number_in(value, part_path, maximum=100, places=3)
            elif part == ed.COUNT:
                value = _number_in(value, part_path, maximum=COUNT_MAX)
            elif part == ed.BREAKDOWN:
                value = [
                    {"label": line["label"], "amount": f"{_money_in(line['amount'], f'{part_path}[{i}].amount'):.2f}"}
                    for i, line in enumerate(value)
                ]
            elif part in (ed.TEXT, ed.TOOL) and value is None:
                value = ""
            values[part] = value
    found.raise_if_any()
    return values


@transaction.atomic
def import_plan(doc, *, user=None):
    """Create a DRAFT plan from a `bcf-plan/1` document; raise PlanImportError and create nothing."""
    data = _prepare(doc)
    hwb_data = data["hwb"]
    la, _ = LocalAuthority.objects.get_or_create(name=hwb_data["local_authority"])
    hwb, created = HealthAndWellbeingBoard.objects.get_or_create(
        name=hwb_data["name"], defaults={"local_authority": la}
    )
    if not created and hwb.local_authority_id != la.pk:
        raise PlanImportError("hwb.local_authority", f"{hwb.name} belongs to {hwb.local_authority.name}, not {la.name}")
    ccgs = [CCG.objects.get_or_create(name=name)[0] for name in hwb_data["ccgs"]]
    plan = plan_create(hwb=hwb, edition=data["edition"], round=data["round"], user=user, ccgs=ccgs)
    for name, value in data["plan"].items():
        setattr(plan, name, value)
    plan.save()
    by_name = {c.name: c for c in ccgs}
    units = {}
    for position, unit in enumerate(hwb_data.get("planning_units", [])):
        obj = PlanningUnit.objects.create(plan=plan, name=unit["name"], position=position)
        obj.ccgs.set([by_name[n] for n in unit.get("ccgs", [])])
        units[unit["name"]] = obj
    Answer.objects.bulk_create([Answer(plan=plan, key=key, **values) for key, values in data["answers"]])
    RelatedDocument.objects.bulk_create(
        [RelatedDocument(plan=plan, position=i, **d) for i, d in enumerate(data["documents"], start=1)]
    )
    Scheme.objects.bulk_create(
        [
            Scheme(plan=plan, position=i, **{**s, "planning_unit": units.get(s["planning_unit"])})
            for i, s in enumerate(data["schemes"], start=1)
        ]
    )
    Milestone.objects.bulk_create([Milestone(plan=plan, **m) for m in data["milestones"]])
    Risk.objects.bulk_create([Risk(plan=plan, position=i, **r) for i, r in enumerate(data["risks"], start=1)])
    for i, c in enumerate(data["providers"], start=1):
        provider, _ = Provider.objects.get_or_create(name=c.pop("provider"))
        ProviderCommentary.objects.create(plan=plan, position=i, provider=provider, **c)
    import_part2(plan, data["part2"])
    record(
        plan=plan,
        user=user,
        section="",
        field="plan imported",
        old="",
        new=f"{FORMAT} {data['edition']}",
        verb=Verb.IMPORTED,
    )
    return plan
