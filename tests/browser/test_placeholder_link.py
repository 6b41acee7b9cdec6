"""Following a placeholder error from the check page selects the placeholder in its answer box and
scrolls the box to it (issue 12, item 5)."""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RUTLAND, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_placeholder_link_selects_the_placeholder_in_its_box(page, demo_plans):
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{demo_plans['rutland'].pk}/check/")
    link = page.locator("a[href*='find=']").first
    href = link.get_attribute("href")
    found = parse_qs(urlparse(href).query)["find"][0]
    link.click()
    expect(page.locator("#bcf-found")).to_contain_text(found)
    selected = page.evaluate(
        "() => { const b = document.activeElement;"
        " return [b.tagName, b.value.substring(b.selectionStart, b.selectionEnd)] }"
    )
    assert selected == ["TEXTAREA", found]
    shot(page, "placeholder-selected")
