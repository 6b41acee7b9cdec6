"""A plan whose Part 2 was never started cannot be marked ready for sign-off or submitted, in either
edition (issue 12, item 2): "Both parts must be completed"."""

import pytest

from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, P4PMetric
from plans.workflow import services as workflow
from tests.plans.review.test_review import NOTTS_EDITOR, person, submit_notts

PART2_MESSAGE = "Part 2 (finance and metrics) has not been started"


def clear_part2(plan):
    for model in (BenefitRow, ExpenditureRow, FundingRow, P4PMetric, Metric):
        model.objects.filter(plan=plan).delete()


@pytest.mark.django_db
@pytest.mark.parametrize("name, editor", [("nottinghamshire", NOTTS_EDITOR), ("rutland", "editor@rutland.example.org")])
def test_a_plan_without_part2_is_not_marked_ready(demo, name, editor):
    plan = demo[name]
    clear_part2(plan)
    with pytest.raises(workflow.PlanHasErrors) as refused:
        workflow.plan_mark_ready(plan=plan, user=person(editor))
    assert any(PART2_MESSAGE in issue.message for issue in refused.value.issues)


@pytest.mark.django_db
def test_the_nottinghamshire_plan_with_its_part2_is_marked_ready(demo):
    plan = workflow.plan_mark_ready(plan=demo["nottinghamshire"], user=person(NOTTS_EDITOR))
    assert plan.status == "AWAITING_SIGN_OFF"


@pytest.mark.django_db
def test_a_signed_off_plan_whose_part2_went_is_not_submitted(demo, monkeypatch):
    plan = demo["nottinghamshire"]
    real_submit = workflow.plan_submit
    monkeypatch.setattr(workflow, "plan_submit", lambda **kwargs: None)  # stop submit_notts at signed off
    submit_notts(plan)
    monkeypatch.setattr(workflow, "plan_submit", real_submit)
    plan.refresh_from_db()
    assert plan.status == "SIGNED_OFF"
    clear_part2(plan)
    with pytest.raises(workflow.PlanHasErrors) as refused:
        workflow.plan_submit(plan=plan, user=person(NOTTS_EDITOR))
    assert any(PART2_MESSAGE in issue.message for issue in refused.value.issues)
