"""Sign-off and submission in a real browser, each person in their own browser context.

Cheshire East's demo plan has two CCGs and one error (3 d) has no yes/no answer), so the journey is the
real one: the editor is refused, puts the error right, marks the plan ready; both CCG signatories and
the council sign from the link in their email; the chair signs last; the editor submits; the plan is
read-only and the stored version downloads with the SHA-256 the page shows.
"""

import hashlib
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from bcf.core.jobs import run_jobs
from plans.models import PlanStatus, Signature, SubmissionFile

from .conftest import CHESHIRE_EAST, NOTTINGHAMSHIRE, shot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SOUTH_CHESHIRE = "simon.whitehouse@southcheshire.example.org"
EASTERN_CHESHIRE = "jerry.hawker@easterncheshire.example.org"
CHESHIRE_COUNCIL = "lorraine.butcher@cheshireeast.example.org"
CHESHIRE_CHAIR = "janet.clowes@cheshireeast.example.org"
SULLIVAN = "amanda.sullivan@mansfieldashfield.example.org"
NOTTS_COUNCIL = "david.pearson@nottinghamshire.example.org"


@pytest.fixture
def emails(settings, live_server):
    """Links in the emails point at the live server, so people can follow them."""
    settings.SITE_URL = live_server.url
    mail.outbox = []
    return mail.outbox


def sign_link(outbox, email):
    """The sign link of the newest email to `email` (the worker sends the queued e-mails first)."""
    run_jobs()
    message = [m for m in outbox if m.to == [email]][-1]
    return re.search(r"https?://\S+/sign/", message.body).group(0)


def banner(page):
    return page.locator(".govuk-notification-banner--success")


def signatures_row(page, organisation):
    return page.locator("#signatures").get_by_role("row").filter(has_text=organisation)


def sign_from_email(new_context, outbox, email, organisations, screenshot=None):
    page = sign_in(new_context().new_page(), email)
    page.goto(sign_link(outbox, email))
    expect(page.get_by_role("heading", name="Sign the plan", level=1)).to_be_visible()
    for organisation in organisations:
        page.get_by_label(organisation).check()
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Sign the plan").click()
    expect(banner(page)).to_contain_text("You have signed the plan on behalf of")
    return page


def test_editor_marks_ready_everyone_signs_chair_last_editor_submits(page, new_context, demo_plans, emails):
    plan = demo_plans["cheshire-east"]
    sign_in(page, CHESHIRE_EAST)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("#workflow-state")).to_contain_text("Draft")

    # Refused while the check page has errors; the error is shown with a link to the answer.
    page.get_by_role("button", name="Mark ready for sign-off").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The plan cannot be signed off until 1 error is put right")
    shot(page, "signoff-01-mark-ready-refused")
    summary.get_by_role("link", name=re.compile("Joint assessment")).click()
    page.locator("#id_conditions-joint_assessment-yes").check()
    page.get_by_role("button", name="Save and return to the plan").click()
    expect(banner(page)).to_be_visible()

    page.get_by_role("button", name="Mark ready for sign-off").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    shot(page, "signoff-02-mark-ready")
    page.get_by_role("button", name="Mark ready for sign-off").click()
    expect(banner(page)).to_contain_text("The plan is ready for sign-off")
    expect(page.locator("#workflow-state")).to_contain_text("Awaiting sign-off")
    # Read-only from now on: the section page offers no save.
    page.goto(f"/plans/{plan.pk}/sections/vision/")
    expect(page.get_by_role("button", name="Save and return to the plan")).to_have_count(0)
    run_jobs()  # e-mails go out from the job engine
    assert sorted(m.to[0] for m in emails) == sorted([SOUTH_CHESHIRE, EASTERN_CHESHIRE, CHESHIRE_COUNCIL])

    # The chair cannot sign before the others.
    chair = sign_in(new_context().new_page(), CHESHIRE_CHAIR)
    chair.goto(f"/plans/{plan.pk}/sign/")
    expect(chair.locator(".govuk-inset-text")).to_contain_text("As chair you sign last. Still to sign:")
    expect(chair.get_by_role("button", name="Sign the plan")).to_have_count(0)

    # Both CCGs and the council sign, each from the link in their email.
    sign_from_email(new_context, emails, SOUTH_CHESHIRE, ["NHS South Cheshire CCG"], "signoff-03-ccg-signs")
    sign_from_email(new_context, emails, EASTERN_CHESHIRE, ["NHS Eastern Cheshire CCG"])
    council = sign_from_email(new_context, emails, CHESHIRE_COUNCIL, ["Cheshire East Council"])
    expect(signatures_row(council, "NHS South Cheshire CCG")).to_contain_text("Simon Whitehouse")
    expect(signatures_row(council, "Cheshire East Council")).to_contain_text("Signed")

    # Then the chair, last: that signs the plan off.
    chair.goto(sign_link(emails, CHESHIRE_CHAIR))
    chair.get_by_label("Cheshire East Health and Wellbeing Board").check()
    shot(chair, "signoff-04-chair-signs")
    chair.get_by_role("button", name="Sign the plan").click()
    expect(chair.locator("#workflow-state")).to_contain_text("Signed off")
    expect(signatures_row(chair, "Cheshire East Health and Wellbeing Board")).to_contain_text("Janet Clowes")

    # The editor submits.
    page.goto(f"/plans/{plan.pk}/")
    shot(page, "signoff-05-signed-off")
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("flagged as late")
    shot(page, "signoff-06-submit")
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Plan submitted")
    shot(page, "signoff-07-submitted")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    expect(page.locator(".govuk-tag--yellow").first).to_contain_text("Being prepared")
    run_jobs()  # the worker stores the version's files; the page shows them when it looks again
    page.reload()
    assert SubmissionFile.objects.filter(submission__plan=plan).count() == 3

    # The stored files download with the bytes whose SHA-256 the page shows, every time.
    for stored in SubmissionFile.objects.filter(submission__plan=plan).defer("content"):
        shown = page.locator("li").filter(has_text=stored.filename).locator("code").inner_text()
        for _ in range(2):
            with page.expect_download() as download_info:
                page.get_by_role("link", name=re.compile(f"Download {re.escape(stored.get_kind_display())}")).click()
            path = download_info.value.path()
            assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == shown == stored.sha256

    # Read-only: no way to change it, reopen it or sign it.
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("#workflow-state")).to_contain_text("Submitted")
    expect(page.get_by_text("You can read this plan but not change it: it is submitted.")).to_be_visible()
    for action in ("Mark ready for sign-off", "Submit the plan", "Sign the plan"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    expect(page.get_by_role("link", name="Reopen the plan to change it")).to_have_count(0)
    page.goto(f"/plans/{plan.pk}/sections/vision/")
    expect(page.get_by_role("button", name="Save and return to the plan")).to_have_count(0)
    page.goto(f"/plans/{plan.pk}/versions/")
    shot(page, "signoff-08-versions")


def test_an_editor_reopening_voids_the_signatures(page, new_context, demo_plans, emails):
    plan = demo_plans["nottinghamshire"]
    sign_in(page, NOTTINGHAMSHIRE)
    page.goto(f"/plans/{plan.pk}/ready/")
    page.get_by_role("button", name="Mark ready for sign-off").click()
    expect(page.locator("#workflow-state")).to_contain_text("Awaiting sign-off")

    # One person signs for two CCGs at once; the council signs too.
    sullivan = sign_from_email(
        new_context,
        emails,
        SULLIVAN,
        ["NHS Mansfield and Ashfield CCG", "NHS Newark and Sherwood CCG"],
        "signoff-09-two-ccgs",
    )
    expect(signatures_row(sullivan, "NHS Newark and Sherwood CCG")).to_contain_text("Amanda Sullivan")
    sign_from_email(new_context, emails, NOTTS_COUNCIL, ["Nottinghamshire County Council"])
    assert Signature.objects.filter(plan=plan, voided_at__isnull=True).count() == 3

    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Reopen the plan to change it").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("3 signatures will be voided")
    page.get_by_label("What needs to change? (optional)").fill("The risk log needs the winter risk")
    shot(page, "signoff-10-reopen")
    page.get_by_role("button", name="Reopen the plan").click()
    expect(banner(page)).to_contain_text("Every signature has been voided")
    expect(page.locator("#workflow-state")).to_contain_text("Draft")
    page.goto(f"/plans/{plan.pk}/sections/signoff/")
    expect(page.get_by_text("Not signed yet")).to_have_count(8)
    assert not Signature.objects.filter(plan=plan, voided_at__isnull=True).exists()

    # Each voiding is in the history, and the signatories were told.
    page.goto(f"/plans/{plan.pk}/history/")
    voided = page.get_by_role("row").filter(has_text="Signature voided")
    expect(voided).to_have_count(3)
    expect(voided.first).to_contain_text("The risk log needs the winter risk")
    shot(page, "signoff-11-history")
    run_jobs()  # e-mails go out from the job engine
    assert {m.to[0] for m in emails if "voided" in m.subject} == {SULLIVAN, NOTTS_COUNCIL}

    # The signatory's page now says there is nothing to sign.
    sullivan.goto(f"/plans/{plan.pk}/sign/")
    refusal = banner(sullivan).or_(sullivan.locator(".govuk-notification-banner"))
    expect(refusal).to_contain_text("You cannot sign this plan yet")
