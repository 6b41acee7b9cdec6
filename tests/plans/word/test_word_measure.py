"""The Word importer measured on the real plans: each seed plan's text made into a .docx (and the
demo fixtures' own Word copies), imported, and compared with the demo fixture of the same plan.

The thresholds are the figures reached (issue 14 asks for at least 90% placed on every plan and the
budgets all right); `make bench` prints the same figures.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from plans.content.document import plan_document
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.models import Plan
from plans.word.exporter import plan_docx_bytes
from tests.plans.word import measure

# Share of the fixture's answer sentences placed in the right question, as reached (issue 14: >= 90%).
SEED_PLACEMENT = {"cheshire-east": 0.99, "nottinghamshire": 0.99, "rutland": 0.95}


def _import_file(tmp_path, name, data, edition, hwb=None):
    path = Path(tmp_path) / name
    path.write_bytes(data)
    out = io.StringIO()
    args = [str(path), "--edition", edition]
    if hwb:
        args += ["--hwb", hwb]
    call_command("import_document", *args, stdout=out)
    plan_id = int(out.getvalue().strip().splitlines()[-1])
    return plan_document(plan_view(Plan.objects.get(pk=plan_id))), out.getvalue()


@pytest.mark.parametrize("name", list(measure.PLANS))
def test_seed_plan_docx_is_placed_in_the_right_questions(db, tmp_path, name):
    filename, edition = measure.PLANS[name]
    truth = measure.fixture(name)
    imported, _ = _import_file(tmp_path, filename.replace(".txt", ".docx"), measure.seed_docx(name), edition)
    placed, total, per_question = measure.placement(truth, imported)
    assert total > 300
    assert placed / total >= SEED_PLACEMENT[name], per_question
    fields = measure.summary_fields(truth, imported)
    assert all(fields.values()), fields
    assert imported["hwb"]["name"] == truth["hwb"]["name"]


@pytest.mark.parametrize("name", list(measure.PLANS))
def test_seed_plan_as_text_file_is_placed_like_the_docx(db, tmp_path, name):
    filename, edition = measure.PLANS[name]
    truth = measure.fixture(name)
    data = (measure.seeds_dir() / filename).read_bytes()
    imported, _ = _import_file(tmp_path, filename, data, edition)
    placed, total, _ = measure.placement(truth, imported)
    assert placed / total >= SEED_PLACEMENT[name]
    assert all(measure.summary_fields(truth, imported).values())


@pytest.mark.parametrize("name", list(measure.PLANS))
def test_demo_plan_word_copy_comes_back_whole(db, tmp_path, name):
    """Export a demo plan to Word, import the .docx as a new draft: every answer sentence comes back
    in its question, with the summary, risks and related documents."""
    truth = measure.fixture(name)
    source = import_plan(measure.fixture(name))
    data = plan_docx_bytes(source)
    imported, _ = _import_file(tmp_path, f"{name}.docx", data, truth["edition"])
    placed, total, per_question = measure.placement(truth, imported)
    assert placed == total, {k: v for k, v in per_question.items() if v[0] < v[1]}
    assert all(measure.summary_fields(truth, imported).values())
    assert imported["summary"] == {**truth["summary"]}
    assert len(imported["risks"]) == len(truth["risks"])
    assert [r["risk"] for r in imported["risks"]] == [r["risk"] for r in truth["risks"]]
    assert [(d["ref"], d["title"]) for d in imported["related_documents"]] == [
        (d["ref"], d["title"]) for d in truth["related_documents"]
    ]
    for key, parts in truth["answers"].items():
        for part in ("yes", "date", "percent", "tool", "count"):
            if part in parts:
                assert imported["answers"][key][part] == parts[part], (key, part)


@pytest.mark.parametrize("name", list(measure.PLANS))
def test_officer_style_draft_of_a_demo_plan_is_placed(db, tmp_path, name):
    """The fixture written as an officer keeps a draft: reworded, renumbered headings; prompts in
    shaded boxes, beside the answer or in italics; bullet styles and real tables."""
    truth = measure.fixture(name)
    imported, output = _import_file(tmp_path, f"{name}-draft.docx", measure.officer_docx(truth), truth["edition"])
    placed, total, per_question = measure.placement(truth, imported)
    assert placed / total >= 0.99, {k: v for k, v in per_question.items() if v[0] < v[1]}
    assert all(measure.summary_fields(truth, imported).values())
    assert [r["risk"] for r in imported["risks"]] == [r["risk"] for r in truth["risks"]]
    assert "Not placed (2)" in output  # the title and the note under it
