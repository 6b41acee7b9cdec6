"""A submitted return's files (DOMAIN.md §10): the jobs that store them with their SHA-256, the PDF,
the workbook (read back with openpyxl and recalculated by LibreOffice) and their download."""

import hashlib
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from metrics.exports.workbook import YELLOW
from plans.models import FileJob, FileJobStatus, QuarterlyReturn, ReturnFile
from plans.returns import files, services
from plans.returns.selectors import return_view
from plans.returns.workbook import TABS
from tests.factories import UserFactory
from tests.metrics.test_workbook import libreoffice_recalculated, money
from tests.returns.conftest import complete, period

pytestmark = pytest.mark.django_db

PAYMENTS = [Decimal("44700.00"), Decimal("58110.00"), Decimal("46190.00"), Decimal("59600.00")]


def full_year(board):
    """A 2015/16 Q3 return with all four quarters of the worked example, signed and submitted."""
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q3"), user=board["editor"])
    ret = complete(ret, board["editor"], actuals={1: 970, 2: 930, 3: 1000, 4: 950})
    services.return_sign(ret=ret, user=board["chair"])
    submission = services.return_submit(ret=ret, user=board["chair"])
    return ret, submission


def pdf_text(content):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_shows_every_section_the_p4p_table_and_the_chart(board):
    ret, _submission = full_year(board)
    ret.refresh_from_db()
    started = time.monotonic()
    content = files.render(ret, "pdf", bounded=False)
    elapsed = time.monotonic() - started
    assert content.startswith(b"%PDF")
    print(f"PDF {len(content):,} bytes in {elapsed:.2f} s")
    text = pdf_text(content)
    for expected in ("Quarterly return", "Budget arrangements", "National conditions", "Income and expenditure"):
        assert expected in text
    for payment in ("£44,700.00", "£58,110.00", "£46,190.00", "£59,600.00", "£208,600.00"):
        assert payment in text
    assert "Signed off by" in text and "Submitted" in text and "Version 1" in text
    assert "Line chart of non-elective admissions" not in text  # the chart is an image with alt text


def test_the_pdf_is_tagged_with_headings_and_table_headers(board):
    from pypdf import PdfReader

    ret, _submission = full_year(board)
    reader = PdfReader(io.BytesIO(files.render(ret, "pdf", bounded=False)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    kinds = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "get"):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") and depth < 60:
                        walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds


def test_jobs_store_each_file_with_its_sha256_once(board, run_jobs):
    ret, submission = full_year(board)
    rows = files.return_file_rows(submission)
    assert [(r["kind"], r["file"], r["job"].status) for r in rows] == [
        ("json", None, FileJobStatus.QUEUED),
        ("pdf", None, FileJobStatus.QUEUED),
        ("xlsx", None, FileJobStatus.QUEUED),
    ]
    assert all(r["job"].plan_id == ret.plan_id and r["job"].return_submission == submission for r in rows)
    run_jobs()
    stored = {f.kind: f for f in ReturnFile.objects.filter(submission=submission)}
    assert sorted(stored) == ["json", "pdf", "xlsx"]
    for f in stored.values():
        assert f.sha256 == hashlib.sha256(bytes(f.content)).hexdigest() and f.size == len(bytes(f.content))
    assert {r["job"].status for r in files.return_file_rows(submission)} == {FileJobStatus.READY}
    assert b'"payment": "44700.00"' in bytes(stored["json"].content)
    # A rerun keeps the stored bytes (their SHA-256 checked).
    job = FileJob.objects.get(return_submission=submission, kind="pdf")
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.QUEUED)
    files.render_return_file.call(job.pk)
    assert ReturnFile.objects.get(submission=submission, kind="pdf").sha256 == stored["pdf"].sha256
    assert ReturnFile.objects.filter(submission=submission).count() == 3


def test_a_job_refuses_a_return_whose_content_changed_since_submission(board, run_jobs):
    ret, submission = full_year(board)
    QuarterlyReturn.objects.filter(pk=ret.pk).update(narrative="Changed behind the service's back")
    run_jobs()
    jobs = FileJob.objects.filter(return_submission=submission)
    assert {j.status for j in jobs} == {FileJobStatus.FAILED}
    assert "has changed since it was submitted" in jobs[0].message
    assert not ReturnFile.objects.filter(submission=submission).exists()


def test_download_through_access_and_404_until_ready(board, client, run_jobs):
    ret, submission = full_year(board)
    url = reverse("returns:file", args=[ret.pk, "pdf"])
    client.force_login(board["reviewer"])
    assert client.get(url).status_code == 404  # not ready yet
    run_jobs()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == response["ETag"].strip('"')
    assert client.get(reverse("returns:file", args=[ret.pk, "docx"])).status_code == 404
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_workbook_has_a_tab_per_section_yellow_inputs_and_formulas_with_cached_values(board):
    ret, _submission = full_year(board)
    content = files.render(ret, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == list(TABS.values())
    p4p = wb[TABS["admissions"]]
    for ref in ("D9", "D10", "D11", "D12"):
        assert p4p[ref].fill.fgColor.rgb.endswith(YELLOW) and not p4p[ref].protection.locked
    assert p4p["K9"].value.startswith("=") and "MAX(J9-0,0)" in p4p["K9"].value
    assert "MIN(ROUND(MAX(H10,0)*C4,2),I10,C6)" in p4p["J10"].value
    assert wb[TABS["finance"]]["E7"].value.startswith("=")
    assert wb[TABS["narrative"]]["A4"].fill.fgColor.rgb.endswith(YELLOW)
    cached = openpyxl.load_workbook(io.BytesIO(content), data_only=True)[TABS["admissions"]]
    assert [Decimal(str(cached[f"K{r}"].value)) for r in range(9, 13)] == PAYMENTS
    assert [cached[f"M{r}"].value for r in range(9, 13)] == [7450, 0, 7450, 0]
    assert cached["K13"].value == 208600


def test_libreoffice_recalculates_the_same_payments_to_the_penny(board, tmp_path):
    ret, _submission = full_year(board)
    view_schedule = return_view(ret).schedule
    wb = libreoffice_recalculated(files.render(ret, "xlsx"), tmp_path)
    p4p = wb[TABS["admissions"]]
    for q in view_schedule:
        r = 8 + q.number
        assert money(p4p[f"K{r}"].value) == q.payment
        assert money(p4p[f"L{r}"].value) == q.paid_to_date
        assert money(p4p[f"M{r}"].value) == q.not_released
        assert p4p[f"G{r}"].value == q.planned_to_date and p4p[f"H{r}"].value == q.achieved_to_date
    assert [money(p4p[f"K{r}"].value) for r in range(9, 13)] == PAYMENTS
    assert money(p4p["K13"].value) == Decimal("208600.00")
    assert money(p4p["M11"].value) == Decimal("7450.00")
    finance = wb[TABS["finance"]]
    assert money(finance["E7"].value) == Decimal("0.00")


def test_the_database_refuses_to_change_a_submitted_return_or_its_files(board, run_jobs):
    from django.db import DatabaseError, connection, transaction

    from plans.models import ReturnSubmission

    ret = complete(
        services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"]), board["editor"]
    )
    services.return_sign(ret=ret, user=board["chair"])
    submission = services.return_submit(ret=ret, user=board["chair"])
    run_jobs()
    stored = ReturnFile.objects.filter(submission=submission).first()
    for table, pk in ((ReturnSubmission._meta.db_table, submission.pk), (ReturnFile._meta.db_table, stored.pk)):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [pk])  # noqa: S608 - table names are ours
