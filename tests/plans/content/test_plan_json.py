"""The bcf-plan/1 JSON format: the demo plans round-trip, bad input names its path and creates nothing."""

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bcf.core.imports import PlanImportError
from plans.content.document import content_hash, plan_document
from plans.content.plan_json import import_plan, validate_document
from plans.content.selectors import plan_view
from plans.models import Answer, HealthAndWellbeingBoard, Plan, PlanStatus, Risk
from schemes.models import Milestone, Scheme
from tests.conftest import ROOT, demo_document

VOLATILE = ("signatures", "version", "status", "content_hash")


def comparable(doc):
    """An exported document without the parts written on export only (and the source's extra x_ keys)."""
    doc = {k: v for k, v in doc.items() if k not in VOLATILE and not k.startswith("x_")}
    for risk in doc.get("risks", []):
        risk.pop("risk_factor", None)
    return doc


@pytest.mark.parametrize("name", ["cheshire-east", "nottinghamshire", "rutland"])
def test_demo_plans_round_trip_export_import_export(db, name):
    first = import_plan(demo_document(name))
    exported = plan_document(plan_view(first))
    second = import_plan(copy.deepcopy(exported))
    again = plan_document(plan_view(second))
    assert comparable(again) == comparable(exported)
    assert content_hash(plan_view(first)) == content_hash(plan_view(second))


@pytest.mark.parametrize("name", ["cheshire-east", "nottinghamshire", "rutland"])
def test_every_answer_of_the_source_survives_import(db, name):
    source = demo_document(name)
    plan = import_plan(source)
    exported = plan_document(plan_view(plan))
    for key, parts in source["answers"].items():
        if not parts:
            continue
        assert exported["answers"][key]["text"] == parts.get("text", "").strip() or not parts.get("text"), key
    assert len(exported["risks"]) == len(source["risks"])
    assert [s["ref"] for s in exported["schemes"]] == [s["ref"] for s in source["schemes"]]
    assert [m["depends_on"] for m in exported["milestones"]] == [
        sorted(set(m["depends_on"])) for m in source["milestones"]
    ]


def test_exported_documents_validate_against_the_published_schema(db):
    plan = import_plan(demo_document("rutland"))
    assert validate_document(plan_document(plan_view(plan))) == []
    schema = json.loads((ROOT / "docs" / "plan.schema.json").read_text())
    assert schema["$id"] == "bcf-plan/1"


def test_import_creates_a_draft_and_unknown_organisations(db):
    plan = import_plan(demo_document("nottinghamshire"))
    assert plan.status == PlanStatus.DRAFT
    assert HealthAndWellbeingBoard.objects.get(name="Nottinghamshire Health and Wellbeing Board")
    assert [c.name for c in plan.ordered_ccgs()][:2] == ["NHS Bassetlaw CCG", "NHS Mansfield and Ashfield CCG"]
    assert [u.name for u in plan.planning_units.all()] == [
        "North Nottinghamshire",
        "Mid-Nottinghamshire",
        "South Nottinghamshire",
    ]
    answer = Answer.objects.get(plan=plan, key="conditions.social_care_protection")
    assert str(answer.amount) == "16117000.00"
    assert [line["amount"] for line in answer.breakdown] == ["2227000.00", "6245000.00", "7645000.00"]


def test_content_hash_changes_when_one_answer_changes(db):
    plan = import_plan(demo_document("cheshire-east"))
    before = content_hash(plan_view(plan))
    Answer.objects.filter(plan=plan, key="vision.vision").update(text="A new vision.")
    assert content_hash(plan_view(plan)) != before


def _broken(path_setter):
    doc = demo_document("rutland")
    path_setter(doc)
    return doc


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["risks"][3].__setitem__("likelihood", 7), "risks[3].likelihood"),
        (lambda d: d["risks"][0].__setitem__("impact", "high"), "risks[0].impact"),
        (lambda d: d.__setitem__("edition", "2015-01"), "edition"),
        (lambda d: d.__setitem__("format", "bcf-plan/2"), "format"),
        (
            lambda d: d["summary"]["minimum_pooled_budget"].__setitem__("2015/16", "£1,228M"),
            "summary.minimum_pooled_budget.2015/16",
        ),
        (lambda d: d["answers"].__setitem__("vision.aims", {"text": "2014-04 only"}), "answers.vision.aims"),
        (lambda d: d["answers"]["vision.vision"].__setitem__("yes", True), "answers.vision.vision.yes"),
        (lambda d: d["schemes"][1].__setitem__("ref", d["schemes"][0]["ref"]), "schemes[1].ref"),
        (lambda d: d["milestones"][2].__setitem__("start", "2014-13"), "milestones[2].start"),
        (lambda d: d["summary"].__setitem__("date_agreed_at_hwb", "17/09/2014"), "summary.date_agreed_at_hwb"),
        (lambda d: d.__setitem__("round", "final"), "round"),
    ],
)
def test_invalid_input_names_the_path_and_creates_nothing(db, mutate, path):
    with pytest.raises(PlanImportError) as info:
        import_plan(_broken(mutate))
    assert info.value.path == path
    assert Plan.objects.count() == 0
    assert Risk.objects.count() == Scheme.objects.count() == Milestone.objects.count() == Answer.objects.count() == 0
    assert HealthAndWellbeingBoard.objects.count() == 0


def test_import_plan_command_prints_the_id_last(db, tmp_path, capsys):
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(demo_document("cheshire-east")))
    call_command("import_plan", str(source))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert Plan.objects.get(pk=int(last)).hwb.name == "Cheshire East Health and Wellbeing Board"


def test_import_plan_command_fails_with_the_path(db, tmp_path):
    doc = demo_document("rutland")
    doc["risks"][3]["likelihood"] = 9
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match=r"risks\[3\]\.likelihood"):
        call_command("import_plan", str(source))
    assert not Plan.objects.exists()


def test_import_plan_command_refuses_broken_json(db, tmp_path):
    source = tmp_path / "broken.json"
    source.write_text('{"format": "bcf-plan/1",')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_plan", str(source))


def test_export_plan_command_writes_json_that_imports_again(db, tmp_path):
    plan = import_plan(demo_document("nottinghamshire"))
    out = tmp_path / "out.json"
    call_command("export_plan", plan.pk, "--format", "json", "-o", str(out))
    doc = json.loads(out.read_text())
    assert doc["format"] == "bcf-plan/1" and doc["version"] == 1 and len(doc["content_hash"]) == 64
    again = import_plan(doc)
    assert again.pk != plan.pk
