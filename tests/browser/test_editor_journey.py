"""An editor's journey through Part 1, in a real browser: what a user sees and does.

Each test loads the demo plans afresh (see conftest.py) and saves screenshots of its main steps to
test-results/screenshots/.
"""

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from plans.models import Answer, RelatedDocument, Risk
from schemes.models import Milestone

from .conftest import CHESHIRE_EAST, RUTLAND, RUTLAND_REVIEWER, shot, sign_in

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise looks for collected static files; the live server serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

STALE = "Someone else saved this section after you opened it, so your changes have not been saved."


def tiny_png():
    """A real 2x2 PNG, built by hand so the test needs no image library."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)  # 2x2, 8-bit RGB
    pixels = b"".join(b"\x00" + b"\x1d\x70\xb8" * 2 for _ in range(2))  # filter byte + two blue pixels per row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


def no_dialogs(page):
    """Record any alert/confirm/prompt: an injected script that ran would show one."""
    seen = []

    def _on_dialog(dialog):
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _on_dialog)
    return seen


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


# --- 1. signing in and the task list --------------------------------------------------------------


def test_editor_signs_in_and_sees_the_task_list(page, demo_plans):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.get_by_role("heading", name=re.compile("Sign in to Better Care Fund plans"))).to_be_visible()
    # The GOV.UK Frontend stylesheet really loaded (otherwise the screenshots mean nothing).
    header = page.locator(".govuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    assert "GDS Transport" in page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    # ... and so did its JavaScript (the radios' conditional reveal and the character count need it).
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    shot(page, "01-sign-in")

    sign_in(page, RUTLAND)
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Rutland Health and Wellbeing Board")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(2)  # header + Rutland only: no other board's plan
    expect(table).to_contain_text("Draft")
    shot(page, "01-your-plans")

    table.get_by_role("link", name="Rutland Health and Wellbeing Board").click()
    plan = demo_plans["rutland"]
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rutland Health and Wellbeing Board: Better Care Fund plan"
    )
    expect(page.locator("#progress")).to_have_text(re.compile(r"^You have completed \d+ of \d+ sections\.$"))
    # Annex 2 (blank provider fields) and the milestones (undated) are not Completed: their checks fail.
    expect(page.locator("#progress")).to_have_text("You have completed 9 of 19 sections.")

    part1_tasks = page.locator(".govuk-task-list__item").filter(has=page.locator("a[href*='/sections/']"))
    expect(part1_tasks).to_have_count(20)
    expect(page.locator("#status-oversight")).to_have_text("Completed")
    expect(page.locator("#status-case-for-change")).to_have_text("Has errors")
    expect(page.locator("#status-case-for-change .govuk-tag--red")).to_be_visible()
    expect(page.locator("#status-signoff")).to_have_text("Cannot start yet")
    expect(page.locator("#status-summary")).to_have_text("In progress")
    # Each task link is described by its status, for screen reader users.
    link = page.get_by_role("link", name="4 c) Management and oversight of delivery")
    expect(link).to_have_attribute("aria-describedby", "status-oversight")
    expect(page.get_by_role("link", name="Check your plan")).to_be_visible()
    shot(page, "01-task-list")


# --- 2. a narrative answer: preview, save, history ------------------------------------------------


MARKDOWN = """Oversight is **monthly**, through:

- the Integration Executive
- the Transformation Board

Read the [terms of reference](https://www.rutland.gov.uk/bcf-terms).

<script>alert(1)</script>"""


def test_narrative_answer_preview_save_and_history(page, demo_plans):
    plan = demo_plans["rutland"]
    old_text = Answer.objects.get(plan=plan, key="action.oversight").text
    dialogs = no_dialogs(page)
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="4 c) Management and oversight of delivery").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("4 c) Management and oversight of delivery")
    answer = page.locator("#id_action-oversight-text")
    expect(answer).to_have_value(old_text)

    answer.fill(MARKDOWN)
    page.get_by_role("button", name="Preview formatting").click()
    preview = page.locator(".bcf-preview .bcf-markup")
    expect(preview).to_be_visible()
    expect(preview.locator("ul > li")).to_have_text(["the Integration Executive", "the Transformation Board"])
    expect(preview.locator("strong")).to_have_text("monthly")
    expect(preview.get_by_role("link", name="terms of reference")).to_have_attribute(
        "href", "https://www.rutland.gov.uk/bcf-terms"
    )
    # The script tag is shown as text, not run.
    expect(preview).to_contain_text("<script>alert(1)</script>")
    expect(preview.locator("script")).to_have_count(0)
    expect(answer).to_have_value(MARKDOWN)  # the typed text survives the preview
    shot(page, "02-preview")
    assert Answer.objects.get(plan=plan, key="action.oversight").text == old_text  # preview saves nothing

    page.get_by_role("button", name="Save and return to the plan").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(success_banner(page)).to_be_visible()
    expect(success_banner(page)).to_contain_text("4 c) Management and oversight of delivery saved")
    shot(page, "02-saved")
    assert Answer.objects.get(plan=plan, key="action.oversight").text == MARKDOWN

    page.get_by_role("link", name="History of changes").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/history/$"))
    # Named by its question, not its key; a long text's change shown as the words added and removed.
    row = page.get_by_role("row").filter(has_text="4 c) Management and oversight of delivery")
    expect(row).to_have_count(1)
    expect(page.get_by_text("action.oversight.text")).to_have_count(0)
    expect(row).to_contain_text("Rutland Editor")
    expect(row).to_contain_text("The Health and Wellbeing Board (HWB) has oversight of the BCF plan")
    expect(row).to_contain_text("Oversight is **monthly**, through:")
    expect(row).to_contain_text("<script>alert(1)</script>")
    shot(page, "02-history")
    assert dialogs == []


# --- 3. a conditional question --------------------------------------------------------------------


def test_nhs_number_answer_reveals_the_commitment_question(page, demo_plans):
    plan = demo_plans["cheshire-east"]
    sign_in(page, CHESHIRE_EAST)
    page.goto(f"/plans/{plan.pk}/sections/data-sharing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("3 c) Data sharing")
    yes, no = page.locator("#id_conditions-nhs_number-yes"), page.locator("#id_conditions-nhs_number-yes_1")
    reveal = page.locator("#conditional-id_conditions-nhs_number-yes")
    commitment_day = page.locator("#id_conditions-nhs_number_commitment-date_0")
    commitment_text = page.locator("#id_conditions-nhs_number_commitment-text")

    # Cheshire East answered "No", so the commitment date is shown, with its saved value.
    expect(no).to_be_checked()
    expect(reveal).to_be_visible()
    expect(commitment_day).to_be_visible()
    expect(page.locator("#id_conditions-nhs_number_commitment-date_2")).to_have_value("2015")

    page.get_by_label("Yes").first.check()  # the first "Yes" on the page is the NHS Number question's
    expect(yes).to_be_checked()
    expect(reveal).to_be_hidden()
    expect(commitment_day).to_be_hidden()
    expect(commitment_text).to_be_hidden()
    expect(no).to_have_attribute("aria-expanded", "false")
    shot(page, "03-nhs-number-yes")

    no.check()
    expect(reveal).to_be_visible()
    expect(commitment_day).to_be_visible()
    expect(commitment_text).to_be_visible()
    expect(page.get_by_role("group", name="Date the NHS Number will be in use by")).to_be_visible()
    expect(no).to_have_attribute("aria-expanded", "true")
    shot(page, "03-nhs-number-no")


# --- 4. two people saving the same section ------------------------------------------------------


def test_second_save_of_a_stale_section_is_refused_and_keeps_the_text(page, new_context, demo_plans):
    plan = demo_plans["rutland"]
    url = f"/plans/{plan.pk}/sections/oversight/"
    first = page
    second = new_context().new_page()
    for person in (first, second):
        sign_in(person, RUTLAND)
        person.goto(url)
        expect(person.locator("#id_action-oversight-text")).to_be_visible()

    first.locator("#id_action-oversight-text").fill("First editor's text: the HWB oversees delivery monthly.")
    first.get_by_role("button", name="Save and return to the plan").click()
    expect(success_banner(first)).to_contain_text("4 c) Management and oversight of delivery saved")

    second_text = "Second editor's text, typed on a page opened before the first save."
    second.locator("#id_action-oversight-text").fill(second_text)
    second.get_by_role("button", name="Save and return to the plan").click()
    summary = second.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text(STALE)
    expect(second).to_have_title(re.compile(r"– Error –"))
    expect(second.locator("#id_action-oversight-text")).to_have_value(second_text)
    expect(success_banner(second)).to_have_count(0)
    shot(second, "04-stale-save")
    assert Answer.objects.get(plan=plan, key="action.oversight").text == (
        "First editor's text: the HWB oversees delivery monthly."
    )

    # Opening the page again shows the first editor's words.
    second.goto(url)
    expect(second.locator("#id_action-oversight-text")).to_have_value(
        "First editor's text: the HWB oversees delivery monthly."
    )
    expect(second.locator(".govuk-error-summary")).to_have_count(0)


# --- 5. the risk log ------------------------------------------------------------------------------


def test_adding_a_risk_shows_its_overall_risk_factor(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/risks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("5 a) Risk log")
    page.get_by_role("link", name="Add a risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add risk")

    risk = "Winter pressures delay the start of the seven-day discharge team."
    page.get_by_label("There is a risk that:").fill(risk)
    page.get_by_role("group", name="Likelihood").get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Potential impact").get_by_label("5", exact=True).check()
    page.get_by_label("Lead").fill("Head of Integration, Deputy Director for People")
    page.get_by_label("Mitigating actions").fill("Recruit to the team from September; use agency staff until then.")
    shot(page, "05-add-risk")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/sections/risks/$"))
    expect(success_banner(page)).to_contain_text("The risk has been added")
    row = page.get_by_role("row").filter(has_text=risk)
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("4")
    expect(cells.nth(2)).to_have_text("5")
    expect(cells.nth(3)).to_have_text("20")  # overall risk factor = likelihood * potential impact
    expect(cells.nth(4)).to_have_text("Head of Integration, Deputy Director for People")
    shot(page, "05-risk-log")
    saved = Risk.objects.get(plan=plan, risk=risk)
    assert (saved.likelihood, saved.impact, saved.risk_factor) == (4, 5, 20)
    assert saved.leads == ["Head of Integration", "Deputy Director for People"]


def test_changing_a_risk_keeps_each_of_its_leads(page, demo_plans):
    """Rutland's risk 3 has two leads. The form's hint says "put each on its own line", and the page
    fills the box with one lead per line; saving the form unchanged must keep both leads."""
    plan = demo_plans["rutland"]
    risk = Risk.objects.filter(plan=plan).order_by("position")[2]
    assert risk.leads == ["Yasmin Sidyot (CCG)", "Lynda Bowen (RCC)"]
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/risks/")
    expect(page.locator(f"#risk-{risk.pk}").get_by_role("cell").nth(4)).to_have_text(
        "Yasmin Sidyot (CCG), Lynda Bowen (RCC)"
    )
    page.get_by_role("link", name="Change risk 3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change risk")
    shot(page, "05-change-risk")
    typed = page.get_by_label("Lead").input_value()
    page.get_by_role("button", name="Save").click()  # nothing changed
    expect(success_banner(page)).to_be_visible()
    shown = page.locator(f"#risk-{risk.pk}").get_by_role("cell").nth(4).inner_text()
    shot(page, "05-risk-log-after-unchanged-save")
    assert shown == "Yasmin Sidyot (CCG), Lynda Bowen (RCC)", (
        f"the Lead box offered {typed!r}; after saving it unchanged the risk log shows {shown!r}"
    )
    risk.refresh_from_db()
    assert risk.leads == ["Yasmin Sidyot (CCG)", "Lynda Bowen (RCC)"]


# --- 6. milestones and the chart ------------------------------------------------------------------


def test_adding_a_milestone_draws_the_chart_and_bad_months_are_explained(page, demo_plans):
    plan = demo_plans["rutland"]
    next_number = max(Milestone.objects.filter(plan=plan).values_list("number", flat=True)) + 1
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/milestones/")
    expect(page.get_by_role("img", name="Milestones chart")).to_have_count(0)  # no demo milestone has months
    page.get_by_role("link", name="Add a milestone").click()

    page.get_by_label("Number").fill(str(next_number))
    page.get_by_label("Task").fill("Go live with the integrated discharge team")
    page.get_by_label("Interdependencies (optional)").fill("1& 2")
    page.get_by_label("Start month (optional)").fill("Aug 2014")
    page.get_by_label("End month (optional)").fill("Mar 2015")
    shot(page, "06-add-milestone")
    page.get_by_role("button", name="Save").click()

    expect(success_banner(page)).to_contain_text("The milestone has been added")
    row = page.locator(f"#milestone-{next_number}")
    cells = row.get_by_role("cell")
    expect(cells.nth(3)).to_have_text("Go live with the integrated discharge team")
    expect(cells.nth(4)).to_have_text("1, 2")
    expect(cells.nth(5)).to_have_text("Aug 2014 – Mar 2015")
    chart = page.get_by_role("img", name="Milestones chart")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(1)
    expect(bars).to_have_attribute("width", str(8 * 28 - 2))  # Aug 2014 to Mar 2015 is eight months
    expect(page.locator("figcaption")).to_contain_text("Milestones from August 2014 to March 2015")
    shot(page, "06-milestones-chart")
    assert Milestone.objects.get(plan=plan, number=next_number).depends_on == [1, 2]

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Number").fill(str(next_number + 1))
    page.get_by_label("Task").fill("Evaluate the first winter")
    page.get_by_label("End month (optional)").fill("Smarch 2015")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    message = "“Smarch 2015” is not a month: enter it like “Aug 2014”"
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".govuk-error-message")).to_contain_text(message)
    expect(page.get_by_label("End month (optional)")).to_have_value("Smarch 2015")
    expect(page.get_by_label("Task")).to_have_value("Evaluate the first winter")
    shot(page, "06-bad-month")
    # The error summary's link takes the user to the field.
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("End month (optional)")).to_be_focused()
    assert not Milestone.objects.filter(plan=plan, number=next_number + 1).exists()


# --- 7. uploads ----------------------------------------------------------------------------------


def test_uploading_a_document_and_refusing_a_fake_pdf(page, demo_plans):
    plan = demo_plans["rutland"]
    png = tiny_png()
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("1 c) Related documentation")

    page.get_by_role("link", name="Add a document").click()
    page.get_by_label("Reference (optional)").fill("11")
    page.get_by_label("Document or information title").fill("Governance structure diagram")
    page.get_by_label("Upload a file (optional)").set_input_files(
        {"name": "governance.png", "mimeType": "image/png", "buffer": png}
    )
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page)).to_contain_text("The document has been added")
    row = page.get_by_role("row").filter(has_text="Governance structure diagram")
    link = row.get_by_role("link", name="governance.png")
    expect(link).to_be_visible()
    shot(page, "07-document-added")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "governance.png"
    with open(download.path(), "rb") as f:
        assert f.read() == png
    response = page.request.get(link.get_attribute("href"))  # same cookies as the page
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == png

    page.get_by_role("link", name="Add a document").click()
    page.get_by_label("Document or information title").fill("Not really a PDF")
    page.get_by_label("Upload a file (optional)").set_input_files(
        {"name": "evil.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 this is a program, not a PDF"}
    )
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("The selected file is not a real PDF file")
    expect(page.locator(".govuk-error-message")).to_contain_text("The selected file is not a real PDF file")
    shot(page, "07-fake-pdf-refused")
    assert not RelatedDocument.objects.filter(plan=plan, title="Not really a PDF").exists()
    page.goto(f"/plans/{plan.pk}/sections/documents/")
    expect(page.get_by_role("row").filter(has_text="Not really a PDF")).to_have_count(0)


# --- 8. scoping -----------------------------------------------------------------------------------


def test_another_boards_plan_is_not_found(page, new_context, demo_plans):
    cheshire_east = demo_plans["cheshire-east"]
    sign_in(page, RUTLAND)
    for path in (
        f"/plans/{cheshire_east.pk}/",
        f"/plans/{cheshire_east.pk}/sections/data-sharing/",
        f"/plans/{cheshire_east.pk}/history/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("main")).not_to_contain_text("Cheshire East")
    shot(page, "08-not-found")

    # The Rutland area reviewer can read the Rutland plan but cannot change it.
    rutland = demo_plans["rutland"]
    reviewer = new_context().new_page()
    sign_in(reviewer, RUTLAND_REVIEWER)
    reviewer.goto(f"/plans/{rutland.pk}/sections/oversight/")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("4 c) Management and oversight of delivery")
    expect(reviewer.locator("textarea")).to_have_count(0)
    expect(reviewer.get_by_role("button", name="Save and return to the plan")).to_have_count(0)
    reviewer.goto(f"/plans/{rutland.pk}/")
    expect(reviewer.locator(".govuk-inset-text")).to_contain_text("You can read this plan but not change it")
    assert reviewer.goto(f"/plans/{cheshire_east.pk}/").status == 404


# --- 9. check your plan --------------------------------------------------------------------------


def test_check_your_plan_links_each_error_to_its_answer(page, demo_plans):
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Check your plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your plan")
    expect(page.locator(".govuk-error-summary__title")).to_have_text(
        re.compile(r"^\d+ errors? must be put right before the plan can be signed off$")
    )
    error_links = page.locator("main li").filter(has=page.locator(".govuk-tag--red")).get_by_role("link")
    assert error_links.count() > 0
    shot(page, "09-check")

    first = error_links.first
    href = first.get_attribute("href")
    section_path, _, anchor = href.partition("#")
    first.click()
    expect(page).to_have_url(re.compile(re.escape(section_path) + "#" + re.escape(anchor) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("1 a) Summary of Plan")
    target = page.locator(f"#{anchor}")
    expect(target).to_have_count(1)
    expect(target).to_be_in_viewport()
    shot(page, "09-first-error-target")

    # Every error and warning link leads to a page that has the field it names.
    page.goto(f"/plans/{plan.pk}/check/")
    hrefs = sorted(set(page.locator("main li a.govuk-link").evaluate_all("links => links.map(a => a.href)")))
    missing = []
    for url in hrefs:
        path, _, anchor = url.partition("#")
        html = page.request.get(path).text()
        if anchor and f'id="{anchor}"' not in html:
            missing.append(url.removeprefix(page.url.split("/plans/")[0]))
    assert missing == [], "links from Check your plan to fields that are not on the page"


# --- 10. what the pages look like -----------------------------------------------------------------

TEXT_BOXES = "input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file])"


def test_every_text_box_is_styled_as_a_govuk_input(page, demo_plans):
    """Number boxes (milestone number, financial impact, provider figures, number of people) must look
    like the other inputs (class govuk-input: 40px high, GOV.UK font), not the browser's default box."""
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    unstyled = []
    for path in (
        "milestones/add/",
        "risks/add/",
        "providers/add/",
        "documents/add/",
        "sections/summary/",
        "sections/joint-assessment/",
        "sections/social-care/",
    ):
        page.goto(f"/plans/{plan.pk}/{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        boxes = page.locator(TEXT_BOXES).evaluate_all(
            """boxes => boxes.map(box => ({id: box.id, type: box.type, cls: box.className,
                  border: getComputedStyle(box).borderTopWidth, height: box.getBoundingClientRect().height}))"""
        )
        assert boxes, path
        for box in boxes:
            if "govuk-input" not in box["cls"].split() or box["height"] < 35:
                unstyled.append(
                    f"{path} #{box['id']} (type={box['type']}, class={box['cls']!r}, "
                    f"border {box['border']}, {box['height']:.0f}px high)"
                )
        if path in ("milestones/add/", "risks/add/"):
            shot(page, f"10-inputs-{path.replace('/', '-')}")
    assert unstyled == [], "boxes without GOV.UK input styling:\n" + "\n".join(unstyled)


def test_formatting_preview_uses_the_govuk_font(page, demo_plans):
    """The preview shows the answer "as it will look": its paragraphs and bullets should be in the
    service's font, like the rest of the page, not the browser's default serif."""
    plan = demo_plans["rutland"]
    sign_in(page, RUTLAND)
    page.goto(f"/plans/{plan.pk}/sections/oversight/")
    page.locator("#id_action-oversight-text").fill(MARKDOWN)
    page.get_by_role("button", name="Preview formatting").click()
    preview = page.locator(".bcf-preview .bcf-markup")
    expect(preview).to_be_visible()
    fonts = {
        "paragraph": preview.locator("p").first.evaluate("e => getComputedStyle(e).fontFamily"),
        "bullet": preview.locator("li").first.evaluate("e => getComputedStyle(e).fontFamily"),
        "page text": page.locator(".govuk-label").first.evaluate("e => getComputedStyle(e).fontFamily"),
    }
    assert "GDS Transport" in fonts["page text"]
    assert "GDS Transport" in fonts["paragraph"] and "GDS Transport" in fonts["bullet"], fonts
