"""A Board whose plan was submitted (with the worked example's P4P figures of DOMAIN.md §10), the
people who work on its returns, and a way to complete every section of a return."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from metrics.models import ExpenditureRow, FundingRow, Metric, MetricFigure, P4PMetric
from plans.models import ConditionStatus, PlanStatus, ReturnPeriod, Role
from plans.returns import services
from tests.factories import PlanFactory, RoleFactory, SchemeFactory

BASELINE = [1000, 980, 1020, 1000]
PLANNED = [965, 946, 984, 965]


def submitted_plan(**kwargs):
    plan = PlanFactory(status=PlanStatus.SUBMITTED, date_submitted=timezone.now(), **kwargs)
    P4PMetric.objects.create(
        plan=plan,
        population=100000,
        **{f"baseline_q{i + 1}": b for i, b in enumerate(BASELINE)},
        **{f"plan_q{i + 1}": p for i, p in enumerate(PLANNED)},
        performance_element=Decimal("591000"),
        unit_saving=Decimal("1490"),
    )
    FundingRow.objects.create(
        plan=plan, organisation=plan.hwb.local_authority.name, kind="revenue", amount_2015_16=Decimal("1000000")
    )
    scheme = SchemeFactory(plan=plan, ref="S1", name="Integrated neighbourhood teams")
    for amount in ("600000", "400000"):
        ExpenditureRow.objects.create(
            plan=plan,
            scheme=scheme,
            area_of_spend="Social care",
            commissioner="Local authority",
            provider="Local authority",
            source_of_funding="Local authority social services",
            amount_2015_16=Decimal(amount),
            new_or_existing="New",
        )
    metric = Metric.objects.create(plan=plan, code="N1")
    MetricFigure.objects.create(metric=metric, position=0, numerator=Decimal(345), denominator=Decimal(100000))
    MetricFigure.objects.create(
        metric=metric, position=1, label="2015/16", numerator=Decimal(276), denominator=Decimal(100000)
    )
    return plan


@pytest.fixture
def board(db):
    plan = submitted_plan()
    people = {
        "editor": RoleFactory(role=Role.EDITOR, hwb=plan.hwb, position="BCF lead").user,
        "chair": RoleFactory(role=Role.CHAIR, hwb=plan.hwb, position="Chair").user,
        "delegate": RoleFactory(role=Role.RETURN_SIGNATORY, hwb=plan.hwb, position="Director").user,
        "reviewer": RoleFactory(role=Role.REVIEWER, area_team=plan.hwb.area_team).user,
        "national": RoleFactory(role=Role.NATIONAL).user,
    }
    return {"plan": plan, "hwb": plan.hwb, **people}


def period(code):
    return ReturnPeriod.objects.get(code=code)


def complete(ret, user, actuals=None):
    """Fill every section of the return so that it has no errors."""
    ret = services.return_update(
        ret=ret,
        user=user,
        values={
            "cover_name": "Alex Officer",
            "cover_role": "BCF lead",
            "cover_email": "alex@example.org",
            "cover_telephone": "01234 567890",
            "cover_date": datetime.date(2015, 8, 1),
            "pooled": True,
            "narrative": "Good progress on every scheme.",
        },
    )
    services.return_rows_update(
        ret=ret,
        user=user,
        model=ret.conditions.model,
        rows={c.pk: {"status": ConditionStatus.MET} for c in ret.conditions.all()},
    )
    for model, manager in ((ret.income.model, ret.income), (ret.expenditure.model, ret.expenditure)):
        services.return_rows_update(
            ret=ret,
            user=user,
            model=model,
            rows={r.pk: {"forecast": r.planned, "actual_to_date": r.planned / 4} for r in manager.all()},
        )
    services.return_rows_update(
        ret=ret,
        user=user,
        model=ret.metrics.model,
        rows={m.pk: {"actual": Decimal(280), "period": "2014/15"} for m in ret.metrics.all()},
    )
    quarter = ret.period.p4p_quarter
    if quarter:
        values = actuals or {quarter: [970, 930, 1000, 950][quarter - 1]}
        services.return_save_admissions(ret=ret, user=user, actuals=values)
    ret.refresh_from_db()
    return ret
