"""The Part 2 checks of DOMAIN.md §6: errors block sign-off, warnings are shown to everyone."""

from decimal import Decimal

import pytest

from bcf.core.issues import ERROR, WARNING, errors
from metrics.checks import check_part2
from metrics.models import ExpenditureRow, FundingRow, P4PMetric
from plans.content.checks import check_plan
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.models import Answer, Role
from schemes.models import Scheme
from tests.conftest import demo_document
from tests.factories import PlanFactory, RoleFactory

from .factories import ExpenditureRowFactory, complete_part2_plan, metric

pytestmark = pytest.mark.django_db


def part2_messages(plan, level=None):
    return [i.message for i in check_part2(plan_view(plan)) if level is None or i.level == level]


def test_a_complete_consistent_part2_has_no_issue():
    plan = complete_part2_plan()
    assert part2_messages(plan) == []


@pytest.mark.parametrize("edition", ["2014-04", "2014-09"])
def test_a_part2_not_started_is_an_error_that_blocks_sign_off(edition):
    """Both parts must be completed (the templates' own words), in both editions."""
    plan = PlanFactory(edition=edition)
    issues = check_part2(plan_view(plan))
    assert [(i.level, i.url) for i in issues] == [(ERROR, f"/plans/{plan.pk}/part-2/")]
    assert "not been started" in issues[0].message and "both parts" in issues[0].message


def test_rutland_35_percent_reduction_is_accepted():
    plan = complete_part2_plan()
    assert not [m for m in part2_messages(plan) if "reduction" in m]


def test_a_3_percent_plan_without_justification_is_an_error():
    plan = complete_part2_plan()
    P4PMetric.objects.filter(plan=plan).update(plan_q1=740, plan_q2=710, plan_q3=690, plan_q4=715)
    found = [i for i in check_part2(plan_view(plan)) if "below the expected minimum" in i.message]
    assert [i.level for i in found] == [ERROR]
    assert "3.0% (88 admissions) is below the expected minimum of 3.5% (103 admissions): give a justification" in (
        found[0].message
    )
    assert found[0].url == f"/plans/{plan.pk}/part-2/p4p/#id_justification"


def test_with_a_justification_it_is_a_warning_that_reviewers_see(client):
    plan = complete_part2_plan()
    P4PMetric.objects.filter(plan=plan).update(
        plan_q1=740, plan_q2=710, plan_q3=690, plan_q4=715, justification="Admissions already fell by 6% in 2013/14."
    )
    found = [i for i in check_part2(plan_view(plan)) if "below the expected minimum" in i.message]
    assert [i.level for i in found] == [WARNING]
    assert not errors(check_part2(plan_view(plan)))
    reviewer = RoleFactory(role=Role.REVIEWER, area_team=plan.hwb.area_team).user
    client.force_login(reviewer)
    page = client.get(f"/plans/{plan.pk}/check/").content.decode()
    assert "below the expected minimum of 3.5%" in page
    assert f'href="/plans/{plan.pk}/part-2/p4p/#id_justification"' in page
    p4p_page = client.get(f"/plans/{plan.pk}/part-2/p4p/").content.decode()
    assert "Admissions already fell by 6% in 2013/14." in p4p_page


def test_funding_that_does_not_equal_the_agreed_total_is_an_error():
    plan = complete_part2_plan()
    row = FundingRow.objects.filter(plan=plan).first()
    row.amount_2015_16 += Decimal("1000")
    row.save()
    found = part2_messages(plan, ERROR)
    assert any(
        "the funding for 2015/16 adds up to £2,501,000.00, not the total agreed value of the pooled budget "
        "(£2,500,000.00): a difference of £1,000.00" in m
        for m in found
    )
    assert any(
        "the expenditure for 2015/16 adds up to £2,500,000.00, not the funding total (£2,501,000.00)" in m
        for m in found
    )


def test_funding_below_the_minimum_of_the_reference_data_is_an_error():
    from metrics.models import ReferenceData

    plan = complete_part2_plan()
    plan.minimum_2015_16 = None
    plan.save()
    ReferenceData.objects.create(hwb=plan.hwb, edition="2014-09", minimum_2015_16=Decimal("3000000"))
    found = part2_messages(plan, ERROR)
    assert any("below the minimum required value of the pooled budget (£3,000,000.00)" in m for m in found)
    assert any("is below the minimum required by the national allocations (£3,000,000.00)" in m for m in found)


def test_joint_commissioning_needs_the_nhs_share_and_a_removed_scheme_is_flagged():
    plan = complete_part2_plan()
    ExpenditureRow.objects.filter(plan=plan, commissioner="Joint").update(nhs_share_percent=None)
    Scheme.objects.filter(plan=plan, ref="UP1").delete()
    found = part2_messages(plan, ERROR)
    assert any("line 2 is jointly commissioned: give the NHS share (%)" in m for m in found)
    assert any("line 1 has no scheme (was its scheme removed?)" in m for m in found)
    assert ExpenditureRow.objects.filter(plan=plan).count() == 2  # the money is kept


def test_a_target_that_disagrees_with_its_percent_is_a_warning():
    plan = complete_part2_plan()
    plan.metrics.filter(code="L1").delete()
    metric(plan, "L1", 345, [300, 276], name="Falls", definition="Falls", source="SUS", percents=(-13, -13))
    warnings = part2_messages(plan, WARNING)
    assert len([m for m in warnings if "does not agree" in m]) == 1
    assert any(
        "the 2015/16 plan (276) does not agree with its stated change of −13.0% from the baseline (345)" in m
        for m in warnings
    )


def test_placeholders_in_part2_text_are_errors():
    plan = complete_part2_plan()
    P4PMetric.objects.filter(plan=plan).update(justification="To be completed")
    assert any("template placeholder “To be completed” left in" in m for m in part2_messages(plan, ERROR))


def test_empty_metrics_are_one_error_each():
    plan = complete_part2_plan()
    plan.metrics.filter(code="N3").delete()
    found = [m for m in part2_messages(plan, ERROR) if m.startswith("Part 2, metrics: N3")]
    assert found == ["Part 2, metrics: N3 Delayed transfers of care (delayed days): enter its baseline and targets"]


def _notts_with_locality_lines(amounts):
    plan = import_plan(demo_document("nottinghamshire"))
    ExpenditureRow.objects.filter(plan=plan).delete()  # only these lines: the demo's own Part 2 is illustrative
    scheme = Scheme.objects.get(plan=plan, ref="T4")
    for position, amount in enumerate(amounts, start=1):
        ExpenditureRowFactory(
            plan=plan, scheme=scheme, amount_2014_15=Decimal(amount), amount_2015_16=Decimal(amount), position=position
        )
    return plan


def test_nottinghamshire_protecting_social_care_lines_agree_with_the_stated_total():
    plan = _notts_with_locality_lines(["2227000", "6245000", "7645000"])
    assert Answer.objects.get(plan=plan, key="conditions.social_care_protection").amount == Decimal("16117000.00")
    view = plan_view(plan)
    assert view.part2.expenditure_totals == {"2014/15": Decimal("16117000.00"), "2015/16": Decimal("16117000.00")}
    assert not [m for m in part2_messages(plan) if "protection of adult social care" in m]


def test_a_mismatching_social_care_total_is_flagged():
    plan = _notts_with_locality_lines(["2227000", "6245000", "7500000"])
    found = [m for m in part2_messages(plan, WARNING) if "protection of adult social care" in m]
    assert found == [
        "Part 2, expenditure plan: the expenditure on social care in 2015/16 adds up to £15,972,000.00, but the "
        "plan states £16,117,000.00 for the protection of adult social care services"
    ]


def test_the_nottinghamshire_demo_plan_still_has_no_errors():
    plan = import_plan(demo_document("nottinghamshire"))
    assert errors(check_plan(plan_view(plan))) == []


def test_the_rutland_demo_plan_carries_its_p4p_figures():
    plan = import_plan(demo_document("rutland"))
    p4p = plan_view(plan).part2.p4p
    assert (p4p.baseline_total, p4p.avoided, p4p.value, p4p.remainder) == (
        2943,
        103,
        Decimal("153470.00"),
        Decimal("437530.00"),
    )
    assert not [m for m in part2_messages(plan) if "reduction" in m or "social care" in m]
