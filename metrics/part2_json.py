"""Part 2 in the plan JSON (`part2` of bcf-plan/1, DOMAIN.md §9): export, and the checked import.

Export writes the inputs and, for readers, the computed figures (benefit totals, metric values, the
P4P sums); import reads only the inputs. A problem names its path, for example
`part2.expenditure[3].scheme_ref`, and nothing is created.
"""

from decimal import Decimal

from bcf.core.imports import PlanImportError
from bcf.core.money import ParseError, parse_money
from bcf.core.validation import COUNT_MAX, LONG_TEXT_MAX, InvalidInput, check_number
from metrics import calculations as calc
from metrics.definitions import (
    CAPITAL_KINDS,
    FIGURE_MAX,
    QUANTITY_MAX,
    YEAR_FIELDS,
    YEARS,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
    FundingKind,
    NewOrExisting,
    ProviderType,
    SourceOfFunding,
    choice_for,
    part2_edition,
)
from metrics.services import Part2Data, write_part2

MAX_ROWS = 500  # lines in any one Part 2 table
POPULATION_MAX = 100_000_000  # as the P4P page (metrics.forms.P4PForm)
EMPTY_PART2 = {"funding": [], "expenditure": [], "benefits": [], "p4p": None, "metrics": []}


def _money(value):
    return None if value is None else f"{Decimal(value):.2f}"


def _number(value):
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def export_part2(view):
    """The plan's Part 2 inputs as the `part2` object."""
    part2 = getattr(view, "part2", None)
    if part2 is None:
        return {key: (list(value) if isinstance(value, list) else value) for key, value in EMPTY_PART2.items()}
    out = {
        "funding": [
            {
                "organisation": row.organisation,
                "kind": row.kind,
                **{year: _money(getattr(row, f"amount_{YEAR_FIELDS[year]}")) for year in YEARS},
            }
            for row in part2.funding
        ],
        "expenditure": [
            {
                "scheme_ref": row.scheme_ref or None,
                "area_of_spend": row.area_of_spend,
                "commissioner": row.commissioner,
                "nhs_share_percent": _number(row.nhs_share_percent),
                "provider": row.provider,
                "source_of_funding": row.source_of_funding,
                **{year: _money(getattr(row, f"amount_{YEAR_FIELDS[year]}")) for year in YEARS},
                "new_or_existing": row.new_or_existing,
            }
            for row in part2.expenditure
        ],
        "benefits": [
            {
                "scheme_ref": b.row.scheme_ref or None,
                "measure": b.row.measure_name,
                "unit": b.row.unit,
                "quarters": [_number(q) for q in b.row.quarters],
                "value_per_unit": _money(b.row.value_per_unit),
                "total_benefit": _money(b.total),
            }
            for b in part2.benefits
        ],
        "p4p": None,
        "metrics": [],
    }
    row, p4p = part2.p4p_row, part2.p4p
    if p4p is not None:
        out["p4p"] = {
            "population": row.population,
            "baseline": list(row.baseline),
            "plan": list(row.planned),
            "performance_element": _money(row.performance_element),
            "unit_saving": _money(row.unit_saving),
            "justification": row.justification,
            "computed": {
                "baseline_total": p4p.baseline_total,
                "plan_total": p4p.plan_total,
                "admissions_avoided": p4p.avoided,
                "percent_reduction": _number(p4p.percent),
                "value": _money(p4p.value),
                "left_for_out_of_hospital_services": _money(p4p.remainder),
            },
        }
    for metric in part2.metrics:
        if metric.metric is None:
            continue
        base = metric.baseline
        item = {
            "code": metric.code,
            "name": metric.metric.name if metric.definition.named else metric.definition.name,
            "baseline": {
                "numerator": _number(base.numerator),
                "denominator": _number(base.denominator),
                "value": _number(base.value),
                "period": base.label,
            },
            "targets": [
                {
                    "label": t.label,
                    "numerator": _number(t.numerator),
                    "denominator": _number(t.denominator),
                    "value": _number(t.value),
                    "percent_change": _number(t.percent_change),
                }
                for t in metric.targets
            ],
            "comment": metric.metric.comment,
        }
        if metric.definition.described:
            item["definition"] = metric.metric.definition
            item["source"] = metric.metric.source
        out["metrics"].append(item)
    return out


# --- import ----------------------------------------------------------------------------------------


def _error(path, message, *, problems=None):
    return PlanImportError(path, message, problems=problems)


def _object(value, path):
    if not isinstance(value, dict):
        raise _error(path, "must be an object")
    return value


def _list(value, path):
    if value is None:
        return []
    if not isinstance(value, list):
        raise _error(path, "must be a list")
    return value


def _text(value, path, *, required=False, max_length=200):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _error(path, "must be text")
    if required and not value.strip():
        raise _error(path, "must not be empty")
    if len(value) > max_length:
        raise _error(path, f"must be {max_length:,} characters or fewer")
    return value


def _money_in(value, path, *, required=True):
    if value is None and not required:
        return None
    if isinstance(value, bool):
        raise _error(path, "must be an amount of money")
    try:
        amount = parse_money(value)
    except ParseError as exc:
        raise _error(path, str(exc)) from None
    if amount is None and required:
        raise _error(path, "enter an amount (0 if there is none)")
    return amount


def _decimal(value, path, *, minimum=None, maximum=None, places=3):
    """A number within the forms' range (bcf.core.validation.check_number): never NaN, 1e308 or "-0"."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    try:
        number = check_number(
            Decimal(value) if isinstance(value, str) and _looks_numeric(value) else value,
            name="the number",
            minimum=minimum,
            maximum=maximum,
            places=places,
        )
    except InvalidInput as exc:
        raise _error(path, str(exc).removeprefix("the number ")) from None
    return Decimal(number)


def _looks_numeric(text):
    return text.isascii() and text.replace(".", "", 1).lstrip("+-").isdigit() and len(text) <= 30


def _count(value, path, *, maximum=COUNT_MAX):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(path, "must be a whole number, 0 or more")
    try:
        return check_number(value, name="the number", minimum=0, maximum=maximum)
    except InvalidInput as exc:
        raise _error(path, str(exc).removeprefix("the number ")) from None


def _choice(choices, value, path):
    found = choice_for(choices, value) if isinstance(value, str) else None
    if found is None:
        allowed = ", ".join(f"“{v}”" for v in choices.values)
        raise _error(path, f"must be one of {allowed}")
    return found


class _Rows:
    """Collects the first problem of each row, so an import reports every row that is wrong."""

    def __init__(self):
        self.problems = []

    def __call__(self, function, *args):
        try:
            function(*args)
        except Exception as exc:
            if not hasattr(exc, "problems"):
                raise
            self.problems.extend(exc.problems)


def prepare_part2(part2, *, edition):
    """Check a document's `part2` and return what `import_part2` needs; raise PlanImportError with the
    path of every problem found (the first of each row)."""
    part2 = _object(part2 or {}, "part2")
    definition = part2_edition(edition)
    data = Part2Data()
    rows = _Rows()

    seen = set()

    def funding(i, row):
        path = f"part2.funding[{i}]"
        row = _object(row, path)
        organisation = _text(row.get("organisation"), f"{path}.organisation", required=True).strip()
        kind = _choice(FundingKind, row.get("kind"), f"{path}.kind")
        if (organisation.lower(), kind) in seen:
            raise _error(f"{path}.kind", f"{organisation} has two {FundingKind(kind).label.lower()} lines")
        seen.add((organisation.lower(), kind))
        data.funding.append(
            {
                "organisation": organisation,
                "kind": kind,
                **{f"amount_{YEAR_FIELDS[y]}": _money_in(row.get(y), f"{path}.{y}") for y in YEARS},
            }
        )

    def expenditure(i, row):
        path = f"part2.expenditure[{i}]"
        row = _object(row, path)
        commissioner = _choice(Commissioner, row.get("commissioner"), f"{path}.commissioner")
        share = _decimal(row.get("nhs_share_percent"), f"{path}.nhs_share_percent", minimum=0, maximum=100)
        if share is not None and commissioner != Commissioner.JOINT:
            raise _error(f"{path}.nhs_share_percent", "give the NHS share only for a joint commissioner")
        data.expenditure.append(
            {
                "scheme_ref": _text(row.get("scheme_ref"), f"{path}.scheme_ref", max_length=20).strip(),
                "area_of_spend": _choice(AreaOfSpend, row.get("area_of_spend"), f"{path}.area_of_spend"),
                "commissioner": commissioner,
                "nhs_share_percent": share,
                "provider": _choice(ProviderType, row.get("provider"), f"{path}.provider"),
                "source_of_funding": _choice(
                    SourceOfFunding, row.get("source_of_funding"), f"{path}.source_of_funding"
                ),
                **{f"amount_{YEAR_FIELDS[y]}": _money_in(row.get(y), f"{path}.{y}") for y in YEARS},
                "new_or_existing": _choice(NewOrExisting, row.get("new_or_existing"), f"{path}.new_or_existing"),
            }
        )

    def benefit(i, row):
        path = f"part2.benefits[{i}]"
        row = _object(row, path)
        measure_text = _text(row.get("measure"), f"{path}.measure", required=True).strip()
        measure = choice_for(BenefitMeasure, measure_text)
        quarters = _list(row.get("quarters"), f"{path}.quarters")
        if len(quarters) != 4:
            raise _error(f"{path}.quarters", "give four quarters (Q1 to Q4 of 2015/16)")
        values = [
            _decimal(q, f"{path}.quarters[{j}]", minimum=0, maximum=QUANTITY_MAX, places=2)
            for j, q in enumerate(quarters)
        ]
        data.benefits.append(
            {
                "scheme_ref": _text(row.get("scheme_ref"), f"{path}.scheme_ref", max_length=20).strip(),
                "measure": measure or BenefitMeasure.OTHER,
                "measure_other": "" if measure and measure != BenefitMeasure.OTHER else measure_text,
                "unit": _text(row.get("unit"), f"{path}.unit", max_length=100).strip(),
                **{f"q{j + 1}": v if v is not None else Decimal(0) for j, v in enumerate(values)},
                "value_per_unit": _money_in(row.get("value_per_unit"), f"{path}.value_per_unit"),
            }
        )

    def p4p(p4p):
        path = "part2.p4p"
        p4p = _object(p4p, path)
        if not definition.has_p4p:
            raise _error(path, f"edition {edition} has no pay-for-performance metric: leave p4p null")
        values = {"population": _count(p4p.get("population"), f"{path}.population", maximum=POPULATION_MAX)}
        for key, prefix in (("baseline", "baseline_q"), ("plan", "plan_q")):
            quarters = _list(p4p.get(key), f"{path}.{key}") or [None] * 4
            if len(quarters) != 4:
                raise _error(f"{path}.{key}", "give four quarters")
            for j, q in enumerate(quarters):
                values[f"{prefix}{j + 1}"] = _count(q, f"{path}.{key}[{j}]")
        values["performance_element"] = _money_in(
            p4p.get("performance_element"), f"{path}.performance_element", required=False
        )
        unit_saving = _money_in(p4p.get("unit_saving"), f"{path}.unit_saving", required=False)
        if unit_saving is not None:
            values["unit_saving"] = unit_saving
        values["justification"] = _text(p4p.get("justification"), f"{path}.justification", max_length=LONG_TEXT_MAX)
        data.p4p = values

    codes = [m.code for m in definition.metrics]
    seen_codes = set()

    def metric(i, item):
        path = f"part2.metrics[{i}]"
        item = _object(item, path)
        code = _text(item.get("code"), f"{path}.code", required=True).strip().upper()
        if code not in codes:
            raise _error(f"{path}.code", f"edition {edition} has the metrics {', '.join(codes)}")
        if code in seen_codes:
            raise _error(f"{path}.code", f"metric {code} appears twice")
        seen_codes.add(code)
        metric_def = definition.metric(code)
        baseline = _object(item.get("baseline") or {}, f"{path}.baseline")
        figures = {0: _figure(metric_def, baseline, f"{path}.baseline")}
        figures[0]["label"] = _text(baseline.get("period"), f"{path}.baseline.period", max_length=100).strip()
        labels = [label.lower() for label in definition.target_labels]
        for j, target in enumerate(_list(item.get("targets"), f"{path}.targets")):
            tpath = f"{path}.targets[{j}]"
            target = _object(target, tpath)
            label = _text(target.get("label"), f"{tpath}.label", required=True).strip()
            if label.lower() not in labels:
                expected = ", ".join(f"“{t}”" for t in definition.target_labels)
                raise _error(f"{tpath}.label", f"the targets of edition {edition} are {expected}")
            position = labels.index(label.lower()) + 1
            if position in figures:
                raise _error(f"{tpath}.label", f"the target “{label}” appears twice")
            figures[position] = _figure(metric_def, target, tpath)
            figures[position]["label"] = definition.target_labels[position - 1]
            figures[position]["percent_change"] = _decimal(
                target.get("percent_change"), f"{tpath}.percent_change", minimum=-100, maximum=1000
            )
        name = _text(item.get("name"), f"{path}.name", max_length=300).strip()
        data.metrics.append(
            {
                "code": code,
                "position": codes.index(code) + 1,
                "name": name if metric_def.named else "",
                "definition": _text(item.get("definition"), f"{path}.definition", max_length=5000)
                if metric_def.described
                else "",
                "source": _text(item.get("source"), f"{path}.source", max_length=2000) if metric_def.described else "",
                "comment": _text(item.get("comment"), f"{path}.comment", max_length=LONG_TEXT_MAX),
                "figures": figures,
            }
        )

    for key, read in (("funding", funding), ("expenditure", expenditure), ("benefits", benefit), ("metrics", metric)):
        items = _list(part2.get(key), f"part2.{key}")
        if len(items) > MAX_ROWS:
            rows.problems.append((f"part2.{key}", f"has {len(items):,} rows: at most {MAX_ROWS:,} are allowed"))
            continue
        for i, item in enumerate(items):
            rows(read, i, item)
    if part2.get("p4p") is not None:
        rows(p4p, part2["p4p"])
    if rows.problems:
        raise _error(None, None, problems=rows.problems)
    return data


def _figure(metric_def, figure, path):
    numerator = _decimal(figure.get("numerator"), f"{path}.numerator", minimum=0, maximum=FIGURE_MAX)
    denominator = _decimal(figure.get("denominator"), f"{path}.denominator", minimum=0, maximum=FIGURE_MAX)
    value = _decimal(figure.get("value"), f"{path}.value", minimum=-FIGURE_MAX, maximum=FIGURE_MAX)
    computed = metric_def.has_ratio and calc.ratio(numerator, denominator, metric_def.scale) is not None
    return {
        "numerator": numerator,
        "denominator": denominator,
        # A value computed from the numerator and denominator is written on export, ignored on import.
        "stated_value": None if computed else value,
        "percent_change": None,
    }


def import_part2(plan, prepared):
    """Create the Part 2 rows of a newly imported plan from `prepare_part2`'s result."""
    if prepared is None:
        return
    check_against_plan(plan, prepared, path_prefix="part2")
    schemes = {s.ref.lower(): s for s in plan.schemes.all()}
    refs = {row["scheme_ref"] for row in prepared.expenditure + prepared.benefits}
    write_part2(plan, prepared, {ref: schemes.get(ref.lower()) for ref in refs})


def check_against_plan(plan, data, *, path_prefix="part2", error=None):
    """Check what only the plan can tell: organisations, capital lines, scheme references."""
    error = error or _error
    la = plan.hwb.local_authority.name
    organisations = {name.lower(): name for name in [la, *[c.name for c in plan.ordered_ccgs()]]}
    for i, row in enumerate(data.funding):
        path = f"{path_prefix}.funding[{i}]"
        name = organisations.get(row["organisation"].lower())
        if name is None:
            raise error(
                f"{path}.organisation", f"“{row['organisation']}” is not the local authority or a CCG of the plan"
            )
        row["organisation"] = name
        if row["kind"] in CAPITAL_KINDS and name != la:
            raise error(f"{path}.kind", f"capital grants are paid to the local authority ({la}), not to {name}")
    refs = {s.ref.lower() for s in plan.schemes.all()}
    for key in ("expenditure", "benefits"):
        for i, row in enumerate(getattr(data, key)):
            if row["scheme_ref"] and row["scheme_ref"].lower() not in refs:
                raise error(
                    f"{path_prefix}.{key}[{i}].scheme_ref", f"“{row['scheme_ref']}” is not a scheme of the plan"
                )
