"""The Part 2 workbook: read back with openpyxl, recalculated by LibreOffice, edited and imported."""

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from metrics.definitions import part2_edition
from metrics.imports.workbook import WorkbookError, read_workbook
from metrics.models import BenefitRow, ExpenditureRow, FundingRow, MetricFigure, P4PMetric
from metrics.selectors import build_part2_view
from metrics.services import StalePart2, funding_save, part2_replace
from metrics.workbook_layout import P4P, metric_blocks
from plans.content.plan_json import import_plan
from plans.models import ChangeRecord, Role
from plans.outputs.workbook import workbook_bytes
from tests.conftest import demo_document
from tests.factories import PlanFactory, RoleFactory, editor_for

from .factories import complete_part2_plan

pytestmark = pytest.mark.django_db

TABS_2014_09 = [
    "1. HWB ID",
    "2. HWB Funding Sources",
    "3. HWB Expenditure Plan",
    "4. HWB Benefits Plan",
    "5. HWB P4P metric",
    "6. HWB Supporting Metrics",
    "Checklist",
]
FUNDING, EXPENDITURE, BENEFITS, P4P_TAB, METRICS = TABS_2014_09[1:6]
PENNY = Decimal("0.01")


def load(content, **kwargs):
    return openpyxl.load_workbook(io.BytesIO(content), **kwargs)


def save(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def total_row(ws):
    return next(row for row in range(5, 500) if ws.cell(row=row, column=1).value == "Total")


# LibreOffice does not act on the workbook's fullCalcOnLoad (Excel does): for an .xlsx file its own
# setting decides, and by default it trusts the values cached in the file. The test profile sets it to
# "always recalculate", so every computed cell read back below was worked out by LibreOffice.
RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_recalculated(content, tmp_path):
    """The workbook as LibreOffice computes it on opening (headless convert to xlsx), read with values."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make test` installs libreoffice-calc-nogui")
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ALWAYS)
    source = tmp_path / "in.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return openpyxl.load_workbook(out / "in.xlsx", data_only=True)


def money(value):
    return Decimal(repr(value)).quantize(PENNY)


# --- structure ------------------------------------------------------------------------------------


def test_tabs_are_named_as_the_domain_says():
    plan = complete_part2_plan()
    assert load(workbook_bytes(plan)).sheetnames == TABS_2014_09
    april = import_plan(demo_document("nottinghamshire"))
    wb = load(workbook_bytes(april))
    assert wb.sheetnames == [*TABS_2014_09[:4], "5. Outcomes and Metrics", "Checklist"]
    codes = [
        wb["5. Outcomes and Metrics"].cell(row=b.title_row, column=1).value
        for b in metric_blocks(part2_edition("2014-04"))
    ]
    assert codes == ["N1", "N2", "N3", "N4", "N5", "L1"]


def test_inputs_are_yellow_and_unlocked_and_computed_cells_are_formulas():
    wb = load(workbook_bytes(complete_part2_plan()))
    p4p = wb[P4P_TAB]
    for coordinate in ("C5", "C8", "F11", f"C{P4P.element}", f"C{P4P.justification}"):
        assert p4p[coordinate].fill.fgColor.rgb.endswith("FFFF99"), coordinate
        assert p4p[coordinate].protection.locked is False, coordinate
    assert p4p["D8"].value == '=IF(AND(ISNUMBER(C8),$C$5>0),ROUND(C8/$C$5*100000,1),"")'
    assert p4p["D8"].protection.locked is True and not p4p["D8"].fill.fgColor.rgb.endswith("FFFF99")
    assert p4p[f"C{P4P.value}"].value.startswith("=IF(AND(ISNUMBER(C14),ISNUMBER(C19)),MAX(0,C14)*C19")
    expenditure = wb[EXPENDITURE]
    total = total_row(expenditure)
    assert expenditure.cell(row=total, column=8).value == f"=SUM(H5:H{total - 1})"
    assert expenditure["B5"].value.startswith('=IF(A5="","",IFERROR(VLOOKUP(A5,SchemeTable,3,FALSE)')
    assert wb[BENEFITS]["K5"].value == '=IF(OR(I5="",NOT(ISNUMBER(J5))),"",ROUND(I5*J5,2))'
    assert wb[FUNDING].protection.sheet is True


def test_the_workbook_recalculates_on_open_and_prints_well():
    wb = load(workbook_bytes(complete_part2_plan()))
    assert wb.calculation.fullCalcOnLoad is True
    for title in (FUNDING, EXPENDITURE, BENEFITS):
        ws = wb[title]
        assert ws.freeze_panes == "A5"
        assert ws.print_title_rows == "$4:$4"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.column_dimensions["A"].width > 10
    assert wb[FUNDING]["C5"].number_format == '"£"#,##0.00'
    assert wb[P4P_TAB][f"C{P4P.percent}"].number_format == "0.0%"
    assert wb[EXPENDITURE]["E5"].number_format == "0%"


def test_cached_values_are_the_applications_own_figures():
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan), data_only=True)
    p4p = wb[P4P_TAB]
    assert (p4p[f"C{P4P.avoided}"].value, p4p[f"C{P4P.value}"].value, p4p[f"C{P4P.remainder}"].value) == (
        103,
        153470,
        437530,
    )
    expenditure = wb[EXPENDITURE]
    total = total_row(expenditure)
    assert expenditure.cell(row=total, column=9).value == 2500000
    assert expenditure["B5"].value == "Community Agents"
    checklist = [wb["Checklist"].cell(row=r, column=3).value for r in range(5, 12)]
    assert checklist == ["Pass"] * 7


def test_text_cells_are_guarded_against_formula_injection():
    plan = complete_part2_plan()
    plan.schemes.filter(ref="UP1").update(name='=HYPERLINK("http://evil.example","click")')
    P4PMetric.objects.filter(plan=plan).update(justification="@SUM(1+1)*cmd")
    BenefitRow.objects.filter(plan=plan).update(unit="-2+3")
    content = workbook_bytes(plan)
    wb = load(content)
    scheme_cell = wb["1. HWB ID"]["C16"]
    assert scheme_cell.value == '\'=HYPERLINK("http://evil.example","click")' and scheme_cell.data_type == "s"
    assert wb[P4P_TAB][f"C{P4P.justification}"].value == "'@SUM(1+1)*cmd"
    assert wb[BENEFITS]["D5"].value == "'-2+3"
    assert "HYPERLINK" not in re.sub(r"<is>.*?</is>", "", _sheet_xml(content, 1))
    read = read_workbook(plan, content)  # the import takes the guard off again
    assert read.data.p4p["justification"] == "@SUM(1+1)*cmd"
    assert read.data.benefits[0]["unit"] == "-2+3"


def _sheet_xml(content, number):
    return zipfile.ZipFile(io.BytesIO(content)).read(f"xl/worksheets/sheet{number}.xml").decode()


def test_export_plan_command_writes_the_workbook(tmp_path):
    plan = complete_part2_plan()
    out = tmp_path / "part2.xlsx"
    call_command("export_plan", plan.pk, "--format", "xlsx", "-o", str(out))
    assert openpyxl.load_workbook(out).sheetnames == TABS_2014_09


def test_download_is_for_people_who_can_read_the_plan(client):
    plan = complete_part2_plan()
    url = f"/plans/{plan.pk}/part-2/workbook.xlsx"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(RoleFactory(role=Role.REVIEWER, area_team=plan.hwb.area_team).user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.search(
        r'attachment; filename="bcf-part2-example-\d+-health-and-wellbeing-board-revised-v1.xlsx"',
        response["Content-Disposition"],
    )
    assert load(response.content).sheetnames == TABS_2014_09
    client.force_login(editor_for(PlanFactory()))
    assert client.get(url).status_code == 404


# --- LibreOffice agrees with the application --------------------------------------------------------


def _assert_workbook_matches_the_application(wb, plan):
    """Every computed cell of the recalculated workbook equals the application's figure."""
    part2 = build_part2_view(plan)
    funding, expenditure = wb[FUNDING], wb[EXPENDITURE]
    f_total, e_total = total_row(funding), total_row(expenditure)
    for year, f_col, e_col in (("2014/15", 3, 8), ("2015/16", 4, 9)):
        assert money(funding.cell(row=f_total, column=f_col).value) == part2.funding_totals[year]
        assert money(expenditure.cell(row=e_total, column=e_col).value) == part2.expenditure_totals[year]
        assert (
            money(expenditure.cell(row=e_total + 3, column=e_col).value)
            == part2.expenditure_totals[year] - part2.funding_totals[year]
        )
    by_area = dict(part2.expenditure_by_area)
    for row in range(e_total + 6, e_total + 12):
        area = expenditure.cell(row=row, column=3).value
        expected = by_area.get(area, {}).get("2015/16", Decimal(0))
        assert money(expenditure.cell(row=row, column=9).value) == expected, area
    benefits = wb[BENEFITS]
    for offset, benefit in enumerate(part2.benefits):
        assert money(benefits.cell(row=5 + offset, column=11).value) == benefit.total
    assert money(benefits.cell(row=total_row(benefits), column=11).value) == part2.benefits_total
    p4p, figures = wb[P4P_TAB], part2.p4p
    for index, quarter in enumerate(figures.quarters):
        row = P4P.first_quarter + index
        assert Decimal(repr(p4p.cell(row=row, column=4).value)) == quarter.baseline_rate
        assert Decimal(repr(p4p.cell(row=row, column=7).value)) == quarter.plan_rate
    assert p4p[f"C{P4P.avoided}"].value == figures.avoided
    assert Decimal(repr(p4p[f"C{P4P.percent}"].value * 100)).quantize(Decimal("0.0001")) == figures.percent
    assert p4p[f"C{P4P.minimum_avoided}"].value == figures.minimum_avoided
    assert money(p4p[f"C{P4P.value}"].value) == figures.value
    assert money(p4p[f"C{P4P.remainder}"].value) == figures.remainder
    metrics = wb[METRICS]
    views = {m.code: m for m in part2.metrics}
    for block in metric_blocks(part2.definition):
        view = views[block.definition.code]
        for figure, row in zip(view.figures, block.figure_rows, strict=True):
            value = metrics.cell(row=row, column=7).value
            assert (None if value in (None, "") else Decimal(repr(value))) == figure.value, (block.definition.code, row)
            if not figure.is_baseline and figure.expected is not None:
                assert Decimal(repr(metrics.cell(row=row, column=9).value)) == figure.expected


def test_libreoffice_recalculates_on_open_and_agrees_with_the_application(tmp_path):
    plan = complete_part2_plan()
    content = workbook_bytes(plan)
    # Spoil the cached value of the P4P value: only a real recalculation puts it right.
    spoiled = _replace_in_sheet(content, 5, r'(<c r="C20"[^>]*><f>[^<]*</f><v>)153470(</v>)', r"\g<1>1\g<2>")
    assert load(spoiled, data_only=True)[P4P_TAB]["C20"].value == 1
    wb = libreoffice_recalculated(spoiled, tmp_path)
    assert wb[P4P_TAB]["C20"].value == 153470
    _assert_workbook_matches_the_application(wb, plan)


def _replace_in_sheet(content, number, pattern, replacement):
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{number}.xml":
                data, count = re.subn(pattern, replacement, data.decode())
                assert count == 1
                data = data.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_an_edited_workbook_imports_and_libreoffice_agrees_to_the_penny(tmp_path):
    plan = complete_part2_plan()
    editor = editor_for(plan)
    wb = load(workbook_bytes(plan))
    funding, expenditure, benefits, p4p, metrics = (wb[t] for t in (FUNDING, EXPENDITURE, BENEFITS, P4P_TAB, METRICS))
    funding["D5"] = 912345.67  # the council's 2015/16 revenue
    expenditure["I5"] = 1012345.67  # line 1, 2015/16
    spare = 7  # the first spare line under the two lines
    for column, value in zip(
        "ACDFGHIJ", ["HDR2", "Acute", "CCG", "NHS acute", "CCG minimum contribution", 0, 123.45, "New"], strict=True
    ):
        expenditure[f"{column}{spare}"] = value
    benefits["G5"] = 12.25
    for index, planned in enumerate([740, 710, 690, 715]):  # 3.0%
        p4p.cell(row=P4P.first_quarter + index, column=6).value = planned
    p4p[f"C{P4P.justification}"] = "Admissions fell by 6% in 2013/14."
    n1 = metric_blocks(part2_edition("2014-09"))[0]
    metrics.cell(row=n1.figure_rows[1], column=4).value = 111
    metrics.cell(row=n1.figure_rows[2], column=8).value = -0.1
    edited = save(wb)

    response = _upload(plan, editor, edited)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2015_16 == Decimal(
        "912345.67"
    )
    lines = list(ExpenditureRow.objects.filter(plan=plan).select_related("scheme").order_by("position"))
    assert [line.amount_2015_16 for line in lines] == [Decimal("1012345.67"), Decimal("1500000.00"), Decimal("123.45")]
    assert (lines[2].scheme.ref, lines[2].area_of_spend, lines[2].commissioner, lines[2].new_or_existing) == (
        "HDR2",
        "Acute",
        "CCG",
        "new",
    )
    assert BenefitRow.objects.get(plan=plan).q3 == Decimal("12.25")
    assert P4PMetric.objects.get(plan=plan).planned == [740, 710, 690, 715]
    figure = MetricFigure.objects.get(metric__plan=plan, metric__code="N1", position=1)
    assert figure.numerator == Decimal(111)
    assert MetricFigure.objects.get(metric__plan=plan, metric__code="N1", position=2).percent_change == Decimal("-10")
    assert ChangeRecord.objects.filter(plan=plan, field__contains="(from the workbook)").count() >= 7

    part2 = build_part2_view(plan)
    assert part2.p4p.avoided == 88 and part2.p4p.value == Decimal("131120.00")
    recalculated = libreoffice_recalculated(edited, tmp_path)
    _assert_workbook_matches_the_application(recalculated, plan)
    live = [recalculated["Checklist"].cell(row=row, column=3).value for row in range(5, 12)]
    # 2015/16: the funding no longer equals the agreed total, nor the expenditure the funding.
    assert live == ["Pass", "Pass", "Pass", "Fail", "Pass", "Fail", "Below 3.5%, justified (warning)"]


def _upload(plan, user, content, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(user)
    upload = SimpleUploadedFile(
        "part2.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return client.post(f"/plans/{plan.pk}/part-2/workbook/upload/", {"file": upload, **extra})


# --- refusals: all or nothing -------------------------------------------------------------------------


def _snapshot(plan):
    return (
        list(FundingRow.objects.filter(plan=plan).values_list("organisation", "amount_2014_15", "amount_2015_16")),
        list(ExpenditureRow.objects.filter(plan=plan).values_list("amount_2014_15", "amount_2015_16")),
        list(P4PMetric.objects.filter(plan=plan).values_list("plan_q1", "justification")),
    )


def _refused(plan, content):
    before = _snapshot(plan)
    with pytest.raises(WorkbookError) as info:
        read = read_workbook(plan, content)
        part2_replace(plan=plan, user=None, data=read.data)
    assert _snapshot(plan) == before
    return info.value.problems


def test_a_workbook_that_is_not_ours_is_refused():
    plan = complete_part2_plan()
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "Budget"
    assert "not downloaded from this service" in _refused(plan, save(foreign))[0]
    assert "not an Excel workbook" in _refused(plan, b"name,amount\nx,1\n")[0]
    other = complete_part2_plan()
    assert "This workbook is for " in _refused(plan, workbook_bytes(other))[0]


def test_a_changed_layout_is_refused_naming_the_tab_and_cell():
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    wb[EXPENDITURE]["C4"] = "Spend area"
    problems = _refused(plan, save(wb))
    assert problems[0].startswith("3. HWB Expenditure Plan, cell C4: the layout has been changed")
    wb = load(workbook_bytes(plan))
    del wb[BENEFITS]
    assert "the tab “4. HWB Benefits Plan” is missing" in _refused(plan, save(wb))[0]


def test_text_in_a_number_cell_and_a_negative_amount_are_refused_and_nothing_is_saved():
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    wb[FUNDING]["D6"] = 1000  # a good change, which must not be saved either
    wb[EXPENDITURE]["H5"] = "about 3m"
    wb[FUNDING]["C5"] = -5000
    wb[P4P_TAB]["C8"] = "lots"
    wb[FUNDING]["C6"] = "£1,228M"
    problems = _refused(plan, save(wb))
    assert "2. HWB Funding Sources, cell C5: “-5000” is negative: amounts cannot be below £0" in problems
    assert (
        "2. HWB Funding Sources, cell C6: “£1,228M” is ambiguous: use either commas (£1,228,000) or a suffix "
        "(£1.228m), not both" in problems
    )
    assert any(p.startswith("3. HWB Expenditure Plan, cell H5: “about 3m” is not an amount of money") for p in problems)
    assert "5. HWB P4P metric, cell C8: “lots” is not a number" in problems


def test_money_typed_as_text_is_read_as_the_service_reads_it():
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    wb[FUNDING]["C5"] = "£21,838,000.00"
    wb[FUNDING]["D5"] = "£21.838m"
    read = read_workbook(plan, save(wb))
    council = read.data.funding[0]
    assert council["amount_2014_15"] == council["amount_2015_16"] == Decimal("21838000.00")


def test_a_stale_workbook_is_refused_unless_the_editor_replaces_the_changes():
    plan = complete_part2_plan()
    content = workbook_bytes(plan)
    editor = editor_for(plan)
    funding_save(
        plan=plan,
        user=editor,
        revision=0,
        values={("Example Borough Council", "revenue"): {"2014/15": Decimal("400000.00"), "2015/16": Decimal("1")}},
    )
    read = read_workbook(plan, content)
    with pytest.raises(StalePart2) as info:
        part2_replace(plan=plan, user=editor, data=read.data, expected_revisions=read.revisions)
    assert info.value.sections == ["funding sources"]
    response = _upload(plan, editor, content)
    assert response.status_code == 400
    assert "changed in the service after this workbook was downloaded" in response.content.decode()
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2015_16 == Decimal("1.00")
    assert _upload(plan, editor, content, replace="on").status_code == 302
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2015_16 == Decimal(
        "900000.00"
    )


def test_the_upload_page_lists_every_problem_and_keeps_the_plan(client):
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    wb[EXPENDITURE]["H5"] = "tbc"
    wb[EXPENDITURE]["I6"] = -1
    response = _upload(plan, editor_for(plan), save(wb))
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'href="#id_file"' in page
    assert "3. HWB Expenditure Plan, cell H5: “tbc” is not an amount of money" in page
    assert "3. HWB Expenditure Plan, cell I6" in page


def test_only_editors_of_a_draft_can_upload():
    plan = complete_part2_plan()
    signatory = RoleFactory(role=Role.SIGNATORY, hwb=plan.hwb).user
    response = _upload(plan, signatory, workbook_bytes(plan))
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/part-2/"
    assert not ChangeRecord.objects.filter(plan=plan).exists()


def test_import_part2_command(tmp_path):
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    wb[FUNDING]["C5"] = 410000
    wb[FUNDING]["D5"] = 910000
    good = tmp_path / "good.xlsx"
    good.write_bytes(save(wb))
    out = io.StringIO()
    call_command("import_part2", plan.pk, str(good), stdout=out)
    assert "4 change(s)" not in out.getvalue() and "change(s) recorded" in out.getvalue()
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2014_15 == Decimal(
        "410000.00"
    )
    wb[EXPENDITURE]["H5"] = "lots"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(save(wb))
    with pytest.raises(CommandError, match=r"3\. HWB Expenditure Plan, cell H5"):
        call_command("import_part2", plan.pk, str(bad), "--force")
    with pytest.raises(CommandError, match="There is no plan"):
        call_command("import_part2", 999999, str(good))


def test_a_blank_workbook_fills_an_empty_part2(tmp_path):
    document = demo_document("nottinghamshire")
    document["part2"] = {"funding": [], "expenditure": [], "benefits": [], "p4p": None, "metrics": []}
    plan = import_plan(document)
    wb = load(workbook_bytes(plan))
    ws = wb[FUNDING]
    labels = {ws.cell(row=r, column=1).value: r for r in range(5, total_row(ws))}
    ws[f"C{labels['Nottinghamshire County Council']}"] = 16100000
    read = read_workbook(plan, save(wb))
    part2_replace(plan=plan, user=None, data=read.data, expected_revisions=read.revisions)
    assert [(r.organisation, r.amount_2014_15, r.amount_2015_16) for r in FundingRow.objects.filter(plan=plan)] == [
        ("Nottinghamshire County Council", Decimal("16100000.00"), Decimal("0.00"))
    ]
    assert not P4PMetric.objects.filter(plan=plan).exists()


def test_a_number_too_large_to_store_is_refused_naming_the_cell():
    plan = complete_part2_plan()
    wb = load(workbook_bytes(plan))
    n1 = metric_blocks(part2_edition("2014-09"))[0]
    wb[METRICS].cell(row=n1.figure_rows[0], column=4).value = 10**18
    wb[BENEFITS]["E5"] = 10**15
    problems = _refused(plan, save(wb))
    assert f"6. HWB Supporting Metrics, cell D{n1.figure_rows[0]}: 1000000000000000000 is too large" in problems
    assert "4. HWB Benefits Plan, cell E5: 1000000000000000 is too large" in problems


def test_tab1_hides_the_services_internal_markers_but_the_upload_still_reads_them():
    plan = complete_part2_plan()
    content = workbook_bytes(plan)
    ws = load(content)["1. HWB ID"]
    visible = [
        str(cell.value)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and not ws.row_dimensions[cell.row].hidden
    ]
    assert "Health and Wellbeing Board" in visible
    assert not [text for text in visible if "bcf-part2" in text or "part2-" in text]
    hidden = [str(c.value) for r in ws.iter_rows() for c in r if ws.row_dimensions[c.row].hidden and c.value]
    assert "bcf-part2/1" in hidden
    assert read_workbook(plan, content).revisions  # the upload still finds them
