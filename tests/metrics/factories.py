"""Part 2 rows for tests, and a plan with a complete, consistent Part 2 (edition 2014-09)."""

from decimal import Decimal

import factory

from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, MetricFigure, P4PMetric
from plans.models import CCG, LocalAuthority
from tests.factories import HWBFactory, PlanFactory, SchemeFactory


class FundingRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRow

    plan = factory.SubFactory(PlanFactory)
    organisation = factory.LazyAttribute(lambda row: row.plan.hwb.local_authority.name)
    kind = "revenue"
    amount_2014_15 = Decimal("0.00")
    amount_2015_16 = Decimal("0.00")
    position = factory.LazyAttribute(lambda row: FundingRow.objects.filter(plan=row.plan).count() + 1)


class ExpenditureRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenditureRow

    plan = factory.SubFactory(PlanFactory)
    scheme = factory.LazyAttribute(lambda row: SchemeFactory(plan=row.plan))
    area_of_spend = "Social care"
    commissioner = "Local authority"
    provider = "Local authority"
    source_of_funding = "CCG minimum contribution"
    amount_2014_15 = Decimal("0.00")
    amount_2015_16 = Decimal("0.00")
    new_or_existing = "existing"
    position = factory.LazyAttribute(lambda row: ExpenditureRow.objects.filter(plan=row.plan).count() + 1)


class BenefitRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitRow

    plan = factory.SubFactory(PlanFactory)
    scheme = factory.LazyAttribute(lambda row: SchemeFactory(plan=row.plan))
    measure = "Reduction in non-elective admissions"
    unit = "admission"
    q1 = Decimal(10)
    q2 = Decimal(10)
    q3 = Decimal(10)
    q4 = Decimal(10)
    value_per_unit = Decimal("1490.00")
    position = factory.LazyAttribute(lambda row: BenefitRow.objects.filter(plan=row.plan).count() + 1)


def rutland_p4p(plan, *, plan_quarters=(733, 705, 688, 714), justification=""):
    """Rutland's figures: 2,943 baseline admissions, 3.5% fewer planned (103), £591,000 element."""
    return P4PMetric.objects.create(
        plan=plan,
        population=37400,
        baseline_q1=760,
        baseline_q2=731,
        baseline_q3=712,
        baseline_q4=740,
        plan_q1=plan_quarters[0],
        plan_q2=plan_quarters[1],
        plan_q3=plan_quarters[2],
        plan_q4=plan_quarters[3],
        performance_element=Decimal("591000.00"),
        unit_saving=Decimal("1490.00"),
        justification=justification,
    )


def metric(plan, code, baseline, targets, *, name="", definition="", source="", percents=()):
    """A metric with (numerator, denominator) or a value for the baseline and each target."""
    from metrics.definitions import part2_edition

    edition = part2_edition(plan.edition)
    metric_def = edition.metric(code)
    row = Metric.objects.create(
        plan=plan,
        code=code,
        position=[m.code for m in edition.metrics].index(code) + 1,
        name=name,
        definition=definition,
        source=source,
    )
    labels = ["2013/14", *edition.target_labels]
    for position, given in enumerate([baseline, *targets]):
        values = {"label": labels[position]}
        if metric_def.has_ratio and isinstance(given, tuple):
            values["numerator"], values["denominator"] = (Decimal(str(v)) for v in given)
        else:
            values["stated_value"] = Decimal(str(given))
        if position and len(percents) >= position and percents[position - 1] is not None:
            values["percent_change"] = Decimal(str(percents[position - 1]))
        MetricFigure.objects.create(metric=row, position=position, **values)
    return row


def complete_part2_plan(**plan_kwargs):
    """A 2014-09 plan whose Part 2 is complete and adds up: no Part 2 error."""
    la = LocalAuthority.objects.get_or_create(name="Example Borough Council")[0]
    ccg = CCG.objects.get_or_create(name="NHS Example CCG")[0]
    plan = PlanFactory(
        hwb=HWBFactory(local_authority=la),
        ccgs=[ccg],
        total_agreed_2014_15=Decimal("1000000.00"),
        total_agreed_2015_16=Decimal("2500000.00"),
        minimum_2014_15=Decimal("900000.00"),
        minimum_2015_16=Decimal("2226000.00"),
        **plan_kwargs,
    )
    scheme_a = SchemeFactory(plan=plan, ref="UP1", name="Community Agents")
    scheme_b = SchemeFactory(plan=plan, ref="HDR2", name="Reablement")
    FundingRowFactory(
        plan=plan, organisation=la.name, amount_2014_15=Decimal("400000.00"), amount_2015_16=Decimal("900000.00")
    )
    FundingRowFactory(
        plan=plan, organisation=ccg.name, amount_2014_15=Decimal("600000.00"), amount_2015_16=Decimal("1600000.00")
    )
    ExpenditureRowFactory(
        plan=plan, scheme=scheme_a, amount_2014_15=Decimal("250000.00"), amount_2015_16=Decimal("1000000.00")
    )
    ExpenditureRowFactory(
        plan=plan,
        scheme=scheme_b,
        area_of_spend="Community health",
        commissioner="Joint",
        nhs_share_percent=Decimal("60"),
        provider="NHS community",
        amount_2014_15=Decimal("750000.00"),
        amount_2015_16=Decimal("1500000.00"),
    )
    BenefitRowFactory(plan=plan, scheme=scheme_a)
    rutland_p4p(plan)
    metric(plan, "N1", (120, 20000), [(115, 20500), (110, 21000)])
    metric(plan, "N2", (170, 200), [(172, 200), (175, 200)])
    metric(plan, "N3", (300, 60000), [(290, 60000), (280, 60000)])
    metric(plan, "N5", 72, [74, 76], name="Satisfied with care and support (ASCOF 3A)")
    metric(plan, "L1", 50, [45, 40], name="Falls admissions", definition="Admissions for falls, 65+", source="SUS")
    return plan
