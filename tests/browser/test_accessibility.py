"""Automated accessibility checks (axe-core in Chromium, WCAG 2.2 AA) on the pages of each journey."""

from pathlib import Path

import pytest

from plans.editions import get_edition
from plans.models import Risk
from schemes.models import Milestone, Scheme

from .conftest import CHESHIRE_EAST, RUTLAND, RUTLAND_REVIEWER, shot, sign_in

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, base_url, demo_plans):
    """A page whose context lets axe-core's script in past the service's Content-Security-Policy."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def violations(page):
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    found = []
    for v in result["violations"]:
        nodes = [n for n in v["nodes"] if not _govuk_conditional_reveal(v, n)]
        if nodes:
            found.append(f"{v['id']} ({v['impact']}): {v['help']} – " + "; ".join(n["target"][0] for n in nodes[:3]))
    return found


def _govuk_conditional_reveal(violation, node):
    """GOV.UK Frontend puts aria-expanded on radios that reveal a follow-up question. The Design System
    keeps it on purpose (screen readers announce it; govuk-frontend issue 979 records the research), so
    this one known finding is accepted, and listed on the accessibility statement; nothing else is."""
    html = node.get("html", "")
    return violation["id"] == "aria-allowed-attr" and "govuk-radios__input" in html and "aria-expanded" in html


def assert_accessible(page, url, name):
    response = page.goto(url)
    assert response.status < 400, url
    found = violations(page)
    if found:
        shot(page, f"axe-{name}")
    assert found == [], f"{url}: {found}"


def plan_pages(plan):
    base = f"/plans/{plan.pk}"
    pages = [f"{base}/", f"{base}/check/", f"{base}/history/"]
    pages += [f"{base}/sections/{s.slug}/" for s in get_edition(plan.edition).sections]
    return pages


def test_sign_in_and_statement_pages_are_accessible(page):
    assert_accessible(page, "/sign-in/", "sign-in")
    assert_accessible(page, "/accessibility/", "accessibility")
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()  # the error summary state
    assert violations(page) == []


def test_editor_pages_of_the_revised_template_are_accessible(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    assert_accessible(page, "/", "home")
    for url in plan_pages(plan):
        assert_accessible(page, url, url)
    scheme = Scheme.objects.filter(plan=plan).first()
    risk = Risk.objects.filter(plan=plan).first()
    milestone = Milestone.objects.filter(plan=plan).first()
    base = f"/plans/{plan.pk}"
    for url in [
        f"{base}/risks/add/",
        f"{base}/risks/{risk.pk}/",
        f"{base}/risks/{risk.pk}/remove/",
        f"{base}/schemes/add/",
        f"{base}/schemes/{scheme.pk}/annex-1/",
        f"{base}/milestones/add/",
        f"{base}/milestones/{milestone.pk}/",
        f"{base}/documents/add/",
        f"{base}/providers/add/",
    ]:
        assert_accessible(page, url, url)


def test_editor_pages_of_the_original_template_are_accessible(page, demo_plans):
    plan = demo_plans["cheshire-east"]
    sign_in(page, CHESHIRE_EAST)
    for url in plan_pages(plan):
        assert_accessible(page, url, url)


def test_error_states_are_accessible(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/summary/")
    page.locator("#id_total_agreed_2014_15").fill("£1,228M")
    page.get_by_role("button", name="Save and return to the plan").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == []
    page.goto(f"/plans/{plan.pk}/milestones/add/")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert violations(page) == []


def test_reviewer_read_only_pages_are_accessible(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND_REVIEWER)
    for url in plan_pages(plan):
        assert_accessible(page, url, f"reviewer-{url}")
