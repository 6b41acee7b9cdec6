"""Moving a plan to the September 2014 template (issue 12, item 4): the editor sees what moves where
and what has no place before the move, finds the answers with no place kept on the new version, and
confirms every risk's proposed scores on one page."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan, Risk, UnplacedAnswer
from plans.workflow import services as workflow

from .conftest import NOTTINGHAMSHIRE, shot, sign_in
from .test_review_journey import NOTTS_REVIEWER, person, signed_off

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.mark.django_db(transaction=True)
def test_moving_to_the_september_template_loses_nothing(page, demo_plans, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    plan = signed_off(demo_plans["nottinghamshire"])
    workflow.plan_submit(plan=plan, user=person(NOTTINGHAMSHIRE))
    workflow.plan_assure(plan=plan, user=person(NOTTS_REVIEWER), outcome="Approved")

    sign_in(page, NOTTINGHAMSHIRE)
    page.goto(f"/plans/{plan.pk}/resubmit/")
    page.get_by_label("September 2014", exact=False).check()
    page.get_by_role("button", name="Start the new version").click()
    expect(page.get_by_role("heading", name="Check what moves to the new template")).to_be_visible()
    expect(page.locator("#moves")).to_contain_text("2 b) Aims and objectives")
    expect(page.locator("#unplaced")).to_contain_text("3 c) Data sharing")
    shot(page, "move-01-preview")
    assert not Plan.objects.filter(previous=plan).exists()  # nothing is made before the editor confirms

    page.get_by_role("button", name="Start the new version on the new template").click()
    moved = Plan.objects.get(previous=plan)
    assert moved.edition == "2014-09"
    expect(page.locator("#unplaced")).to_contain_text("Answers from the April 2014")
    kept = UnplacedAnswer.objects.filter(plan=moved)
    assert kept.exists()
    expect(page.locator(f"#unplaced-{kept.first().pk}")).to_have_value(kept.first().value)
    shot(page, "move-02-new-version")

    page.goto(f"/plans/{moved.pk}/sections/risks/")
    expect(page.locator("#proposed-scores")).to_be_visible()
    proposed = Risk.objects.filter(plan=moved, proposed_likelihood__isnull=False).count()
    assert proposed > 0
    page.get_by_role("link", name="Confirm the risk scores on one page").click()
    shot(page, "move-03-risk-scores")
    page.get_by_role("button", name="Confirm all the scores").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Scores confirmed")
    assert not Risk.objects.filter(plan=moved, proposed_likelihood__isnull=False).exists()
    assert not Risk.objects.filter(plan=moved, likelihood__isnull=True).exists()
