"""Part 1 as Word: opened by LibreOffice, every answer's words are there, in template order, with the
answers' lists and tables as real Word lists and tables."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from bcf.core.markup import plain_text
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from tests.conftest import demo_document


def words(text):
    return " ".join(re.findall(r"[a-z0-9£%]+", text.lower().replace("’", "'")))


def libreoffice_text(path, workdir):
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{workdir}/lo-profile",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(workdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return path.with_suffix(".txt").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("name", ["cheshire-east", "rutland"])
def test_export_plan_docx_opens_in_libreoffice_with_every_answer(db, tmp_path, name):
    plan = import_plan(demo_document(name))
    path = tmp_path / f"{name}.docx"
    call_command("export_plan", plan.pk, "--format", "docx", "-o", str(path), stderr=io.StringIO())
    text = words(libreoffice_text(path, tmp_path))
    view = plan_view(plan)
    missing = []
    for question in view.edition.questions:
        answer = view.answers.get(question.key)
        if answer is None or not answer.text:
            continue
        # Each paragraph's words, as LibreOffice shows them (a table row's cells are read across).
        for paragraph in re.split(r"\n\s*\n", answer.text):
            if paragraph.lstrip().startswith("|"):
                for row in paragraph.splitlines()[2:]:
                    for cell in row.strip("|").split("|"):
                        if words(cell) and words(cell) not in text:
                            missing.append((question.key, cell[:60]))
                continue
            for line in paragraph.splitlines():
                if words(plain_text(line)) and words(plain_text(line)) not in text:
                    missing.append((question.key, line[:60]))
    assert missing == []
    # Template order: each section heading once, in the edition's order.
    positions = [text.find(words(section.title)) for section in view.edition.sections]
    assert all(p >= 0 for p in positions)
    for risk in view.risks:
        assert words(plain_text(risk.risk).split(". ")[0]) in text
    for ccg in view.ccgs:
        assert words(ccg.name) in text


def test_answer_lists_and_tables_are_real_word_lists_and_tables(db, tmp_path):
    plan = import_plan(demo_document("rutland"))
    from plans.word.exporter import plan_docx_bytes

    document = Document(io.BytesIO(plan_docx_bytes(plan)))
    answer_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Type"]
    assert answer_tables, "alignment.plans has a Markdown table with a 'Type' column"
    assert answer_tables[0].rows[1].cells[0].text == "Business As Usual Activity"
    list_items = [p.text for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    assert "Peterborough Hospital" in " ".join(list_items)
    assert not any(p.text.startswith(("- ", "| ")) for p in document.paragraphs)  # no Markdown left over
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("2) VISION FOR HEALTH AND CARE SERVICES") < headings.index("7) NATIONAL CONDITIONS")
    summary = document.tables[1]
    assert summary.rows[0].cells[0].text == "Local Authority"
    assert summary.rows[0].cells[1].text == "Rutland County Council"
