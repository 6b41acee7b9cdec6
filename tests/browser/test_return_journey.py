"""A quarterly return in a real browser, each person in their own browser context: the Board's editor
starts the return for 2014/15 Q4 and fills every section, the chair signs it off and submits it, and
the area team's reviewer accepts it (DOMAIN.md §10)."""

import pytest
from playwright.sync_api import expect

from plans.models import QuarterlyReturn, ReturnStatus, Role
from plans.returns.checks import SECTIONS
from tests.factories import PASSWORD, RoleFactory
from tests.returns.conftest import submitted_plan

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def board(transactional_db):
    plan = submitted_plan()
    return {
        "hwb": plan.hwb,
        "editor": RoleFactory(role=Role.EDITOR, hwb=plan.hwb, position="BCF lead").user,
        "chair": RoleFactory(role=Role.CHAIR, hwb=plan.hwb, position="Chair").user,
        "reviewer": RoleFactory(role=Role.REVIEWER, area_team=plan.hwb.area_team).user,
    }


def sign_in(new_context, user):
    page = new_context().new_page()
    page.goto("/sign-in/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#bcf-sign-out")).to_be_visible()
    return page


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def test_from_starting_a_return_to_the_area_team_accepting_it(new_context, board):
    editor = sign_in(new_context, board["editor"])
    editor.goto("/")
    editor.locator("#returns-link").click()
    expect(editor.get_by_role("heading", name="Quarterly returns 2015/16")).to_be_visible()
    editor.get_by_role("button", name="Start return for 2014/15 Q4").click()
    expect(editor.locator("#status")).to_have_text("Draft")
    ret = QuarterlyReturn.objects.get(hwb=board["hwb"])

    editor.get_by_role("link", name="1. Cover").click()
    editor.locator("#id_cover_name").fill("Alex Officer")
    editor.locator("#id_cover_role").fill("BCF lead")
    editor.locator("#id_cover_email").fill("alex@example.org")
    editor.locator("#id_cover_telephone").fill("01234 567890")
    editor.locator("#id_cover_date_0").fill("31")
    editor.locator("#id_cover_date_1").fill("2")
    editor.locator("#id_cover_date_2").fill("2015")
    editor.get_by_role("button", name="Save and continue").click()
    expect(editor.locator(".govuk-error-summary")).to_contain_text("Enter a real date")
    editor.locator("#id_cover_date_0").fill("20")
    editor.locator("#id_cover_date_1").fill("5")
    save_and_continue(editor)

    expect(editor.get_by_role("heading", name="Budget arrangements", level=1)).to_be_visible()
    editor.get_by_label("Yes").check()
    save_and_continue(editor)

    expect(editor.get_by_role("heading", name="National conditions", level=1)).to_be_visible()
    for radio in editor.locator("input[type=radio][value=met]").all():
        radio.check()
    save_and_continue(editor)

    expect(editor.get_by_role("heading", name="Income and expenditure", level=1)).to_be_visible()
    editor.locator("input[name$='-forecast']").first.fill("£1,000,000")
    editor.locator("input[name$='-actual_to_date']").first.fill("lots")
    editor.locator("input[name$='-forecast']").nth(1).fill("900000")
    editor.locator("input[name$='-actual_to_date']").nth(1).fill("200000")
    editor.get_by_role("button", name="Save and continue").click()
    expect(editor.locator(".govuk-error-summary")).to_contain_text("is not an amount of money")
    editor.locator("input[name$='-actual_to_date']").first.fill("250000")
    save_and_continue(editor)

    expect(editor.get_by_role("heading", name="Non-elective admissions", level=1)).to_be_visible()
    editor.locator("#id_actual_1").fill("970")
    editor.get_by_role("button", name="Save and return to the return").click()
    editor.get_by_role("link", name="5. Non-elective admissions").click()
    expect(editor.locator("#quarter-1")).to_contain_text("£44,700.00")
    expect(editor.locator("svg").first).to_be_visible()
    editor.screenshot(path="/tmp/ra-admissions.png", full_page=True)
    shot(editor, "return-admissions")
    editor.get_by_role("button", name="Save and continue").click()

    expect(editor.get_by_role("heading", name="Supporting metrics", level=1)).to_be_visible()
    editor.locator("input[name$='-actual']").first.fill("280")
    editor.locator("input[name$='-period']").first.fill("2014/15")
    save_and_continue(editor)

    expect(editor.get_by_role("heading", name="Narrative", level=1)).to_be_visible()
    editor.locator("#id_narrative").fill("Good progress on every scheme.")
    editor.get_by_role("button", name="Save and return to the return").click()
    expect(editor.locator("#progress")).to_have_text(f"{len(SECTIONS)} of {len(SECTIONS)} sections are complete.")
    expect(editor.locator("#no-errors")).to_be_visible()
    editor.screenshot(path="/tmp/ra-task-list.png", full_page=True)
    shot(editor, "return-task-list")

    chair = sign_in(new_context, board["chair"])
    chair.goto(f"/returns/{ret.pk}/")
    chair.get_by_role("button", name="Sign off the return").click()
    expect(chair.locator("#status")).to_have_text("Signed off")
    chair.get_by_role("button", name="Submit the return").click()
    expect(chair.locator("#status")).to_have_text("Submitted")

    reviewer = sign_in(new_context, board["reviewer"])
    reviewer.goto("/review/")
    reviewer.locator("#returns-to-review").click()
    reviewer.get_by_role("link", name=f"{board['hwb'].name} return for 2014/15 Q4").click()
    reviewer.get_by_label("Comments for the Board (optional)").fill("Thank you")
    reviewer.get_by_role("button", name="Accept the return").click()
    expect(reviewer.locator("#status")).to_have_text("Accepted")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ACCEPTED
