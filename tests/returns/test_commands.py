"""The returns' command line (DOMAIN.md §10): import_return, export_return and check_return, and the
round trip of bcf-return/1."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plans.models import ConditionStatus, QuarterlyReturn, ReturnFile
from plans.returns import services
from plans.returns.document import return_document
from plans.returns.selectors import return_view
from tests.returns.conftest import complete, period

pytestmark = pytest.mark.django_db


def q1_return(board):
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    ret = complete(ret, board["editor"], actuals={1: 970, 2: 930})
    condition = ret.conditions.get(key="seven_day")
    services.return_rows_update(
        ret=ret,
        user=board["editor"],
        model=condition.__class__,
        rows={
            condition.pk: {
                "status": ConditionStatus.IN_PROGRESS,
                "date": datetime.date(2015, 10, 1),
                "commentary": "Weekend discharge team from October",
            }
        },
    )
    services.return_update(
        ret=ret, user=board["editor"], values={"pooled": False, "pooled_expected_date": datetime.date(2015, 9, 30)}
    )
    ret.refresh_from_db()
    return ret


def export(ret_id, tmp_path, fmt="json"):
    out = tmp_path / f"out.{fmt}"
    call_command("export_return", str(ret_id), "--format", fmt, "-o", str(out), stderr=io.StringIO())
    return out


def import_file(path):
    stdout = io.StringIO()
    call_command("import_return", str(path), stdout=stdout)
    return int(stdout.getvalue().strip().splitlines()[-1])


def test_export_then_import_gives_the_same_document(board, tmp_path):
    ret = q1_return(board)
    path = export(ret.pk, tmp_path)
    exported = json.loads(path.read_text())
    assert exported["format"] == "bcf-return/1" and exported["admissions"]["2015/16 Q1"] == 930
    quarters = exported["computed"]["p4p"]["quarters"]
    assert [q["payment"] for q in quarters] == ["44700.00", "58110.00", None, None]
    assert quarters[0]["planned_reduction"] == 35 and quarters[1]["achieved_reduction"] == 50
    assert exported["computed"]["income"][0]["variance"] == "0.00"
    ret.delete()  # a draft: its period is free again
    exported["computed"]["p4p"]["quarters"][0]["payment"] = "999999.99"  # computed values are ignored
    path.write_text(json.dumps(exported))
    new_id = import_file(path)
    new = QuarterlyReturn.objects.get(pk=new_id)
    assert new.plan == board["plan"] and new.status == "DRAFT"
    again = return_document(return_view(new))
    exported["computed"]["p4p"]["quarters"][0]["payment"] = "44700.00"
    assert again == exported


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["admissions"].update({"2015/16 Q1": -3}), "admissions.2015/16 Q1"),
        (lambda d: d["admissions"].update({"2015/16 Q1": 9.5}), "admissions.2015/16 Q1"),
        (lambda d: d["income"][0].update({"forecast": "a lot"}), "income[0].forecast"),
        (lambda d: d["income"][0].update({"kind": "capital"}), "income[0]"),
        (lambda d: d["expenditure"][0].update({"scheme_ref": "S99"}), "expenditure[0].scheme_ref"),
        (lambda d: d["metrics"][0].update({"code": "N9"}), "metrics[0].code"),
        (lambda d: d["conditions"].update({"nonsense": {"status": "met"}}), "conditions.nonsense"),
        (lambda d: d["conditions"]["social_care"].update({"status": "done"}), "conditions.social_care.status"),
        (lambda d: d["cover"].update({"date": "1 Aug 2015"}), "cover.date"),
        (lambda d: d["cover"].update({"email": "not an address"}), "cover.email"),
        (lambda d: d.update({"hwb": "Nowhere"}), "hwb"),
        (lambda d: d.update({"format": "bcf-plan/1"}), "format"),
    ],
)
def test_an_invalid_file_names_the_path_and_creates_nothing(board, tmp_path, change, path):
    ret = q1_return(board)
    doc = return_document(return_view(ret))
    ret.delete()
    change(doc)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(doc))
    before = QuarterlyReturn.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_return", str(file), stdout=io.StringIO())
    assert f"{path}:" in str(raised.value) or f"{path} " in str(raised.value)
    assert QuarterlyReturn.objects.count() == before


def test_a_return_cannot_be_imported_twice_for_a_period(board, tmp_path):
    ret = q1_return(board)
    path = export(ret.pk, tmp_path)
    with pytest.raises(CommandError, match="already been started"):
        import_file(path)


def test_check_return_prints_lines_and_exits_1_on_an_error(board, capsys):
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    with pytest.raises(SystemExit) as exited:
        call_command("check_return", str(ret.pk))
    assert exited.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    assert "ERROR Enter the narrative: progress, risks and support needed" in lines
    ret = complete(ret, board["editor"], actuals={1: 970, 2: 1200})
    call_command("check_return", str(ret.pk))  # warnings only: no exit
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("WARNING ") for line in lines)
    assert any("more than 20% away from the plan" in line for line in lines)


def test_export_pdf_and_xlsx_made_now_or_as_stored(board, tmp_path, run_jobs):
    ret = q1_return(board)
    pdf = export(ret.pk, tmp_path, "pdf").read_bytes()
    xlsx = export(ret.pk, tmp_path, "xlsx").read_bytes()
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    ret = services.return_update(ret=ret, user=board["editor"], values={"pooled": True})
    services.return_sign(ret=ret, user=board["chair"])
    submission = services.return_submit(ret=ret, user=board["chair"])
    run_jobs()
    stored = ReturnFile.objects.get(submission=submission, kind="pdf")
    assert export(ret.pk, tmp_path, "pdf").read_bytes() == bytes(stored.content)
