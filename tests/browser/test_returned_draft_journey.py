"""A returned plan's new draft shows why it was returned (issue 12, item 3): the plan page lists what
the area team asked for, the section page shows the open comment, and the editor marks it answered."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan, SectionComment
from plans.review import services as review
from plans.workflow import services as workflow

from .conftest import NOTTINGHAMSHIRE, shot, sign_in
from .test_review_journey import NOTTS_REVIEWER, person, signed_off

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

COMMENT = "Say how the falls service is staffed at weekends."
REASONS = "Answer the comment on the vision and show the weekend staffing."


@pytest.mark.django_db(transaction=True)
def test_the_new_draft_shows_what_the_area_team_asked_for(page, demo_plans, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    plan = signed_off(demo_plans["nottinghamshire"])
    workflow.plan_submit(plan=plan, user=person(NOTTINGHAMSHIRE))
    plan.refresh_from_db()
    review.comment_add(plan=plan, user=person(NOTTS_REVIEWER), section="vision", text=COMMENT)
    workflow.plan_return(plan=plan, user=person(NOTTS_REVIEWER), reasons=REASONS)

    sign_in(page, NOTTINGHAMSHIRE)
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("button", name="Start a new version").click()
    radios = page.locator("input[type=radio]")
    if radios.count():
        radios.first.check()  # the same round again
    page.get_by_role("button", name="Start the new version").click()
    expect(page.locator("h1")).to_contain_text("Better Care Fund plan")
    draft = Plan.objects.get(previous=plan)
    assert page.url.rstrip("/").endswith(f"/plans/{draft.pk}")
    asked = page.locator("#asked-for")
    expect(asked).to_contain_text(REASONS)
    expect(asked).to_contain_text(COMMENT)
    shot(page, "returned-draft-asked-for")

    asked.get_by_role("link", name="2 a) Vision").first.click()
    thread = page.locator(".bcf-comment-thread").filter(has_text=COMMENT)
    expect(thread).to_contain_text("Open")
    thread.get_by_role("button", name="Mark as answered").click()
    thread = page.locator(".bcf-comment-thread").filter(has_text=COMMENT)
    expect(thread).to_contain_text("Answered")
    shot(page, "returned-draft-comment-answered")
    assert SectionComment.objects.get(text=COMMENT).answered_at is not None
