"""Browser tests: Chromium (Debian's, never `playwright install`) driven by Playwright against
pytest-django's live server, with the demo plans loaded fresh for every test."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from plans.models import Plan

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
DEMO_PASSWORD = "bcf-demo-2014"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

RUTLAND = "editor@rutland.example.org"
CHESHIRE_EAST = "editor@cheshireeast.example.org"
NOTTINGHAMSHIRE = "editor@nottinghamshire.example.org"
RUTLAND_REVIEWER = "reviewer@ll-at.example.org"


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    """Hash the demo passwords cheaply (load_demo sets dozens) and keep uploads out of var/."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def demo_plans(transactional_db, _fast_passwords):
    """The three demo plans and every demo account, loaded as `make run` loads them."""
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    return {
        "cheshire-east": Plan.objects.get(hwb__name__startswith="Cheshire East"),
        "nottinghamshire": Plan.objects.get(hwb__name__startswith="Nottinghamshire"),
        "rutland": Plan.objects.get(hwb__name__startswith="Rutland"),
    }


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests. Package scope, not session: closing it after the last
    browser test stops Playwright's event loop, so the non-browser tests that run later in the same
    session are not left in a thread with a "running" loop (SynchronousOnlyOperation on every query).

    While the loop is alive, the tests' own (plain, synchronous) ORM calls and pytest-django's database
    set-up and flush need DJANGO_ALLOW_ASYNC_UNSAFE; it is set for exactly that span."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def base_url(live_server):
    return live_server.url


@pytest.fixture
def new_context(browser, base_url):
    """A factory for extra, isolated browser contexts (separate cookies: a second "person")."""
    contexts = []

    def _new():
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, demo_plans):
    return new_context().new_page()


def sign_in(page, email, password=DEMO_PASSWORD):
    page.goto("/sign-in/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your plans", level=1)).to_be_visible()
    return page


def shot(page, name):
    """A full-page screenshot of one step, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)
