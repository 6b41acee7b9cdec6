"""Writes to Part 2. Like plans.content.services: each is atomic, locks the plan row and the section's
revision counter, refuses a plan that is not a draft or a page that is stale, and records every
changed figure in the plan's history."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from metrics.definitions import YEAR_FIELDS, YEARS, FundingKind, part2_edition
from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, MetricFigure, P4PMetric
from plans import editing
from plans.editing import PlanNotEditable, StaleSection, display, record

__all__ = ["PlanNotEditable", "StaleSection", "StalePart2"]

FUNDING = "part2-funding"
EXPENDITURE = "part2-expenditure"
BENEFITS = "part2-benefits"
P4P = "part2-p4p"
METRICS = "part2-metrics"
SECTIONS = {
    FUNDING: "funding sources",
    EXPENDITURE: "expenditure plan",
    BENEFITS: "benefits plan",
    P4P: "P4P metric",
    METRICS: "metrics",
}

EXPENDITURE_FIELDS = (
    "scheme",
    "area_of_spend",
    "commissioner",
    "nhs_share_percent",
    "provider",
    "source_of_funding",
    "amount_2014_15",
    "amount_2015_16",
    "new_or_existing",
)
BENEFIT_FIELDS = ("scheme", "measure", "measure_other", "unit", "q1", "q2", "q3", "q4", "value_per_unit")
P4P_FIELDS = (
    "population",
    "baseline_q1",
    "baseline_q2",
    "baseline_q3",
    "baseline_q4",
    "plan_q1",
    "plan_q2",
    "plan_q3",
    "plan_q4",
    "performance_element",
    "unit_saving",
    "justification",
)
FIGURE_FIELDS = ("label", "numerator", "denominator", "stated_value", "percent_change")


class StalePart2(Exception):
    """Part 2 changed in the service after the workbook being imported was downloaded."""

    def __init__(self, sections):
        super().__init__(", ".join(sections))
        self.sections = sections


def revisions(plan):
    """{section: revision} of every Part 2 section."""
    return {section: editing.section_revision(plan, section) for section in SECTIONS}


def expenditure_label(row):
    return f"Expenditure line {row.position}"


def benefit_label(row):
    return f"Benefit line {row.position}"


def p4p_label(_row):
    return "P4P metric"


# --- one page at a time ---------------------------------------------------------------------------


@transaction.atomic
def funding_save(*, plan, user, revision, values):
    """Save the funding grid. `values`: {(organisation, kind): {"2014/15": amount|None, "2015/16": …}};
    a line with no amount in either year is removed."""
    plan, counter = editing.lock_for_edit(plan.pk, FUNDING, revision)
    existing = {(row.organisation, row.kind): row for row in FundingRow.objects.filter(plan=plan)}
    top = max((row.position for row in existing.values()), default=0)
    changed = 0
    for (organisation, kind), amounts in values.items():
        row = existing.get((organisation, kind))
        label = f"Funding {organisation} – {FundingKind(kind).label}"
        empty = all(amounts.get(year) is None for year in YEARS)
        if row is None and empty:
            continue
        if empty:
            record(plan=plan, user=user, section=FUNDING, field=f"{label} removed", old=_funding_text(row), new="")
            row.delete()
            changed += 1
            continue
        new = {f"amount_{YEAR_FIELDS[y]}": amounts.get(y) or 0 for y in YEARS}
        if row is None:
            top += 1
            row = FundingRow.objects.create(plan=plan, organisation=organisation, kind=kind, position=top, **new)
            record(plan=plan, user=user, section=FUNDING, field=f"{label} added", old="", new=_funding_text(row))
            changed += 1
            continue
        for year in YEARS:
            name = f"amount_{YEAR_FIELDS[year]}"
            if display(getattr(row, name)) != display(new[name]):
                record(
                    plan=plan,
                    user=user,
                    section=FUNDING,
                    field=f"{label}.{year}",
                    old=getattr(row, name),
                    new=new[name],
                )
                setattr(row, name, new[name])
                changed += 1
        row.save()
    if changed:
        editing.bump_section(counter)
    return changed


def _funding_text(row):
    return f"2014/15 £{row.amount_2014_15:,.2f}; 2015/16 £{row.amount_2015_16:,.2f}"


def row_save(*, plan, user, section, revision, instance, values, label):
    """Add or change an expenditure or benefit line, or the P4P metric (plans.content.services.row_save)."""
    return editing.row_save(
        plan=plan, user=user, section=section, revision=revision, instance=instance, values=values, label=label
    )


def row_delete(*, plan, user, section, revision, instance, label):
    editing.row_delete(plan=plan, user=user, section=section, revision=revision, instance=instance, label=label)


@transaction.atomic
def metric_save(*, plan, user, revision, code, values, figures):
    """Save one metric: `values` (name, definition, source, comment) and `figures`
    {position: {label, numerator, denominator, stated_value, percent_change}}."""
    plan, counter = editing.lock_for_edit(plan.pk, METRICS, revision)
    definition = part2_edition(plan.edition)
    position = [m.code for m in definition.metrics].index(code) + 1
    metric, created = Metric.objects.get_or_create(plan=plan, code=code, defaults={"position": position})
    changed = 0
    for name, value in values.items():
        if display(getattr(metric, name)) != display(value):
            record(
                plan=plan,
                user=user,
                section=METRICS,
                field=f"Metric {code}.{name}",
                old=getattr(metric, name),
                new=value,
            )
            setattr(metric, name, value)
            changed += 1
    metric.save()
    existing = {f.position: f for f in metric.figures.all()}
    for figure_position, inputs in figures.items():
        figure = existing.get(figure_position) or MetricFigure(metric=metric, position=figure_position)
        where = "baseline" if figure_position == 0 else inputs.get("label") or f"target {figure_position}"
        for name, value in inputs.items():
            if display(getattr(figure, name)) != display(value):
                if name != "label":
                    record(
                        plan=plan,
                        user=user,
                        section=METRICS,
                        field=f"Metric {code} {where}.{name}",
                        old=getattr(figure, name),
                        new=value,
                    )
                    changed += 1
                setattr(figure, name, value)
        figure.save()
    if changed:
        editing.bump_section(counter)
    elif created:
        metric.delete()
    return changed


# --- the whole of Part 2 at once (workbook import) ---------------------------------------------------


@dataclass
class Part2Data:
    """Part 2 inputs read from a workbook or a JSON document, ready to write: model field values,
    with schemes named by their reference."""

    funding: list = field(default_factory=list)  # {organisation, kind, amount_2014_15, amount_2015_16}
    expenditure: list = field(default_factory=list)  # EXPENDITURE_FIELDS with scheme_ref for scheme
    benefits: list = field(default_factory=list)  # BENEFIT_FIELDS with scheme_ref for scheme
    p4p: dict | None = None  # P4P_FIELDS
    metrics: list = field(default_factory=list)  # {code, name, definition, source, comment, figures: {pos: {…}}}


def write_part2(plan, data, schemes_by_ref):
    """Create the Part 2 rows of `data` for a plan that has none (a new import)."""
    FundingRow.objects.bulk_create(
        [FundingRow(plan=plan, position=i, **row) for i, row in enumerate(data.funding, start=1)]
    )
    ExpenditureRow.objects.bulk_create(
        [
            ExpenditureRow(plan=plan, position=i, scheme=schemes_by_ref.get(row["scheme_ref"]), **_without_ref(row))
            for i, row in enumerate(data.expenditure, start=1)
        ]
    )
    BenefitRow.objects.bulk_create(
        [
            BenefitRow(plan=plan, position=i, scheme=schemes_by_ref.get(row["scheme_ref"]), **_without_ref(row))
            for i, row in enumerate(data.benefits, start=1)
        ]
    )
    if data.p4p is not None:
        P4PMetric.objects.create(plan=plan, **data.p4p)
    for metric_data in data.metrics:
        metric = Metric.objects.create(
            plan=plan,
            position=metric_data["position"],
            code=metric_data["code"],
            **{k: metric_data.get(k, "") for k in ("name", "definition", "source", "comment")},
        )
        MetricFigure.objects.bulk_create(
            [
                MetricFigure(metric=metric, position=pos, **inputs)
                for pos, inputs in sorted(metric_data["figures"].items())
            ]
        )


def _without_ref(row):
    return {k: v for k, v in row.items() if k != "scheme_ref"}


@transaction.atomic
def part2_replace(*, plan, user, data, expected_revisions=None, source="workbook"):
    """Replace the plan's whole Part 2 with `data` (all or nothing). With `expected_revisions`, refuse
    if a section changed since then (StalePart2). Returns the number of changes recorded."""
    counters = {}
    for section in SECTIONS:
        plan, counters[section] = editing.lock_for_edit(plan.pk, section, editing.SKIP_STALE_CHECK)
    if expected_revisions is not None:
        stale = [
            SECTIONS[s] for s, c in counters.items() if s in expected_revisions and expected_revisions[s] != c.revision
        ]
        if stale:
            raise StalePart2(stale)
    schemes = {s.ref.lower(): s for s in plan.schemes.all()}
    by_ref = {ref: schemes.get(ref.lower()) for ref in {r["scheme_ref"] for r in data.expenditure + data.benefits}}
    old = _snapshot(plan)
    FundingRow.objects.filter(plan=plan).delete()
    ExpenditureRow.objects.filter(plan=plan).delete()
    BenefitRow.objects.filter(plan=plan).delete()
    P4PMetric.objects.filter(plan=plan).delete()
    Metric.objects.filter(plan=plan).delete()
    write_part2(plan, data, by_ref)
    new = _snapshot(plan)
    changed = 0
    for section in SECTIONS:
        count = 0
        for name in sorted(set(old[section]) | set(new[section]), key=_natural):
            before, after = old[section].get(name, ""), new[section].get(name, "")
            if before != after:
                record(
                    plan=plan, user=user, section=section, field=f"{name} (from the {source})", old=before, new=after
                )
                count += 1
        if count:
            editing.bump_section(counters[section])
        changed += count
    return changed


def _natural(text):
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _snapshot(plan):
    """Every Part 2 input as {section: {field name: displayed value}}, for the history of a replace."""
    out = {section: {} for section in SECTIONS}
    for row in FundingRow.objects.filter(plan=plan):
        for year in YEARS:
            name = f"Funding {row.organisation} – {row.get_kind_display()}.{year}"
            out[FUNDING][name] = display(getattr(row, f"amount_{YEAR_FIELDS[year]}"))
    for index, row in enumerate(ExpenditureRow.objects.filter(plan=plan).select_related("scheme"), start=1):
        for name in EXPENDITURE_FIELDS:
            value = row.scheme_ref if name == "scheme" else getattr(row, name)
            out[EXPENDITURE][f"Expenditure line {index}.{name}"] = display(value)
    for index, row in enumerate(BenefitRow.objects.filter(plan=plan).select_related("scheme"), start=1):
        for name in BENEFIT_FIELDS:
            value = row.scheme_ref if name == "scheme" else getattr(row, name)
            out[BENEFITS][f"Benefit line {index}.{name}"] = display(value)
    p4p = P4PMetric.objects.filter(plan=plan).first()
    if p4p is not None:
        for name in P4P_FIELDS:
            out[P4P][f"P4P metric.{name}"] = display(getattr(p4p, name))
    for metric in Metric.objects.filter(plan=plan).prefetch_related("figures"):
        for name in ("name", "definition", "source", "comment"):
            out[METRICS][f"Metric {metric.code}.{name}"] = display(getattr(metric, name))
        for figure in metric.figures.all():
            where = "baseline" if figure.position == 0 else figure.label
            for name in FIGURE_FIELDS[1:]:
                out[METRICS][f"Metric {metric.code} {where}.{name}"] = display(getattr(figure, name))
    for section in out:
        out[section] = {k: v for k, v in out[section].items() if v != ""}
    return out


def next_position(model, plan):
    return (model.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1
