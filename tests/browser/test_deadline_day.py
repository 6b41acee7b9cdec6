"""An officer's deadline day in a real browser: the timeout warning, typed text kept through a
sign-out, "Save and continue", and seeing another editor in the same section."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from plans.content import presence
from plans.content.services import answers_save
from plans.editing import section_revision
from plans.models import Answer, Role, RoleAssignment
from plans.workflow import services as workflow
from tests.plans.workflow.test_versions import submitted_plan
from tests.plans.workflow.test_workflow import NOTTS_REVIEWER, person

from .conftest import DEMO_PASSWORD, NOTTINGHAMSHIRE, RUTLAND, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

OVERSIGHT = "#id_action-oversight-text"
DRAFT_KEYS = "() => Object.keys(localStorage).filter(k => k.startsWith('bcf-draft:'))"


def sign_in_to(page, email, landing_heading):
    """Sign in on the sign-in page already open (it carries the page to go back to)."""
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(landing_heading)


def test_timeout_warning_keeps_the_session_and_then_signs_out_keeping_the_text(page, demo_plans, settings):
    # A two-minute warning before a two-hour timeout, shrunk: warn 10 seconds before a 16-second
    # timeout. Pages do not renew the session here (SESSION_RENEW_SECONDS), only "Stay signed in".
    settings.SESSION_COOKIE_AGE = 16
    settings.SESSION_WARNING_SECONDS = 10
    settings.SESSION_RENEW_SECONDS = 3600
    plan = demo_plans["rutland"]
    url = f"/plans/{plan.pk}/sections/oversight/"
    sign_in(page, RUTLAND)
    signed_in_at = time.monotonic()
    page.goto(url)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text(re.compile(r"we will sign you out in \d+ seconds"))
    shot(page, "13-timeout-warning")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()

    typed = "Text typed on the deadline day and never saved before the session ended."
    page.locator(OVERSIGHT).fill(typed)
    # Past the first session's end, the renewed session still answers as signed in.
    page.wait_for_timeout(max(0, 17 - (time.monotonic() - signed_in_at)) * 1000)
    assert page.request.get(url, max_redirects=0).status == 200
    expect(dialog).to_be_visible(timeout=10_000)
    # Nobody answers the warning: the browser signs out when the time is up.
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out", timeout=15_000)
    expect(page.get_by_text("You had not used the service for")).to_be_visible()
    expect(page.get_by_text("Your text has been kept.")).to_be_visible()
    shot(page, "13-signed-out-text-kept")
    assert page.request.get(url, max_redirects=0).status == 302  # really signed out on the server

    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    page.get_by_role("link", name="Sign in again").click()
    sign_in_to(page, RUTLAND, "4 c) Management and oversight of delivery")
    offer = page.get_by_role("region", name="Important").filter(has_text="has not been saved")
    expect(offer).to_be_visible()
    assert page.locator(OVERSIGHT).input_value() != typed
    shot(page, "13-offered-back")
    offer.get_by_role("button", name="Put my text back").click()
    expect(page.locator(OVERSIGHT)).to_have_value(typed)
    page.get_by_role("button", name="Save and return to the plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    assert Answer.objects.get(plan=plan, key="action.oversight").text == typed
    assert page.evaluate(DRAFT_KEYS) == []  # the server has it: nothing left in the browser


def test_save_after_the_session_ended_says_so_and_offers_the_text_to_the_same_person_only(
    page, new_context, demo_plans
):
    plan = demo_plans["rutland"]
    url = f"/plans/{plan.pk}/sections/oversight/"
    sign_in(page, RUTLAND)
    page.goto(url)
    before = page.locator(OVERSIGHT).input_value()
    typed = "Typed while the laptop slept through the end of the session."
    page.locator(OVERSIGHT).fill(typed)
    page.context.clear_cookies(name="sessionid")  # the session has ended on the server
    page.get_by_role("button", name="Save and return to the plan").click()

    expect(page).to_have_url(re.compile(r"/sign-in/\?.*signed_out=1"))
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("You were signed out")
    expect(banner).to_contain_text("Your text has been kept.")
    shot(page, "13-sign-in-after-timeout")
    assert Answer.objects.get(plan=plan, key="action.oversight").text == before

    # Someone else signs in on this browser: their section page offers nothing of the first person's.
    other = get_user_model().objects.create_user(
        username="second.editor@rutland.example.org",
        email="second.editor@rutland.example.org",
        password=DEMO_PASSWORD,
        first_name="Second",
        last_name="Editor",
    )
    RoleAssignment.objects.create(user=other, role=Role.EDITOR, hwb=plan.hwb)
    sign_in_to(page, other.email, "4 c) Management and oversight of delivery")
    expect(page.locator(OVERSIGHT)).to_have_value(before)
    expect(page.get_by_text("has not been saved")).to_be_hidden()
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")

    page.goto(f"/sign-in/?next={url}")
    sign_in_to(page, RUTLAND, "4 c) Management and oversight of delivery")
    offer = page.get_by_role("region", name="Important").filter(has_text="has not been saved")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Put my text back").click()
    expect(page.locator(OVERSIGHT)).to_have_value(typed)


def test_save_and_continue_goes_to_the_next_section_in_template_order(page, demo_plans):
    plan = demo_plans["rutland"]
    sections = [s.slug for s in plan.edition_def.sections]
    here = sections.index("oversight")
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/oversight/")
    text = "Oversight by the Integration Executive, monthly."
    page.locator(OVERSIGHT).fill(text)
    expect(page.get_by_role("button", name="Save and return to the plan")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/sections/{sections[here + 1]}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "4 c) Management and oversight of delivery saved"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(re.escape(plan.edition_def.section(sections[here + 1]).title))
    )
    assert Answer.objects.get(plan=plan, key="action.oversight").text == text
    shot(page, "13-save-and-continue")


def test_editors_see_each_other_in_a_section_and_the_later_save_is_still_refused(
    page, new_context, demo_plans, monkeypatch
):
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)
    plan = demo_plans["rutland"]
    url = f"/plans/{plan.pk}/sections/oversight/"
    sam = get_user_model().objects.get(email="sam.walters@nottinghamnortheast.example.org")
    RoleAssignment.objects.create(user=sam, role=Role.EDITOR, hwb=plan.hwb)

    sign_in(page, RUTLAND)
    page.goto(url)
    notice = page.locator("[data-bcf-presence-notice]")
    expect(notice).to_be_hidden()

    second = new_context().new_page()
    sign_in(second, sam.email)
    second.goto(url)
    # Sam's page says so as it loads; the first editor's page learns it from its heartbeat.
    expect(second.get_by_text("Rutland Editor is also editing this section")).to_be_visible()
    expect(page.get_by_text("Sam Walters is also editing this section")).to_be_visible(timeout=5_000)
    shot(page, "13-presence")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "13-presence-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    second.locator(OVERSIGHT).fill("Sam's oversight text.")
    second.get_by_role("button", name="Save and return to the plan").click()
    expect(second.locator(".govuk-notification-banner--success")).to_be_visible()
    # Sam has left the section: the notice goes.
    expect(page.get_by_text("Sam Walters is also editing this section")).to_be_hidden(timeout=5_000)

    mine = "The first editor's text, typed while Sam was saving."
    page.locator(OVERSIGHT).fill(mine)
    page.get_by_role("button", name="Save and return to the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else saved this section")
    expect(page.locator(OVERSIGHT)).to_have_value(mine)
    assert Answer.objects.get(plan=plan, key="action.oversight").text == "Sam's oversight text."


def test_comparing_versions_shows_only_what_changed_folded_by_section(page, demo_plans):
    returned = workflow.plan_return(
        plan=submitted_plan(demo_plans["nottinghamshire"]), user=person(NOTTS_REVIEWER), reasons="Quantify it."
    )
    editor = person(NOTTINGHAMSHIRE)
    new = workflow.resubmission_start(plan=returned, user=editor)
    vision = Answer.objects.get(plan=new, key="vision.vision")
    answers_save(
        plan=new,
        user=editor,
        section="vision",
        revision=section_revision(new, "vision"),
        values={
            "vision.vision": {"text": vision.text.replace("2018/19", "2019/20", 1) + "\n\nA new closing paragraph."}
        },
    )

    sign_in(page, NOTTINGHAMSHIRE)
    page.goto(f"/plans/{new.pk}/versions/")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 2")
    assert "csrfmiddlewaretoken" not in page.url
    vision_section = page.locator("section").filter(has=page.get_by_role("heading", name="2 a) Vision for health"))
    expect(vision_section).to_contain_text(re.compile(r"\d+ paragraphs? changed"))
    changes = vision_section.locator("details")
    expect(changes.locator("ins").first).to_be_hidden()  # folded until asked for
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the folded comparison is {height}px tall"
    shot(page, "13-compare-folded-1280")

    changes.get_by_text("Show the changes").click()
    expect(changes.locator("ins").filter(has_text="A new closing paragraph.")).to_be_visible()
    expect(changes.locator(".bcf-diff-folded").first).to_contain_text("unchanged paragraph")
    shot(page, "13-compare-open-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "13-compare-open-390")


BROKEN_WORDS = """() => {
  // Words of the table's cells that the browser split across two lines.
  const broken = []
  const walker = document.createTreeWalker(document.querySelector('main table'), NodeFilter.SHOW_TEXT)
  while (walker.nextNode()) {
    const node = walker.currentNode
    for (const m of node.textContent.matchAll(/[A-Za-z]{4,25}/g)) {
      const range = document.createRange()
      range.setStart(node, m.index)
      range.setEnd(node, m.index + m[0].length)
      if (range.getClientRects().length > 1) broken.push(m[0])
    }
  }
  return broken
}"""


@pytest.mark.parametrize("name", ["nottinghamshire", "rutland"])
def test_at_390px_tables_scroll_in_their_own_box_and_no_word_breaks_mid_word(page, demo_plans, name):
    plan = demo_plans[name]
    sign_in(page, {"nottinghamshire": NOTTINGHAMSHIRE, "rutland": RUTLAND}[name])
    page.set_viewport_size({"width": 390, "height": 844})
    risks = plan.edition_def.section_of_kind("risks").slug
    schemes = plan.edition_def.section_of_kind("schemes")
    pages = [f"/plans/{plan.pk}/", f"/plans/{plan.pk}/sections/{risks}/", "/"]
    if schemes is not None:
        pages.append(f"/plans/{plan.pk}/sections/{schemes.slug}/")
    for url in pages:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide at 390px"
    page.goto(f"/plans/{plan.pk}/sections/{risks}/")
    box = page.locator(".bcf-table-scroll").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside its box
    assert page.evaluate(BROKEN_WORDS) == []
    shot(page, f"13-risks-390-{name}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate(BROKEN_WORDS) == []
    shot(page, f"13-risks-1280-{name}")
