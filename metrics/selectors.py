"""Reads of Part 2: one view-model of a plan's Part 2 for the pages, the checks, the PDF, the
workbook and the JSON, with every computed figure taken from metrics.calculations."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch

from metrics import calculations as calc
from metrics.charts import part2_charts
from metrics.definitions import MINIMUM_REDUCTION_PERCENT, P4P_METRIC_NAME, YEARS, AreaOfSpend, part2_edition
from metrics.formatting import format_count, format_metric_value, format_money, format_percent
from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, MetricFigure, P4PMetric
from metrics.reference import reference_for

# --- the pay-for-performance metric ------------------------------------------------------------------


@dataclass
class QuarterFigures:
    number: int
    baseline_label: str
    baseline: int | None
    baseline_rate: object
    plan_label: str
    plan: int | None
    plan_rate: object

    @property
    def change(self):
        if self.baseline is None or self.plan is None:
            return None
        return self.plan - self.baseline


@dataclass
class P4PFigures:
    """The P4P inputs with every figure computed from them (saved values, or a form being typed)."""

    population: int | None
    quarters: list
    performance_element: object
    unit_saving: object
    justification: str
    baseline_total: int | None
    plan_total: int | None
    baseline_total_rate: object
    plan_total_rate: object
    avoided: int | None
    percent: object  # percentage reduction, four decimal places
    minimum_avoided: int | None
    meets_minimum: bool | None
    value: object
    remainder: object
    name: str = P4P_METRIC_NAME
    minimum_percent: object = MINIMUM_REDUCTION_PERCENT

    @property
    def complete(self):
        return self.population is not None and self.avoided is not None

    @property
    def needs_justification(self):
        return self.meets_minimum is False

    @property
    def over_element(self):
        """The value of the reduction is more than the whole performance-related element."""
        return self.value is not None and self.performance_element is not None and self.value > self.performance_element


def p4p_figures(inputs, reference):
    """P4PFigures from a dict of inputs (population, baseline: [4], plan: [4], performance_element,
    unit_saving, justification) and the reference data's quarter labels."""
    population = inputs.get("population")
    baseline, planned = list(inputs.get("baseline") or [None] * 4), list(inputs.get("plan") or [None] * 4)
    quarters = [
        QuarterFigures(
            number=i + 1,
            baseline_label=reference.baseline_quarters[i],
            baseline=baseline[i],
            baseline_rate=calc.rate_per_100k(baseline[i], population),
            plan_label=reference.plan_quarters[i],
            plan=planned[i],
            plan_rate=calc.rate_per_100k(planned[i], population),
        )
        for i in range(4)
    ]
    baseline_total, plan_total = calc.quarters_total(baseline), calc.quarters_total(planned)
    avoided = calc.admissions_avoided(baseline, planned)
    value = calc.p4p_value(avoided, inputs.get("unit_saving"))
    return P4PFigures(
        population=population,
        quarters=quarters,
        performance_element=inputs.get("performance_element"),
        unit_saving=inputs.get("unit_saving"),
        justification=inputs.get("justification") or "",
        baseline_total=baseline_total,
        plan_total=plan_total,
        baseline_total_rate=calc.rate_per_100k(baseline_total, population),
        plan_total_rate=calc.rate_per_100k(plan_total, population),
        avoided=avoided,
        percent=calc.percent_reduction(baseline_total, avoided),
        minimum_avoided=calc.admissions_for_reduction(baseline_total, MINIMUM_REDUCTION_PERCENT),
        meets_minimum=calc.meets_minimum_reduction(baseline_total, avoided),
        value=value,
        remainder=calc.p4p_remainder(inputs.get("performance_element"), value),
    )


def p4p_inputs(row):
    return {
        "population": row.population,
        "baseline": row.baseline,
        "plan": row.planned,
        "performance_element": row.performance_element,
        "unit_saving": row.unit_saving,
        "justification": row.justification,
    }


# --- metrics ----------------------------------------------------------------------------------------


@dataclass
class FigureView:
    label: str
    numerator: object = None
    denominator: object = None
    stated_value: object = None
    percent_change: object = None
    value: object = None
    expected: object = None  # the target that the % change implies
    consistent: bool | None = None
    is_baseline: bool = False

    @property
    def empty(self):
        return self.value is None and self.numerator is None and self.denominator is None


@dataclass
class MetricView:
    definition: object
    metric: object  # Metric or None
    baseline: FigureView
    targets: list

    @property
    def code(self):
        return self.definition.code

    @property
    def name(self):
        if self.definition.named and self.metric is not None and self.metric.name:
            return self.metric.name
        return self.definition.name

    @property
    def title(self):
        """The definition's name, with the HWB's own name of the measure where it has one."""
        if self.definition.named and self.metric is not None and self.metric.name:
            return f"{self.definition.name}: {self.metric.name}"
        return self.definition.name

    @property
    def comment(self):
        return self.metric.comment if self.metric is not None else ""

    @property
    def figures(self):
        return [self.baseline, *self.targets]

    def text(self, figure):
        return format_metric_value(self.definition, figure.value)


def metric_views(definition, metrics):
    """A MetricView for every metric the edition asks for, from the plan's Metric rows (figures prefetched)."""
    by_code = {m.code: m for m in metrics}
    views = []
    for metric_def in definition.metrics:
        metric = by_code.get(metric_def.code)
        figures = {f.position: f for f in metric.figures.all()} if metric is not None else {}
        views.append(metric_view(metric_def, metric, figures, definition.target_labels))
    return views


def _figure_inputs(figure):
    if figure is None:
        return {}
    return {
        "label": figure.label,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "stated_value": figure.stated_value,
        "percent_change": figure.percent_change,
    }


def metric_view(metric_def, metric, figures, target_labels):
    """`figures`: {position: MetricFigure or a dict of inputs}."""

    def inputs(position):
        figure = figures.get(position)
        return figure if isinstance(figure, dict) else _figure_inputs(figure)

    base = inputs(0)
    baseline_value = calc.metric_value(
        metric_def, base.get("numerator"), base.get("denominator"), base.get("stated_value")
    )
    baseline = FigureView(
        label=base.get("label") or "",
        numerator=base.get("numerator"),
        denominator=base.get("denominator"),
        stated_value=base.get("stated_value"),
        value=baseline_value,
        is_baseline=True,
    )
    targets = []
    for position, label in enumerate(target_labels, start=1):
        given = inputs(position)
        value = calc.metric_value(
            metric_def, given.get("numerator"), given.get("denominator"), given.get("stated_value")
        )
        percent = given.get("percent_change")
        targets.append(
            FigureView(
                label=label,
                numerator=given.get("numerator"),
                denominator=given.get("denominator"),
                stated_value=given.get("stated_value"),
                percent_change=percent,
                value=value,
                expected=calc.target_from_percent(baseline_value, percent),
                consistent=calc.target_consistent(baseline_value, value, percent),
            )
        )
    return MetricView(definition=metric_def, metric=metric, baseline=baseline, targets=targets)


# --- benefits -----------------------------------------------------------------------------------------


@dataclass
class BenefitView:
    row: object
    change: object
    total: object


# --- charts -----------------------------------------------------------------------------------------


# --- the whole of Part 2 ---------------------------------------------------------------------------


@dataclass
class Part2View:
    plan: object
    definition: object  # definitions.Part2Edition
    funding: list
    expenditure: list
    benefits: list  # [BenefitView]
    p4p_row: object  # P4PMetric or None
    metric_rows: list
    extra: dict = field(default_factory=dict)

    @cached_property
    def reference(self):
        """The reference data of the plan's HWB and edition (read only when a figure needs it)."""
        return reference_for(self.plan.hwb_id, self.plan.edition)

    @property
    def is_empty(self):
        return not (self.funding or self.expenditure or self.benefits or self.p4p_row or self.metric_rows)

    # Figures the pages, checks, PDF and workbook share.

    @cached_property
    def funding_totals(self):
        return calc.totals_per_year(self.funding)

    @cached_property
    def expenditure_totals(self):
        return calc.totals_per_year(self.expenditure)

    @cached_property
    def expenditure_by_area(self):
        return calc.totals_by_area(self.expenditure, AreaOfSpend.values)

    @cached_property
    def benefits_total(self):
        return calc.money_sum(b.total for b in self.benefits)

    @property
    def agreed(self):
        plan = self.plan
        return {"2014/15": plan.total_agreed_2014_15, "2015/16": plan.total_agreed_2015_16}

    @property
    def minimum(self):
        """The plan's own minimum, or the reference data's when the plan does not state one."""
        plan = self.plan
        own = {"2014/15": plan.minimum_2014_15, "2015/16": plan.minimum_2015_16}
        return {year: own[year] if own[year] is not None else self.reference.minimum[year] for year in YEARS}

    @cached_property
    def p4p(self):
        if not self.definition.has_p4p or self.p4p_row is None:
            return None
        return p4p_figures(p4p_inputs(self.p4p_row), self.reference)

    @cached_property
    def metrics(self):
        return metric_views(self.definition, self.metric_rows)

    @property
    def organisations(self):
        """The plan's organisations that contribute: the local authority, then each CCG."""
        return [self.plan.hwb.local_authority.name, *[c.name for c in self.plan.ordered_ccgs()]]

    # What the PDF engineer renders generically (appendix).

    @property
    def headline_rows(self):
        rows = [
            (f"BCF pooled budget {year} (total of the funding sources)", format_money(self.funding_totals[year]))
            for year in YEARS
        ]
        p4p = self.p4p
        if p4p is not None:
            rows += [
                ("Planned reduction in non-elective admissions (P4P)", format_percent(p4p.percent) or "Not given"),
                ("Admissions avoided", format_count(p4p.avoided) or "Not given"),
                (
                    f"Value of the reduction (admissions avoided × {format_money(p4p.unit_saving)})",
                    format_money(p4p.value) or "Not given",
                ),
                (
                    "Performance-related element left for NHS out-of-hospital services",
                    format_money(p4p.remainder) or "Not given",
                ),
            ]
        return rows

    @property
    def metric_table(self):
        header = ["Metric", "Baseline", *self.definition.target_labels]
        rows = []
        for metric in self.metrics:
            baseline = metric.text(metric.baseline)
            if baseline and metric.baseline.label:
                baseline += f" ({metric.baseline.label})"
            cells = [f"{metric.code} {metric.title}", baseline or "Not given"]
            for target in metric.targets:
                text = metric.text(target) or "Not given"
                if target.percent_change is not None:
                    text += f" ({format_percent(target.percent_change, signed=True)})"
                cells.append(text)
            rows.append(cells)
        return {"header": header, "rows": rows}

    @cached_property
    def charts(self):
        return part2_charts(self)

    @cached_property
    def pdf_charts(self):
        """The same charts as raster images, for the PDF."""
        return part2_charts(self, raster=True)


def build_part2_view(plan):
    """Part 2 of the plan as a view-model, even when nothing has been entered (pages show the blanks)."""
    definition = part2_edition(plan.edition)
    benefits = list(BenefitRow.objects.filter(plan=plan).select_related("scheme"))
    return Part2View(
        plan=plan,
        definition=definition,
        funding=list(FundingRow.objects.filter(plan=plan)),
        expenditure=list(ExpenditureRow.objects.filter(plan=plan).select_related("scheme")),
        benefits=[
            BenefitView(
                row=b,
                change=calc.benefit_change(b.quarters),
                total=calc.benefit_total(b.quarters, b.value_per_unit),
            )
            for b in benefits
        ],
        p4p_row=P4PMetric.objects.filter(plan=plan).first() if definition.has_p4p else None,
        metric_rows=list(
            Metric.objects.filter(plan=plan).prefetch_related(Prefetch("figures", queryset=MetricFigure.objects.all()))
        ),
    )


def part2_view(plan):
    """Everything of Part 2 the pages, the PDF, the workbook and the JSON show, or None when empty."""
    view = build_part2_view(plan)
    # The task list summary (plans.content.task_summary) reads it again from the same plan object.
    plan._part2_view = view
    return None if view.is_empty else view


def cached_part2_view(plan):
    """The Part 2 view-model built for this plan object by plan_view, or a new one."""
    return getattr(plan, "_part2_view", None) or build_part2_view(plan)
