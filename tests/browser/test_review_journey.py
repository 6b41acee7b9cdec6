"""The area team's review in a real browser: the Nottinghamshire reviewer downloads the submitted
plan's stored files, comments on a section and returns the plan; the editor reads the comment,
starts a new version and resubmits it (signed with the workflow services); the reviewer compares the
two versions and records "Approved with support"."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bcf.core.jobs import run_jobs
from plans.models import AssuranceOutcome, Plan, PlanStatus, SubmissionFile
from plans.workflow import services as workflow

from .conftest import NOTTINGHAMSHIRE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

NOTTS_REVIEWER = "reviewer@dn-at.example.org"
NOTTS_SIGNERS = [
    "phil.mettam@bassetlaw.example.org",
    "amanda.sullivan@mansfieldashfield.example.org",
    "sam.walters@nottinghamnortheast.example.org",
    "oliver.newbould@nottinghamwest.example.org",
    "vicky.bailey@rushcliffe.example.org",
    "david.pearson@nottinghamshire.example.org",
    "joyce.bosnjak@nottinghamshire.example.org",  # the chair, last
]
COMMENT = "Show how the 3.5% reduction in admissions is reached in each planning unit."


def person(email):
    return get_user_model().objects.get(email=email)


def signed_off(plan):
    """Mark ready and have every organisation sign, with the workflow services (the sign-off journey
    has its own browser test)."""
    plan = workflow.plan_mark_ready(plan=plan, user=person(NOTTINGHAMSHIRE))
    for email in NOTTS_SIGNERS:
        user = person(email)
        keys = [o.key for o in workflow.organisations_for(user, plan)]
        plan = workflow.plan_sign(plan=plan, user=user, organisations=keys)
    return plan


def test_reviewer_returns_editor_resubmits_reviewer_approves_with_support(new_context, demo_plans, tmp_path):
    plan = signed_off(demo_plans["nottinghamshire"])
    workflow.plan_submit(plan=plan, user=person(NOTTINGHAMSHIRE))
    run_jobs()  # the worker stores the version's files
    stored = {f.kind: f for f in SubmissionFile.objects.filter(submission__plan=plan)}
    section = next(s for s in plan.edition_def.sections if s.kind == "questions")

    # The reviewer finds the plan in the area's list and downloads its stored files.
    reviewer = sign_in(new_context().new_page(), NOTTS_REVIEWER)
    reviewer.goto("/review/")
    expect(reviewer.get_by_role("heading", name="Plans in your area", level=1)).to_be_visible()
    shot(reviewer, "review-01-area-home")
    reviewer.get_by_role("link", name="Nottinghamshire", exact=False).first.click()
    expect(reviewer.get_by_role("heading", name="Review the plan", level=1)).to_be_visible()
    shot(reviewer, "review-02-plan")
    for kind in ("pdf", "xlsx", "json"):
        if kind not in stored:
            continue
        with reviewer.expect_download() as info:
            reviewer.locator(f"a[href$='/version/{kind}/']").first.click()
        path = Path(info.value.path())
        assert hashlib.sha256(path.read_bytes()).hexdigest() == stored[kind].sha256, kind
    assert stored, "the submission stored no files"

    # Comments on a section, then returns the plan with reasons.
    reviewer.get_by_role("link", name=f"{section.number} {section.title}".strip()).click()
    reviewer.get_by_label("Comment on this section").fill(COMMENT)
    reviewer.get_by_role("button", name="Add comment").click()
    expect(reviewer.locator("#comments")).to_contain_text(COMMENT)
    shot(reviewer, "review-03-comment")
    reviewer.goto(f"/review/plans/{plan.pk}/")
    reviewer.get_by_role("link", name="Return for resubmission").click()
    reviewer.get_by_label("Why is the plan being returned?").fill("See the comment on the section.")
    reviewer.get_by_role("button", name="Return the plan").click()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    # The editor reads the comment on the section and starts a new version.
    editor = sign_in(new_context().new_page(), NOTTINGHAMSHIRE)
    editor.goto(f"/plans/{plan.pk}/sections/{section.slug}/")
    expect(editor.locator("#comments")).to_contain_text(COMMENT)
    shot(editor, "review-04-editor-sees-comment")
    editor.goto(f"/plans/{plan.pk}/resubmit/")
    radios = editor.locator("input[type=radio]")
    if radios.count():
        radios.first.check()
    editor.get_by_role("button", name="Start the new version").click()
    second = Plan.objects.get(previous=plan)
    expect(editor.locator("h1")).to_contain_text("Better Care Fund plan")
    editor.goto(f"/plans/{second.pk}/sections/{section.slug}/")
    expect(editor.locator("#comments")).to_contain_text(COMMENT)  # the earlier version's comment stays in view

    # Signed off again, then the editor resubmits on the page.
    signed_off(second)
    editor.goto(f"/plans/{second.pk}/submit/")
    editor.get_by_role("button", name="Submit the plan").click()
    second.refresh_from_db()
    assert second.status == PlanStatus.SUBMITTED

    # The reviewer compares the versions and records the outcome.
    reviewer.goto(f"/review/plans/{second.pk}/")
    reviewer.get_by_role("link", name="Compare with the previous version").click()
    expect(reviewer.locator("h1")).to_have_text("Changes from version 1 to version 2")
    shot(reviewer, "review-05-compare")
    reviewer.goto(f"/review/plans/{second.pk}/")
    reviewer.get_by_role("link", name="Record the assurance outcome").click()
    reviewer.get_by_label("Approved with support").check()
    reviewer.get_by_label("Overall comment (optional)").fill("Support offered on the P4P trajectory.")
    reviewer.get_by_role("button", name="Record the outcome").click()
    expect(reviewer.locator(".govuk-notification-banner")).to_contain_text("Approved with support")
    shot(reviewer, "review-06-outcome")
    outcome = AssuranceOutcome.objects.get(plan=second)
    assert outcome.outcome == "Approved with support"
    second.refresh_from_db()
    assert second.status == PlanStatus.ASSURED

    reviewer.goto("/review/?outcome=Approved+with+support")
    expect(reviewer.locator("tbody tr")).to_have_count(1)
    shot(reviewer, "review-07-area-home-filtered")


def test_national_viewer_sees_the_dashboard_with_its_chart(new_context, demo_plans):
    from tests.factories import AreaTeamFactory, bulk_submitted_plans

    bulk_submitted_plans(AreaTeamFactory(name="Generated Area Team"), 30, prefix="Generated")
    page = sign_in(new_context().new_page(), "national@bcf.example.org")
    page.goto("/national/")
    expect(page.get_by_role("heading", name="Better Care Fund plans in England", level=1)).to_be_visible()
    chart = page.locator("svg.bcf-chart")
    expect(chart).to_be_visible()
    assert "3.5% minimum" in chart.inner_html()
    expect(page.locator("#below-minimum")).not_to_have_text("")
    shot(page, "national-01-dashboard")
