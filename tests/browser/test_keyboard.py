"""The editor journey with the keyboard only: no mouse clicks, focus always visible."""

import pytest
from playwright.sync_api import expect

from plans.models import Answer

from .conftest import DEMO_PASSWORD, RUTLAND, shot

pytestmark = pytest.mark.browser


def tab_to(page, description, matches, limit=120):
    """Press Tab until the focused element matches; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({matches}); }}"):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.boxShadow, s.backgroundColor]; }"
            )
            assert outline[0] != "none" or outline[1] != "none", f"no visible focus on {description}: {outline}"
            return
    raise AssertionError(f"could not reach {description} with the Tab key")


def test_editor_changes_an_answer_with_the_keyboard_only(page, demo_plans):
    plan = demo_plans["rutland"]
    page.goto("/sign-in/")
    tab_to(page, "the skip link", "e.classList.contains('govuk-skip-link')")
    tab_to(page, "the email box", "e.id === 'id_username'")
    page.keyboard.type(RUTLAND)
    tab_to(page, "the password box", "e.id === 'id_password'")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your plans", level=1)).to_be_visible()

    tab_to(page, "the plan link", "e.textContent.includes('Rutland Health and Wellbeing Board') && e.tagName === 'A'")
    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_be_visible()

    tab_to(page, "the 4 c) task", "e.textContent.includes('4 c) Management and oversight of delivery')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("4 c) Management and oversight of delivery")

    tab_to(page, "the answer box", "e.tagName === 'TEXTAREA'")
    page.keyboard.press("Control+A")
    page.keyboard.type("The Integration Executive meets monthly and reports to the Board.")
    tab_to(page, "the save button", "e.textContent.includes('Save and return to the plan')")
    shot(page, "keyboard-save-focused")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    assert Answer.objects.get(plan=plan, key="action.oversight").text.startswith("The Integration Executive")
