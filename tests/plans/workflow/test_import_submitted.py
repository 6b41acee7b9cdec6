"""`import_plan FILE --submitted` (DOMAIN.md §11): a plan sent in before the service existed is stored
as its submitted version, round and date kept, files made, so its returns can start from it."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from plans import deadlines
from plans.models import Plan, PlanStatus, ReturnPeriod, Submission
from plans.returns import services as returns
from plans.workflow.services import submitted_at_from
from tests.conftest import DEMO


def _import(path, *args):
    out = io.StringIO()
    call_command("import_plan", str(path), *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_a_submitted_plan_keeps_its_round_and_date_and_gets_its_files(tmp_path):
    doc = json.loads((DEMO / "rutland.json").read_text())
    doc["date_submitted"] = "2014-09-18"
    path = tmp_path / "rutland.json"
    path.write_text(json.dumps(doc))
    lines = _import(path, "--submitted")
    plan = Plan.objects.get(pk=int(lines[-1]))
    assert plan.status == PlanStatus.SUBMITTED and plan.round == "revised"
    submission = Submission.objects.get(plan=plan)
    assert timezone.localdate(submission.submitted_at) == datetime.date(2014, 9, 18)  # the document's date
    assert not submission.is_late
    stored = {f.kind: f for f in submission.files.all()}
    assert set(stored) == {"pdf", "xlsx", "json"}, [(j.kind, j.message) for j in submission.file_jobs.all()]
    for f in stored.values():
        assert hashlib.sha256(bytes(f.content)).hexdigest() == f.sha256
    assert json.loads(bytes(stored["json"].content))["hwb"]["name"] == plan.hwb.name
    assert "submitted version 1" in lines[0] and "not blocking" in lines[0]
    # Its returns can start from it.
    ret = returns.return_start(hwb=plan.hwb, period=ReturnPeriod.objects.get(code="2015/16 Q1"), user=None)
    assert ret.plan == plan


def test_the_date_submitted_comes_from_the_document_or_else_the_round_deadline():
    plan = Plan(edition="2014-09", round="revised")
    rutland = json.loads((DEMO / "rutland.json").read_text())
    assert rutland["x_date_submitted"] == "<dd/mm/yyyy>"  # a placeholder in the submitted document
    assert submitted_at_from(rutland, plan) == deadlines.round_deadline("2014-09", "revised")
    notts = json.loads((DEMO / "nottinghamshire.json").read_text())
    when = submitted_at_from(notts, Plan(edition="2014-04", round="final"))
    assert timezone.localtime(when).date() == datetime.date(2014, 4, 4)
    assert submitted_at_from({"date_submitted": "2014-09-18T09:30:00+01:00"}, plan).hour == 9


@pytest.mark.django_db
def test_an_invalid_file_creates_nothing(tmp_path):
    doc = json.loads((DEMO / "rutland.json").read_text())
    doc["part2"]["p4p"]["baseline"][1] = -5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match=r"part2\.p4p\.baseline"):
        _import(path, "--submitted")
    assert not Plan.objects.exists() and not Submission.objects.exists()
