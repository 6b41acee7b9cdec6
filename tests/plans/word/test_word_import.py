"""Importing a Word draft from the command line: what is placed where, and every bad file refused
with a clear message and nothing created."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.models import Answer, Plan, Risk
from tests.factories import HWBFactory, PlanFactory
from tests.plans.word import docs, measure


def run(tmp_path, name, data, *args):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_document", str(path), *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return Plan.objects.get(pk=int(lines[-1])), out.getvalue()


def test_officer_draft_is_placed_with_its_summary_list_table_and_risks(db, tmp_path):
    plan, output = run(tmp_path, "sandford.docx", docs.officer_draft_bytes(), "--edition", "2014-04")
    doc = plan_document(plan_view(plan))
    assert doc["hwb"]["name"] == "Sandford Health and Wellbeing Board"
    assert doc["hwb"]["local_authority"] == "Sandford Borough Council"
    assert doc["hwb"]["ccgs"] == ["NHS Sandford CCG"]
    assert doc["summary"]["date_agreed_at_hwb"] == "2014-03-12"
    assert doc["summary"]["minimum_pooled_budget"] == {"2014/15": "1250000.00", "2015/16": "12500000.00"}
    assert doc["summary"]["total_agreed_pooled_budget"] == {"2014/15": "2000000.00", "2015/16": "13000000.00"}
    providers = doc["answers"]["engagement.providers"]["text"]
    assert providers.startswith("Providers shaped the plan through the Sandford provider forum.")
    assert "- Discharge to assess\n- Falls response\n- Carers' breaks" in providers
    assert "| Provider | Role |\n|---|---|\n| Sandford Hospital Trust | Acute |" in providers
    assert docs.PROVIDERS_PROMPT not in providers  # the prompt in its shaded box is not an answer
    assert doc["answers"]["engagement.public"]["text"] == "Healthwatch Sandford ran four listening events in January."
    assert [(r["risk"], r["rating"]) for r in doc["risks"]] == [
        ("Savings in acute care are not realised.", "High"),
        ("Staff cannot be recruited.", "Medium"),
    ]
    # The title and the circulation note follow no heading of the template: listed, not placed.
    assert "Not placed (2)" in output and "Circulated to Board members" in output
    assert not Answer.objects.filter(plan=plan, text__contains="Circulated").exists()


def test_hwb_option_names_an_existing_board_which_keeps_its_local_authority(db, tmp_path):
    board = HWBFactory(name="Other Board")
    plan, _ = run(tmp_path, "draft.docx", docs.officer_draft_bytes(), "--edition", "2014-04", "--hwb", "Other Board")
    assert plan.hwb == board and plan.hwb.local_authority == board.local_authority
    assert plan.status == "DRAFT" and plan.edition == "2014-04" and plan.round == "final"


def test_markdown_file_keeps_its_tables_and_lists(db, tmp_path):
    text = (
        "# Sandford Health and Wellbeing Board\n\n"
        "## 1) PLAN DETAILS\n\n### a) Summary of Plan\n\n"
        "| Local Authority | Sandford Borough Council |\n|---|---|\n"
        "| Clinical Commissioning Groups | NHS Sandford CCG |\n\n"
        "### c) Service provider engagement\n\n"
        f"{docs.PROVIDERS_PROMPT}\n\n"
        "Providers met **monthly**.\n\n- First\n- Second\n\n| Trust | Role |\n|---|---|\n| Sandford | Acute |\n"
    )
    plan, _ = run(tmp_path, "draft.md", text.encode(), "--edition", "2014-04")
    answer = Answer.objects.get(plan=plan, key="engagement.providers").text
    assert (
        answer == "Providers met **monthly**.\n\n- First\n- Second\n\n| Trust | Role |\n|---|---|\n| Sandford | Acute |"
    )


def test_docx_written_by_libreoffice_is_placed_like_the_seed(db, tmp_path):
    """A .docx from a real word processor (LibreOffice Writer), made from a seed plan's text."""
    name = "cheshire-east"
    filename, edition = measure.PLANS[name]
    data = docs.libreoffice_docx_from_text((measure.seeds_dir() / filename).read_text(encoding="utf-8"), tmp_path)
    assert b"word/styles.xml" in data  # a real package with LibreOffice's own styles part
    plan, _ = run(tmp_path, "cheshire-east-lo.docx", data, "--edition", edition)
    truth, imported = measure.fixture(name), plan_document(plan_view(plan))
    placed, total, _ = measure.placement(truth, imported)
    assert placed / total >= 0.99
    assert all(measure.summary_fields(truth, imported).values())
    assert len(imported["risks"]) == len(truth["risks"])


BAD_FILES = {
    "not a docx": ("plan.docx", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "is not a real Word document"),
    "old doc": ("plan.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Word document (.doc)"),
    "docm": ("plan.docm", docs.officer_draft_bytes, "macro-enabled Word document (.docm)"),
    "macros inside": ("plan.docx", lambda: docs.with_macros(docs.officer_draft_bytes()), "contains macros"),
    "zip bomb": ("plan.docx", lambda: docs.zip_bomb(docs.officer_draft_bytes()), "zip bomb"),
    "50 MB": ("plan.docx", lambda: b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "must be smaller than 10 MB"),
    "empty document": ("plan.docx", docs.empty_docx_bytes, "document is empty"),
    "empty text file": ("plan.txt", lambda: b"\n\n  \n", "document is empty"),
    "no template text": ("plan.txt", lambda: b"Minutes of the meeting\nApologies were received.\n", "None of the"),
    "pdf": ("plan.pdf", lambda: b"%PDF-1.4\n", "must be a Word document (.docx)"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_message_and_create_nothing(db, tmp_path, case):
    name, make, message = BAD_FILES[case]
    before = (Plan.objects.count(), Risk.objects.count())
    with pytest.raises(CommandError) as caught:
        run(tmp_path, name, make(), "--edition", "2014-04", "--hwb", "Sandford Health and Wellbeing Board")
    assert message in str(caught.value)
    assert (Plan.objects.count(), Risk.objects.count()) == before


def test_another_editions_document_is_refused(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "rutland.docx", measure.seed_docx("rutland"), "--edition", "2014-04")
    assert "looks like the September 2014 (revised template) template" in str(caught.value)
    assert Plan.objects.count() == 0


def test_answer_over_the_form_limit_is_not_placed(db, tmp_path):
    earlier = PlanFactory(original=True, hwb__name="Long Board")  # the Board's CCGs come from its plan
    long_paragraph = "Word " * 2_000  # 10,000 characters
    text = "c) Service provider engagement\n" + docs.PROVIDERS_PROMPT + "\n" + (long_paragraph.strip() + "\n") * 8
    plan, output = run(tmp_path, "long.txt", text.encode(), "--edition", "2014-04", "--hwb", "Long Board")
    answer = Answer.objects.get(plan=plan, key="engagement.providers").text
    assert 50_000 <= len(answer) <= 60_000
    assert "Not placed (1)" in output
    assert "longer than the limit of 60,000 characters" in output
    assert list(plan.ordered_ccgs()) == list(earlier.ordered_ccgs())
    assert Plan.objects.get(pk=earlier.pk).is_current is False


def test_a_submitted_plan_of_the_round_is_not_pushed_aside(db, tmp_path):
    submitted = PlanFactory(original=True, submitted=True, hwb__name="Sandford Health and Wellbeing Board")
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "sandford.docx", docs.officer_draft_bytes(), "--edition", "2014-04")
    assert "final plan is submitted: a new draft would take its place" in str(caught.value)
    assert list(Plan.objects.all()) == [submitted] and Plan.objects.get().is_current
