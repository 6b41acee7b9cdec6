"""Start from a Word document in Chromium: the plans page's button, the upload with a bad file then
a real one, the review (axe-checked), a passage put into a question, and the new draft's Word copy."""

import pytest
from playwright.sync_api import expect

from plans.models import Answer, Plan

from .conftest import CHESHIRE_EAST, shot, sign_in
from .test_accessibility import violations

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, base_url, demo_plans):
    """As the accessibility tests' page (axe-core's script let in past the CSP), with downloads."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_editor_starts_a_draft_from_a_word_document(page, demo_plans, tmp_path):
    from tests.plans.word import docs

    draft = tmp_path / "sandford-draft.docx"
    draft.write_bytes(docs.officer_draft_bytes())
    not_word = tmp_path / "minutes.docx"
    not_word.write_bytes(b"%PDF-1.4 not a Word document")
    sign_in(page, CHESHIRE_EAST)
    before = Plan.objects.count()

    page.get_by_role("button", name="Start from a Word document").click()
    expect(page.get_by_role("heading", name="Start a plan from a Word document")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("April 2014 (original template)").check()
    page.get_by_label("Final").check()
    page.get_by_label("Upload the document").set_input_files(str(not_word))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not a real Word document (.docx)")
    assert violations(page) == []

    page.get_by_label("April 2014 (original template)").check()
    page.get_by_label("Final").check()
    page.get_by_label("Upload the document").set_input_files(str(draft))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check what was found in sandford-draft.docx")).to_be_visible()
    assert violations(page) == []
    shot(page, "word-review")
    assert Plan.objects.count() == before  # nothing saved before the confirmation

    note = page.locator(".govuk-form-group", has_text="Circulated to Board members")
    note.get_by_label("Put this text in").select_option("vision.vision")
    page.get_by_role("button", name="Create the draft plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft plan created from sandford-draft.docx")
    plan = Plan.objects.get(hwb=demo_plans["cheshire-east"].hwb, is_current=True)
    assert plan.pk != demo_plans["cheshire-east"].pk
    assert Answer.objects.get(plan=plan, key="vision.vision").text.startswith("Circulated to Board members")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Part 1 (Word)").click()
    assert download.value.suggested_filename.endswith("-part-1-v1.docx")
