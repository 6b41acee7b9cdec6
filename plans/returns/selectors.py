"""A quarterly return as the pages, the checks, the files and the national dashboard read it: one
view-model with every input and every computed figure (plans.returns.calculations)."""

from dataclasses import dataclass
from functools import cached_property

from metrics.models import P4PMetric
from plans.models import (
    P4P_QUARTERS,
    RETURN_SUBMITTED_STATES,
    SUBMITTED_STATES,
    Plan,
    PublishedAdmissions,
    QuarterlyReturn,
    ReturnPeriod,
    ReturnSignature,
)
from plans.returns import calculations as calc
from plans.returns.document import content_hash


@dataclass
class Line:
    """An income or expenditure row with its variance against the plan's 2015/16 figure."""

    row: object
    variance: object  # £
    variance_percent: object  # %

    @property
    def over_forecast(self):
        """Spend to date above the year's forecast (expenditure only)."""
        row = self.row
        return row.actual_to_date is not None and row.forecast is not None and row.actual_to_date > row.forecast


@dataclass
class MetricLine:
    row: object
    direction: str | None
    on_track: bool | None


@dataclass
class ReturnView:
    ret: QuarterlyReturn
    conditions: list
    income: list  # [Line]
    expenditure: list  # [Line]
    metrics: list  # [MetricLine]
    p4p_row: object  # the plan's P4PMetric, or None (edition 2014-04 has none)
    published: dict  # {P4P quarter label: admissions} from national data
    signatures: list
    revisions: list

    @property
    def plan(self):
        return self.ret.plan

    @property
    def period(self):
        return self.ret.period

    @property
    def quarter(self):
        """The return's own P4P quarter (1..4), or None for the end-of-year return."""
        return self.period.p4p_quarter

    @cached_property
    def schedule(self):
        """The P4P schedule (calculations.QuarterPayment per quarter), or None without a P4P metric."""
        row = self.p4p_row
        if row is None:
            return None
        return calc.p4p_schedule(
            row.baseline, row.planned, self.ret.actuals, row.unit_saving, P4P_QUARTERS, row.performance_element
        )

    @property
    def released(self):
        """(paid to date, not released) after the latest reported quarter, or (None, None)."""
        return calc.released_to_date(self.schedule) if self.schedule else (None, None)

    @property
    def published_for_quarter(self):
        return self.published.get(self.period.p4p_label) if self.quarter else None

    @cached_property
    def income_totals(self):
        return _totals(self.income)

    @cached_property
    def expenditure_totals(self):
        return _totals(self.expenditure)

    @property
    def valid_signature(self):
        current = content_hash(self)
        return next((s for s in self.signatures if s.voided_at is None and s.content_hash == current), None)


def _totals(lines):
    rows = [line.row for line in lines]
    totals = {
        "planned": calc.money_sum(r.planned for r in rows),
        "forecast": calc.money_sum(r.forecast for r in rows),
        "actual_to_date": calc.money_sum(r.actual_to_date for r in rows),
    }
    totals["variance"], totals["variance_percent"] = calc.variance(totals["forecast"], totals["planned"])
    return totals


def return_view(ret):
    """The view-model of one return (a handful of queries, whatever its size)."""
    income = [Line(r, *calc.variance(r.forecast, r.planned)) for r in ret.income.all()]
    expenditure = [Line(r, *calc.variance(r.forecast, r.planned)) for r in ret.expenditure.all()]
    metrics = [
        MetricLine(r, calc.metric_direction(r.baseline, r.target), calc.metric_on_track(r.baseline, r.target, r.actual))
        for r in ret.metrics.all()
    ]
    return ReturnView(
        ret=ret,
        conditions=list(ret.conditions.all()),
        income=income,
        expenditure=expenditure,
        metrics=metrics,
        p4p_row=P4PMetric.objects.filter(plan_id=ret.plan_id).first(),
        published=dict(PublishedAdmissions.objects.filter(hwb_id=ret.hwb_id).values_list("quarter", "admissions")),
        signatures=list(ReturnSignature.objects.filter(quarterly_return=ret)),
        revisions=list(ret.revisions.all()),
    )


def latest_submitted_plan(hwb):
    """The HWB's latest submitted plan version (what a new return reports on), or None."""
    return (
        Plan.objects.filter(hwb=hwb, status__in=SUBMITTED_STATES).order_by("-date_submitted", "-version", "-pk").first()
    )


def current_return(hwb, period):
    return QuarterlyReturn.objects.filter(hwb=hwb, period=period, is_current=True).first()


def earlier_return(ret_or_hwb, period):
    """The Board's current return for the period before `period` (where actuals carry over from)."""
    hwb_id = getattr(ret_or_hwb, "pk", ret_or_hwb)
    before = ReturnPeriod.objects.filter(position__lt=period.position).order_by("-position").first()
    if before is None:
        return None
    return QuarterlyReturn.objects.filter(hwb_id=hwb_id, period=before, is_current=True).first()


def is_submitted(ret):
    return ret.status in RETURN_SUBMITTED_STATES
