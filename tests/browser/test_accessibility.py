"""Automated accessibility checks (axe-core in Chromium, WCAG 2.2 AA) on the pages of each journey."""

from pathlib import Path

import pytest

from bcf.core.jobs import run_jobs
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


def _ready_and_submitted(plan):
    """Nottinghamshire marked ready, signed by everyone (chair last) and submitted, via the services."""
    from django.contrib.auth import get_user_model

    from plans.workflow import services as workflow

    people = get_user_model().objects
    editor = people.get(email="editor@nottinghamshire.example.org")
    plan = workflow.plan_mark_ready(plan=plan, user=editor)
    ready = plan
    signatories = people.filter(roles__hwb=plan.hwb, roles__role__in=["signatory", "chair"]).distinct()
    for person in sorted(signatories, key=lambda u: u.roles.filter(role="chair").exists()):
        keys = [o.key for o in workflow.organisations_for(person, plan)]
        if keys:
            plan = workflow.plan_sign(plan=plan, user=person, organisations=keys)
    workflow.plan_submit(plan=plan, user=editor)
    run_jobs()  # the worker stores the version's files
    return ready


def test_part2_pages_are_accessible(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    base = f"/plans/{plan.pk}/part-2"
    for url in [
        f"{base}/",
        f"{base}/funding/",
        f"{base}/expenditure/",
        f"{base}/expenditure/add/",
        f"{base}/benefits/",
        f"{base}/benefits/add/",
        f"{base}/p4p/",
        f"{base}/metrics/",
        f"{base}/workbook/upload/",
    ]:
        assert_accessible(page, url, url)


def test_signatory_reviewer_and_national_pages_are_accessible(page, demo_plans):
    from django.contrib.auth import get_user_model

    from plans.workflow import services as workflow

    plan = demo_plans["nottinghamshire"]
    editor = get_user_model().objects.get(email="editor@nottinghamshire.example.org")
    workflow.plan_mark_ready(plan=plan, user=editor)
    sign_in(page, "phil.mettam@bassetlaw.example.org")
    for url in [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/sign/",
        f"/plans/{plan.pk}/decline/",
        f"/plans/{plan.pk}/sections/signoff/",
    ]:
        assert_accessible(page, url, f"signatory-{url}")
    workflow.plan_reopen(plan=plan, user=editor)
    _ready_and_submitted(plan)
    page.context.clear_cookies()
    sign_in(page, "reviewer@dn-at.example.org")
    for url in [
        "/review/",
        f"/review/plans/{plan.pk}/",
        f"/review/plans/{plan.pk}/outcome/",
        f"/plans/{plan.pk}/versions/",
        f"/plans/{plan.pk}/return/",
        f"/plans/{plan.pk}/sections/vision/",
    ]:
        assert_accessible(page, url, f"reviewer-{url}")
    page.context.clear_cookies()
    sign_in(page, "national@bcf.example.org")
    assert_accessible(page, "/national/", "national")


def test_quarterly_return_pages_are_accessible(page, demo_plans):
    from plans.models import QuarterlyReturn
    from plans.returns.checks import SECTIONS
    from plans.returns.demo import load_demo_returns

    load_demo_returns("bcf-demo-2014", log=lambda _line: None)
    outstanding = QuarterlyReturn.objects.get(hwb__name__startswith="Cheshire East", period="2015/16 Q3")
    sign_in(page, "editor@cheshireeast.example.org")
    urls = ["/returns/", f"/returns/boards/{outstanding.hwb_id}/", f"/returns/{outstanding.pk}/"]
    urls += [f"/returns/{outstanding.pk}/{slug}/" for slug, _title in SECTIONS]
    for url in urls:
        assert_accessible(page, url, f"return-{url}")
    # The section pages with their error messages.
    page.goto(f"/returns/{outstanding.pk}/cover/")
    page.locator("#id_cover_email").fill("not an address")
    page.get_by_role("button", name="Save and continue").click()
    assert violations(page) == []
    accepted = QuarterlyReturn.objects.get(hwb__name__startswith="Cheshire East", period="2015/16 Q2")
    page.context.clear_cookies()
    sign_in(page, "reviewer@cww-at.example.org")
    for url in ["/returns/review/", f"/returns/{accepted.pk}/", f"/returns/{accepted.pk}/admissions/"]:
        assert_accessible(page, url, f"return-reviewer-{url}")
    page.context.clear_cookies()
    sign_in(page, "national@bcf.example.org")
    assert_accessible(page, "/returns/national/?period=2015/16+Q3", "returns-national")
