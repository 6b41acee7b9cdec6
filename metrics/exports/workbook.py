"""The Part 2 workbook (DOMAIN.md §8), written with openpyxl.

Inputs sit in yellow, unlocked cells; every computed cell is a live Excel formula over them, written
with its cached value (the application's own figure, from metrics.calculations) so that readers that
do not recalculate still show it, and the workbook asks the spreadsheet to recalculate on open. Text
from the plan is guarded against formula injection. metrics.imports.workbook reads it back.

Long because it lays out every tab of the Part 2 workbook cell by cell with its formulas and styles;
the layout constants are in metrics/workbook_layout.py.
"""

import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation

from metrics import calculations as calc
from metrics import services
from metrics.definitions import (
    CAPITAL_KINDS,
    MINIMUM_REDUCTION_PERCENT,
    P4P_METRIC_NAME,
    TAB_BENEFITS,
    TAB_CHECKLIST,
    TAB_EXPENDITURE,
    TAB_FUNDING,
    TAB_ID,
    TAB_METRICS,
    TAB_P4P,
    YEARS,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
    FundingKind,
    NewOrExisting,
    ProviderType,
    SourceOfFunding,
)
from metrics.workbook_layout import (
    BENEFITS_COLUMNS as BC,
)
from metrics.workbook_layout import (
    BENEFITS_HEADERS,
    CHECKLIST_HEADERS,
    EXPENDITURE_HEADERS,
    FIRST_ROW,
    FORMAT_ID,
    FUNDING_HEADERS,
    HEADER_ROW,
    ID_ROWS,
    METRIC_HEADERS,
    P4P,
    P4P_HEADERS,
    P4P_LABELS,
    SCHEMES_FIRST_ROW,
    SCHEMES_HEADER_ROW,
    SPARE_LINES,
    TITLE,
    TOTAL_LABEL,
    absolute,
    cell,
    metric_blocks,
    quoted,
)
from metrics.workbook_layout import (
    EXPENDITURE_COLUMNS as EC,
)
from metrics.workbook_layout import (
    M_COL as MC,
)

MONEY = '"£"#,##0.00'
COUNT = "#,##0"
RATE = "#,##0.0"
NUMBER = "#,##0.###"
PERCENT = "0.0%"
SHARE = "0%"
YELLOW = "FFFF99"
GREY = "EDEDED"
BLUE = "1D70B8"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def guard(text):
    """Text as a spreadsheet cell: a leading = + - @ tab or CR is escaped with an apostrophe, so a
    spreadsheet never runs it as a formula (metrics.imports.workbook removes it again)."""
    if text is None:
        return None
    text = str(text)
    return "'" + text if text.startswith(DANGEROUS_START) else text


def _thin():
    side = Side(style="thin", color="B1B4B6")
    return Border(left=side, right=side, top=side, bottom=side)


FONT = "Arial"


def _styles():
    border = _thin()
    wrap = Alignment(wrap_text=True, vertical="top")
    plain, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    unlocked = Protection(locked=False)
    yellow = PatternFill("solid", fgColor=YELLOW)
    grey = PatternFill("solid", fgColor=GREY)
    out = {
        "title": NamedStyle("bcf-title", font=Font(name=FONT, bold=True, size=14)),
        "note": NamedStyle("bcf-note", font=Font(name=FONT, size=10, italic=True, color="505A5F")),
        "header": NamedStyle(
            "bcf-header",
            font=Font(name=FONT, size=10, bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor=BLUE),
            alignment=Alignment(wrap_text=True, vertical="center"),
            border=border,
        ),
        "label": NamedStyle("bcf-label", font=plain, border=border, alignment=Alignment(vertical="top")),
        "label-bold": NamedStyle("bcf-label-bold", font=bold, border=border, alignment=Alignment(vertical="top")),
        "label-wrap": NamedStyle("bcf-label-wrap", font=plain, border=border, alignment=wrap),
        "title-wrap": NamedStyle("bcf-title-wrap", font=bold, border=border, alignment=wrap),
        "na": NamedStyle("bcf-na", font=plain, fill=PatternFill("solid", fgColor="F3F2F1"), border=border),
    }
    for name, number_format in (
        ("text", "General"),
        ("money", MONEY),
        ("count", COUNT),
        ("number", NUMBER),
        ("percent", PERCENT),
        ("share", SHARE),
    ):
        out[f"in-{name}"] = NamedStyle(
            f"bcf-in-{name}",
            font=plain,
            fill=yellow,
            border=border,
            protection=unlocked,
            number_format=number_format,
            alignment=wrap if name == "text" else Alignment(vertical="top"),
        )
    for name, number_format in (
        ("text", "General"),
        ("money", MONEY),
        ("count", COUNT),
        ("rate", RATE),
        ("number", NUMBER),
        ("percent", PERCENT),
    ):
        out[f"calc-{name}"] = NamedStyle(
            f"bcf-calc-{name}",
            font=plain,
            fill=grey,
            border=border,
            number_format=number_format,
            alignment=Alignment(vertical="top"),
        )
        out[f"total-{name}"] = NamedStyle(
            f"bcf-total-{name}", fill=grey, border=border, number_format=number_format, font=bold
        )
    return out


def _list_validation(values, *, strict=True):
    items = ",".join(values)
    dv = DataValidation(type="list", formula1=f'"{items}"', allow_blank=True, showErrorMessage=strict)
    dv.errorTitle = "Choose from the list"
    dv.error = "Choose one of: " + ", ".join(values)
    return dv


# Rows of tab 1 that only the upload reads.
INTERNAL_ID_ROWS = ("format", "revisions")


class _Writer:
    def __init__(self, plan, part2, issues):
        self.plan, self.part2, self.issues = plan, part2, issues
        self.definition = part2.definition
        self.wb = Workbook()
        self.styles = _styles()
        for style in self.styles.values():
            self.wb.add_named_style(style)
        self.cached = {}  # (sheet title, coordinate) -> value shown before the spreadsheet recalculates
        self.refs = {}  # cells other tabs refer to

    # -- cells ---------------------------------------------------------------------------------------

    def put(self, ws, column, row, value, style="label"):
        target = ws.cell(row=row, column=column)
        if isinstance(value, str):
            value = guard(value)
        elif isinstance(value, Decimal):
            value = float(value) if value != value.to_integral_value() else int(value)
        target.value = value
        if isinstance(value, str):
            target.data_type = "s"
        target.style = self.styles[style].name
        return target

    def formula(self, ws, column, row, formula, cached, style):
        target = ws.cell(row=row, column=column)
        target.value = "=" + formula
        target.style = self.styles[style].name
        self.cached[(ws.title, target.coordinate)] = cached
        return target

    def sheet(self, role, title_text, note, widths, *, first=False):
        title = self.definition.tabs[role]
        ws = self.wb.active if first else self.wb.create_sheet()
        ws.title = title
        self.put(ws, 1, 1, title_text, "title")
        self.put(ws, 1, 2, note, "note")
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.oddFooter.center.text = f"{self.plan.hwb.name} – {title} – page &P of &N"
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        return ws

    def headers(self, ws, row, headers):
        for column, text in enumerate(headers, start=1):
            self.put(ws, column, row, text, "header")
        ws.row_dimensions[row].height = 30
        ws.freeze_panes = cell(1, row + 1)
        ws.print_title_rows = f"{row}:{row}"

    # -- tabs ----------------------------------------------------------------------------------------

    def id_tab(self):
        plan = self.plan
        ws = self.sheet(
            TAB_ID,
            TITLE,
            "Yellow cells are for your figures; grey cells are worked out. Upload the workbook to the service "
            "to update the plan: only the yellow cells are read.",
            (34, 60, 60),
            first=True,
        )
        revisions = services.revisions(plan)
        values = {
            "hwb": plan.hwb.name,
            "la": plan.hwb.local_authority.name,
            "ccgs": "; ".join(c.name for c in plan.ordered_ccgs()),
            "edition": f"{plan.edition} – {plan.get_edition_display()}",
            "round": plan.get_round_display(),
            "version": plan.version,
            "status": plan.get_status_display(),
            "format": FORMAT_ID,
            "revisions": " ".join(f"{section}={number}" for section, number in revisions.items()),
            "downloaded": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        }
        for key, (row, label) in ID_ROWS.items():
            self.put(ws, 1, row, label, "label-bold")
            self.put(ws, 2, row, values[key])
        # The service's own markers ("bcf-part2/1", "part2-funding=3 …") are read back on upload to check
        # the workbook and spot a stale one; people do not need them, so their rows are hidden.
        for key in INTERNAL_ID_ROWS:
            ws.row_dimensions[ID_ROWS[key][0]].hidden = True
        self.put(ws, 1, SCHEMES_HEADER_ROW - 1, "Schemes of the plan (from Part 1)", "label-bold")
        for column, text in enumerate(("Scheme ref", "Theme", "Scheme name"), start=1):
            self.put(ws, column, SCHEMES_HEADER_ROW, text, "header")
        schemes = list(plan.schemes.all())
        for offset, scheme in enumerate(schemes):
            row = SCHEMES_FIRST_ROW + offset
            self.put(ws, 1, row, scheme.ref)
            self.put(ws, 2, row, scheme.theme)
            self.put(ws, 3, row, scheme.name)
        last = SCHEMES_FIRST_ROW + max(len(schemes), 1) - 1
        sheet = quoted(ws.title)
        self.wb.defined_names["SchemeRefs"] = DefinedName(
            "SchemeRefs", attr_text=f"{sheet}!{absolute(1, SCHEMES_FIRST_ROW)}:{absolute(1, last)}"
        )
        self.wb.defined_names["SchemeTable"] = DefinedName(
            "SchemeTable", attr_text=f"{sheet}!{absolute(1, SCHEMES_FIRST_ROW)}:{absolute(3, last)}"
        )
        self.has_schemes = bool(schemes)
        self.scheme_names = {s.ref.lower(): s.name for s in schemes}

    def funding_tab(self):
        part2 = self.part2
        ws = self.sheet(
            TAB_FUNDING,
            "2. HWB Funding Sources",
            "The contribution of each organisation to the pooled budget, per year. Capital grants are paid to "
            "the local authority.",
            (62, 28, 18, 18),
        )
        self.headers(ws, HEADER_ROW, FUNDING_HEADERS)
        organisations = part2.organisations
        lines = [(organisations[0], FundingKind.REVENUE), *[(organisations[0], k) for k in CAPITAL_KINDS]]
        lines += [(ccg, FundingKind.REVENUE) for ccg in organisations[1:]]
        saved = {(row.organisation, row.kind): row for row in part2.funding}
        for offset, (organisation, kind) in enumerate(lines):
            row = FIRST_ROW + offset
            self.put(ws, 1, row, organisation)
            self.put(ws, 2, row, FundingKind(kind).label)
            line = saved.get((organisation, kind))
            for year, column in (("2014/15", 3), ("2015/16", 4)):
                value = getattr(line, f"amount_{year.replace('/', '_')}") if line else None
                self.put(ws, column, row, value, "in-money")
        last = FIRST_ROW + len(lines) - 1
        total = last + 1
        self.put(ws, 1, total, TOTAL_LABEL, "label-bold")
        self.put(ws, 2, total, "", "label-bold")
        totals = calc.totals_per_year([saved[k] for k in lines if k in saved])
        for year, column in (("2014/15", 3), ("2015/16", 4)):
            letter = get_column_letter(column)
            self.formula(ws, column, total, f"SUM({letter}{FIRST_ROW}:{letter}{last})", totals[year], "total-money")
        agreed, minimum = total + 2, total + 4
        rows = (
            (agreed, "Total agreed value of the pooled budget (Part 1 summary)", part2.agreed),
            (minimum, "Minimum required value of the pooled budget", part2.minimum),
        )
        for row, label, values in rows:
            self.put(ws, 1, row, label, "label-bold")
            self.put(ws, 2, row, "")
            for year, column in (("2014/15", 3), ("2015/16", 4)):
                self.put(ws, column, row, values[year], "calc-money")
        self.put(ws, 1, agreed + 1, "Difference (total − agreed)", "label-bold")
        self.put(ws, 1, minimum + 1, "At least the minimum?", "label-bold")
        for year, column in (("2014/15", 3), ("2015/16", 4)):
            t, a, m = cell(column, total), cell(column, agreed), cell(column, minimum)
            self.formula(
                ws,
                column,
                agreed + 1,
                f'IF(ISNUMBER({a}),{t}-{a},"")',
                calc.difference(totals[year], part2.agreed[year]) if part2.agreed[year] is not None else "",
                "calc-money",
            )
            if part2.minimum[year] is None:
                at_least = ""
            else:
                at_least = "Yes" if totals[year] >= part2.minimum[year] else "No: below the minimum"
            self.formula(
                ws,
                column,
                minimum + 1,
                f'IF(ISNUMBER({m}),IF({t}>={m},"Yes","No: below the minimum"),"")',
                at_least,
                "calc-text",
            )
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error, dv.errorTitle = "Enter an amount in pounds, 0 or more", "Amount"
        dv.add(f"C{FIRST_ROW}:D{last}")
        ws.add_data_validation(dv)
        self.refs["funding_total"] = {
            "2014/15": f"{quoted(ws.title)}!{absolute(3, total)}",
            "2015/16": f"{quoted(ws.title)}!{absolute(4, total)}",
        }
        self.refs["agreed"] = {
            y: f"{quoted(ws.title)}!{absolute(c, agreed)}" for y, c in (("2014/15", 3), ("2015/16", 4))
        }
        self.refs["minimum"] = {
            y: f"{quoted(ws.title)}!{absolute(c, minimum)}" for y, c in (("2014/15", 3), ("2015/16", 4))
        }
        self.funding_totals = totals

    def _scheme_name_formula(self, ws, row, ref):
        a = cell(1, row)
        cached = "" if not ref else self.scheme_names.get(ref.lower(), "Not a scheme of the plan")
        self.formula(
            ws,
            2,
            row,
            f'IF({a}="","",IFERROR(VLOOKUP({a},SchemeTable,3,FALSE),"Not a scheme of the plan"))',
            cached,
            "calc-text",
        )

    def expenditure_tab(self):
        part2 = self.part2
        ws = self.sheet(
            TAB_EXPENDITURE,
            "3. HWB Expenditure Plan",
            "One or more lines per scheme. Empty lines are ignored; use the spare lines at the bottom to add more.",
            (12, 36, 18, 16, 12, 22, 28, 18, 18, 14),
        )
        self.headers(ws, HEADER_ROW, EXPENDITURE_HEADERS)
        rows = part2.expenditure
        last = FIRST_ROW + len(rows) + SPARE_LINES - 1
        for offset in range(len(rows) + SPARE_LINES):
            row = FIRST_ROW + offset
            line = rows[offset] if offset < len(rows) else None
            self.put(ws, EC["scheme_ref"], row, line.scheme_ref if line else None, "in-text")
            self._scheme_name_formula(ws, row, line.scheme_ref if line else "")
            self.put(ws, EC["area_of_spend"], row, line.area_of_spend if line else None, "in-text")
            self.put(ws, EC["commissioner"], row, line.commissioner if line else None, "in-text")
            share = line.nhs_share_percent / 100 if line and line.nhs_share_percent is not None else None
            self.put(ws, EC["nhs_share_percent"], row, share, "in-share")
            self.put(ws, EC["provider"], row, line.provider if line else None, "in-text")
            self.put(ws, EC["source_of_funding"], row, line.source_of_funding if line else None, "in-text")
            self.put(ws, EC["2014/15"], row, line.amount_2014_15 if line else None, "in-money")
            self.put(ws, EC["2015/16"], row, line.amount_2015_16 if line else None, "in-money")
            self.put(ws, EC["new_or_existing"], row, line.get_new_or_existing_display() if line else None, "in-text")
        total = last + 1
        self.put(ws, 1, total, TOTAL_LABEL, "label-bold")
        for column in range(2, 8):
            self.put(ws, column, total, "", "label-bold")
        self.put(ws, 10, total, "", "label-bold")
        totals = part2.expenditure_totals
        for year in YEARS:
            letter = get_column_letter(EC[year])
            self.formula(ws, EC[year], total, f"SUM({letter}{FIRST_ROW}:{letter}{last})", totals[year], "total-money")
        funded, difference = total + 2, total + 3
        self.put(ws, 1, funded, "Funding total (tab 2)", "label-bold")
        self.put(ws, 1, difference, "Difference (expenditure − funding)", "label-bold")
        for year in YEARS:
            column = EC[year]
            self.formula(ws, column, funded, self.refs["funding_total"][year], self.funding_totals[year], "calc-money")
            self.formula(
                ws,
                column,
                difference,
                f"{cell(column, total)}-{cell(column, funded)}",
                calc.difference(totals[year], self.funding_totals[year]),
                "calc-money",
            )
        areas_header = difference + 2
        self.put(ws, 1, areas_header, "Expenditure by area of spend", "label-bold")
        self.put(ws, EC["area_of_spend"], areas_header, "Area of spend", "header")
        self.put(ws, EC["2014/15"], areas_header, "2014/15 (£)", "header")
        self.put(ws, EC["2015/16"], areas_header, "2015/16 (£)", "header")
        by_area = dict(part2.expenditure_by_area)
        for offset, area in enumerate(AreaOfSpend.values):
            row = areas_header + 1 + offset
            self.put(ws, EC["area_of_spend"], row, area)
            for year in YEARS:
                column = EC[year]
                letter = get_column_letter(column)
                self.formula(
                    ws,
                    column,
                    row,
                    f"SUMIF($C${FIRST_ROW}:$C${last},{cell(EC['area_of_spend'], row)},"
                    f"{letter}${FIRST_ROW}:{letter}${last})",
                    by_area.get(area, {}).get(year, calc.money_sum([])),
                    "calc-money",
                )
        validations = [
            (_list_validation(AreaOfSpend.values), EC["area_of_spend"]),
            (_list_validation(Commissioner.values), EC["commissioner"]),
            (_list_validation(ProviderType.values), EC["provider"]),
            (_list_validation(SourceOfFunding.values), EC["source_of_funding"]),
            (_list_validation(NewOrExisting.labels), EC["new_or_existing"]),
        ]
        if self.has_schemes:
            refs = DataValidation(type="list", formula1="SchemeRefs", allow_blank=True)
            refs.error, refs.errorTitle = "Choose one of the plan's schemes (tab 1)", "Scheme ref"
            validations.append((refs, EC["scheme_ref"]))
        money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        money.error, money.errorTitle = "Enter an amount in pounds, 0 or more", "Amount"
        validations.append((money, EC["2014/15"], EC["2015/16"]))
        share = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
        share.error, share.errorTitle = "Enter a percentage from 0% to 100%", "NHS share"
        validations.append((share, EC["nhs_share_percent"]))
        for dv, first_column, *more in validations:
            last_column = more[0] if more else first_column
            dv.add(f"{get_column_letter(first_column)}{FIRST_ROW}:{get_column_letter(last_column)}{last}")
            ws.add_data_validation(dv)
        self.refs["expenditure_total"] = {y: f"{quoted(ws.title)}!{absolute(EC[y], total)}" for y in YEARS}

    def benefits_tab(self):
        part2 = self.part2
        ws = self.sheet(
            TAB_BENEFITS,
            "4. HWB Benefits Plan",
            "The quantified benefits of each scheme: the planned change in each quarter of 2015/16 and the value "
            "of one unit. For another measure, type its name in the measure column.",
            (12, 36, 40, 16, 11, 11, 11, 11, 14, 16, 18),
        )
        self.headers(ws, HEADER_ROW, BENEFITS_HEADERS)
        benefits = part2.benefits
        last = FIRST_ROW + len(benefits) + SPARE_LINES - 1
        for offset in range(len(benefits) + SPARE_LINES):
            row = FIRST_ROW + offset
            benefit = benefits[offset] if offset < len(benefits) else None
            line = benefit.row if benefit else None
            self.put(ws, BC["scheme_ref"], row, line.scheme_ref if line else None, "in-text")
            self._scheme_name_formula(ws, row, line.scheme_ref if line else "")
            self.put(ws, BC["measure"], row, line.measure_name if line else None, "in-text")
            self.put(ws, BC["unit"], row, line.unit if line else None, "in-text")
            for name in ("q1", "q2", "q3", "q4"):
                self.put(ws, BC[name], row, getattr(line, name) if line else None, "in-number")
            e, h, i, j = (
                cell(BC["q1"], row),
                cell(BC["q4"], row),
                cell(BC["change"], row),
                cell(BC["value_per_unit"], row),
            )
            self.formula(
                ws,
                BC["change"],
                row,
                f'IF(COUNT({e}:{h})=0,"",SUM({e}:{h}))',
                benefit.change if benefit else "",
                "calc-number",
            )
            self.put(ws, BC["value_per_unit"], row, line.value_per_unit if line else None, "in-money")
            total = benefit.total if benefit and benefit.total is not None else ""
            self.formula(
                ws, BC["total"], row, f'IF(OR({i}="",NOT(ISNUMBER({j}))),"",ROUND({i}*{j},2))', total, "calc-money"
            )
        total_row = last + 1
        self.put(ws, 1, total_row, TOTAL_LABEL, "label-bold")
        for column in range(2, BC["total"]):
            self.put(ws, column, total_row, "", "label-bold")
        letter = get_column_letter(BC["total"])
        self.formula(
            ws, BC["total"], total_row, f"SUM({letter}{FIRST_ROW}:{letter}{last})", part2.benefits_total, "total-money"
        )
        measures = _list_validation([m for m in BenefitMeasure.values if m != BenefitMeasure.OTHER], strict=False)
        measures.add(f"C{FIRST_ROW}:C{last}")
        ws.add_data_validation(measures)
        numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        numbers.error, numbers.errorTitle = "Enter a number, 0 or more", "Number"
        numbers.add(f"E{FIRST_ROW}:H{last}")
        numbers.add(f"J{FIRST_ROW}:J{last}")
        ws.add_data_validation(numbers)
        if self.has_schemes:
            refs = DataValidation(type="list", formula1="SchemeRefs", allow_blank=True)
            refs.add(f"A{FIRST_ROW}:A{last}")
            ws.add_data_validation(refs)

    def p4p_tab(self):
        part2 = self.part2
        ws = self.sheet(
            TAB_P4P,
            "5. HWB P4P metric",
            P4P_METRIC_NAME,
            (44, 16, 18, 16, 16, 18, 16, 18),
        )
        row_data = part2.p4p_row
        reference = part2.reference
        figures = part2.p4p
        self.put(ws, 1, 3, "Yellow cells are for your figures; the expected minimum reduction is 3.5%.", "note")
        self.put(ws, 1, P4P.population, P4P_LABELS[P4P.population], "label-bold")
        self.put(ws, 3, P4P.population, row_data.population if row_data else None, "in-count")
        for column, text in enumerate(P4P_HEADERS, start=1):
            self.put(ws, column, P4P.header, text, "header")
        ws.row_dimensions[P4P.header].height = 30
        pop = absolute(3, P4P.population)
        for index in range(4):
            row = P4P.first_quarter + index
            quarter = figures.quarters[index] if figures else None
            self.put(ws, 1, row, f"Quarter {index + 1}", "label-bold")
            self.put(ws, 2, row, reference.baseline_quarters[index])
            self.put(ws, 3, row, quarter.baseline if quarter else None, "in-count")
            self.formula(
                ws,
                4,
                row,
                f'IF(AND(ISNUMBER(C{row}),{pop}>0),ROUND(C{row}/{pop}*100000,1),"")',
                _blank(quarter and quarter.baseline_rate),
                "calc-rate",
            )
            self.put(ws, 5, row, reference.plan_quarters[index])
            self.put(ws, 6, row, quarter.plan if quarter else None, "in-count")
            self.formula(
                ws,
                7,
                row,
                f'IF(AND(ISNUMBER(F{row}),{pop}>0),ROUND(F{row}/{pop}*100000,1),"")',
                _blank(quarter and quarter.plan_rate),
                "calc-rate",
            )
            self.formula(
                ws,
                8,
                row,
                f'IF(AND(ISNUMBER(C{row}),ISNUMBER(F{row})),F{row}-C{row},"")',
                _blank(quarter and quarter.change),
                "calc-count",
            )
        first, last, total = P4P.first_quarter, P4P.first_quarter + 3, P4P.total
        self.put(ws, 1, total, TOTAL_LABEL, "label-bold")
        self.put(ws, 2, total, "", "label-bold")
        self.put(ws, 5, total, "", "label-bold")
        baseline_total = sum(q.baseline for q in figures.quarters if q.baseline is not None) if figures else 0
        plan_total = sum(q.plan for q in figures.quarters if q.plan is not None) if figures else 0
        self.formula(ws, 3, total, f"SUM(C{first}:C{last})", baseline_total, "total-count")
        self.formula(ws, 6, total, f"SUM(F{first}:F{last})", plan_total, "total-count")
        self.formula(
            ws,
            4,
            total,
            f'IF({pop}>0,ROUND(C{total}/{pop}*100000,1),"")',
            _blank(calc.rate_per_100k(baseline_total, figures and figures.population)),
            "total-rate",
        )
        self.formula(
            ws,
            7,
            total,
            f'IF({pop}>0,ROUND(F{total}/{pop}*100000,1),"")',
            _blank(calc.rate_per_100k(plan_total, figures and figures.population)),
            "total-rate",
        )
        self.formula(ws, 8, total, f"F{total}-C{total}", plan_total - baseline_total, "total-count")
        for row in (
            P4P.avoided,
            P4P.percent,
            P4P.minimum_percent,
            P4P.minimum_avoided,
            P4P.element,
            P4P.unit_saving,
            P4P.value,
            P4P.remainder,
        ):
            self.put(ws, 1, row, P4P_LABELS[row], "label-bold")
            self.put(ws, 2, row, "", "label-bold")
        complete = f"COUNT(C{first}:C{last})+COUNT(F{first}:F{last})=8"
        avoided = figures.avoided if figures else None
        self.formula(ws, 3, P4P.avoided, f'IF({complete},C{total}-F{total},"")', _blank(avoided), "calc-count")
        percent = (
            (Decimal(avoided) / Decimal(figures.baseline_total))
            if avoided is not None and figures.baseline_total
            else None
        )
        self.formula(
            ws,
            3,
            P4P.percent,
            f'IF(AND(ISNUMBER(C{P4P.avoided}),C{total}>0),C{P4P.avoided}/C{total},"")',
            _blank(percent),
            "calc-percent",
        )
        self.put(ws, 3, P4P.minimum_percent, MINIMUM_REDUCTION_PERCENT / 100, "calc-percent")
        self.formula(
            ws,
            3,
            P4P.minimum_avoided,
            f'IF(C{total}>0,ROUND(C{total}*C{P4P.minimum_percent},0),"")',
            _blank(
                calc.admissions_for_reduction(baseline_total, MINIMUM_REDUCTION_PERCENT) if baseline_total else None
            ),
            "calc-count",
        )
        element = row_data.performance_element if row_data else reference.performance_element
        unit_saving = row_data.unit_saving if row_data else reference.unit_saving
        self.put(ws, 3, P4P.element, element, "in-money")
        self.put(ws, 3, P4P.unit_saving, unit_saving, "in-money")
        value = calc.p4p_value(avoided, unit_saving)
        self.formula(
            ws,
            3,
            P4P.value,
            f'IF(AND(ISNUMBER(C{P4P.avoided}),ISNUMBER(C{P4P.unit_saving})),MAX(0,C{P4P.avoided})*C{P4P.unit_saving},"")',
            _blank(value),
            "calc-money",
        )
        self.formula(
            ws,
            3,
            P4P.remainder,
            f'IF(AND(ISNUMBER(C{P4P.value}),ISNUMBER(C{P4P.element})),MAX(0,C{P4P.element}-C{P4P.value}),"")',
            _blank(calc.p4p_remainder(element, value)),
            "calc-money",
        )
        self.put(ws, 1, P4P.justification, P4P_LABELS[P4P.justification], "label-bold")
        ws.merge_cells(start_row=P4P.justification, start_column=3, end_row=P4P.justification, end_column=8)
        self.put(ws, 3, P4P.justification, row_data.justification if row_data else None, "in-text")
        ws.row_dimensions[P4P.justification].height = 90
        counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        counts.error, counts.errorTitle = "Enter a whole number, 0 or more", "Number"
        counts.add(f"C{P4P.population}")
        counts.add(f"C{first}:C{last}")
        counts.add(f"F{first}:F{last}")
        ws.add_data_validation(counts)
        money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        money.add(f"C{P4P.element}:C{P4P.unit_saving}")
        ws.add_data_validation(money)
        ws.freeze_panes = None
        ws.print_title_rows = f"{P4P.header}:{P4P.header}"
        sheet = quoted(ws.title)
        self.refs["p4p"] = {
            "avoided": f"{sheet}!{absolute(3, P4P.avoided)}",
            "minimum": f"{sheet}!{absolute(3, P4P.minimum_avoided)}",
            "justification": f"{sheet}!{absolute(3, P4P.justification)}",
        }

    def metrics_tab(self):
        part2, definition = self.part2, self.definition
        title = definition.tabs[TAB_METRICS]
        ws = self.sheet(
            TAB_METRICS,
            title,
            "Each metric's baseline and targets. Where a metric is a rate, give the numerator and denominator and "
            "the value is worked out; otherwise type the value.",
            (22, 34, 14, 20, 20, 20, 14, 14, 18),
        )
        views = {m.code: m for m in part2.metrics}
        numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        numbers.error, numbers.errorTitle = "Enter a number, 0 or more", "Number"
        for block in metric_blocks(definition):
            metric_def, view = block.definition, views[block.definition.code]
            saved = view.metric
            self.put(ws, 1, block.title_row, metric_def.code, "label-bold")
            ws.merge_cells(start_row=block.title_row, start_column=2, end_row=block.title_row, end_column=9)
            self.put(ws, 2, block.title_row, metric_def.name, "title-wrap")
            ws.row_dimensions[block.title_row].height = 30
            for row, label, name in (
                (block.name_row, "Name of the measure", "name"),
                (block.definition_row, "Definition", "definition"),
                (block.source_row, "Source", "source"),
            ):
                if row is None:
                    continue
                self.put(ws, 1, row, label, "label-bold")
                self.put(ws, 2, row, "", "label-bold")
                ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=9)
                self.put(ws, 3, row, getattr(saved, name) if saved else None, "in-text")
            headers = list(METRIC_HEADERS)
            if metric_def.has_ratio:
                headers[MC["numerator"] - 1] = f"Numerator: {metric_def.numerator_label}"
                headers[MC["denominator"] - 1] = f"Denominator: {metric_def.denominator_label}"
                headers[MC["value"] - 1] = "Value " + ("(%)" if metric_def.kind == "percent" else "(per 100,000)")
            for column, text in enumerate(headers, start=1):
                self.put(ws, column, block.header_row, text, "header")
            ws.row_dimensions[block.header_row].height = 56
            base_row = block.figure_rows[0]
            for figure, row in zip(view.figures, block.figure_rows, strict=True):
                self.put(ws, 1, row, "", "label")
                self.put(ws, MC["figure"], row, "Baseline" if figure.is_baseline else figure.label, "label-bold")
                if figure.is_baseline:
                    self.put(ws, MC["period"], row, figure.label or None, "in-text")
                else:
                    self.put(ws, MC["period"], row, "", "na")
                d, e, f = cell(MC["numerator"], row), cell(MC["denominator"], row), cell(MC["stated"], row)
                if metric_def.has_ratio:
                    self.put(ws, MC["numerator"], row, figure.numerator, "in-number")
                    self.put(ws, MC["denominator"], row, figure.denominator, "in-number")
                    numbers.add(f"{d}:{e}")
                    scale = "100000" if metric_def.kind == "rate" else "100"
                    value_formula = (
                        f'IF(AND(ISNUMBER({d}),ISNUMBER({e}),{e}<>0),ROUND({d}/{e}*{scale},1),IF(ISNUMBER({f}),{f},""))'
                    )
                else:
                    self.put(ws, MC["numerator"], row, "", "na")
                    self.put(ws, MC["denominator"], row, "", "na")
                    value_formula = f'IF(ISNUMBER({f}),{f},"")'
                self.put(ws, MC["stated"], row, figure.stated_value, "in-number")
                self.formula(ws, MC["value"], row, value_formula, _blank(figure.value), "calc-number")
                if figure.is_baseline:
                    self.put(ws, MC["percent"], row, "", "na")
                    self.put(ws, MC["expected"], row, "", "na")
                    continue
                percent = figure.percent_change / 100 if figure.percent_change is not None else None
                self.put(ws, MC["percent"], row, percent, "in-percent")
                g0, h = cell(MC["value"], base_row), cell(MC["percent"], row)
                self.formula(
                    ws,
                    MC["expected"],
                    row,
                    f'IF(AND(ISNUMBER({g0}),ISNUMBER({h})),ROUND({g0}*(1+{h}),1),"")',
                    _blank(figure.expected),
                    "calc-number",
                )
            self.put(ws, 1, block.comment_row, "Comment", "label-bold")
            self.put(ws, 2, block.comment_row, "", "label-bold")
            ws.merge_cells(start_row=block.comment_row, start_column=3, end_row=block.comment_row, end_column=9)
            self.put(ws, 3, block.comment_row, view.comment or None, "in-text")
            ws.row_dimensions[block.comment_row].height = 30
        ws.add_data_validation(numbers)
        ws.print_title_rows = "1:2"

    def checklist_tab(self):
        part2, definition = self.part2, self.definition
        ws = self.sheet(
            TAB_CHECKLIST,
            "Checklist",
            "“Live” checks are worked out again by the spreadsheet as you change the figures; the list under them "
            "is the service's check of the whole plan when the workbook was downloaded.",
            (80, 10, 40, 16),
        )
        self.headers(ws, HEADER_ROW, CHECKLIST_HEADERS)
        row = FIRST_ROW
        totals, funding = part2.expenditure_totals, self.funding_totals
        for year in YEARS:
            agreed, minimum = part2.agreed[year], part2.minimum[year]
            t, a, m = self.refs["funding_total"][year], self.refs["agreed"][year], self.refs["minimum"][year]
            e = self.refs["expenditure_total"][year]
            checks = (
                (
                    f"The funding for {year} equals the total agreed value of the pooled budget",
                    f'IF(NOT(ISNUMBER({a})),"Not checked: no total agreed",IF(ROUND({t}-{a},2)=0,"Pass","Fail"))',
                    "Not checked: no total agreed"
                    if agreed is None
                    else ("Pass" if funding[year] == agreed else "Fail"),
                ),
                (
                    f"The funding for {year} is at least the minimum required value of the pooled budget",
                    f'IF(NOT(ISNUMBER({m})),"Not checked: no minimum",IF({t}>={m},"Pass","Fail"))',
                    "Not checked: no minimum" if minimum is None else ("Pass" if funding[year] >= minimum else "Fail"),
                ),
                (
                    f"The expenditure for {year} equals the funding",
                    f'IF(ROUND({e}-{t},2)=0,"Pass","Fail")',
                    "Pass" if totals[year] == funding[year] else "Fail",
                ),
            )
            for text, formula, cached in checks:
                self.put(ws, 1, row, text, "label-wrap")
                self.put(ws, 2, row, "Error")
                self.formula(ws, 3, row, formula, cached, "calc-text")
                self.put(ws, 4, row, "Live")
                row += 1
        if definition.has_p4p:
            p4p = part2.p4p
            refs = self.refs["p4p"]
            if p4p is None or p4p.avoided is None:
                cached = "Not checked: enter the eight quarters"
            elif p4p.meets_minimum:
                cached = "Pass"
            elif p4p.justification.strip():
                cached = "Below 3.5%, justified (warning)"
            else:
                cached = "Fail: below 3.5% with no justification"
            self.put(ws, 1, row, "The planned reduction in non-elective admissions is at least 3.5%, or is justified")
            self.put(ws, 2, row, "Error")
            self.formula(
                ws,
                3,
                row,
                f'IF(NOT(ISNUMBER({refs["avoided"]})),"Not checked: enter the eight quarters",'
                f'IF({refs["avoided"]}>={refs["minimum"]},"Pass",'
                f'IF(LEN(TRIM({refs["justification"]}))>0,"Below 3.5%, justified (warning)",'
                f'"Fail: below 3.5% with no justification")))',
                cached,
                "calc-text",
            )
            self.put(ws, 4, row, "Live")
            row += 1
        row += 1
        errors = [i for i in self.issues if i.is_error]
        warnings = [i for i in self.issues if not i.is_error]
        self.put(
            ws,
            1,
            row,
            f"The whole plan when the workbook was downloaded: {len(errors)} error{'s' if len(errors) != 1 else ''} "
            f"and {len(warnings)} warning{'s' if len(warnings) != 1 else ''}",
            "label-bold",
        )
        row += 1
        if not self.issues:
            self.put(ws, 1, row, "No errors or warnings")
            self.put(ws, 2, row, "")
            self.put(ws, 3, row, "Pass")
            self.put(ws, 4, row, "At download")
        for issue in [*errors, *warnings]:
            self.put(ws, 1, row, issue.message, "label-wrap")
            _fit(ws, row, issue.message, 100)
            self.put(ws, 2, row, "Error" if issue.is_error else "Warning")
            self.put(ws, 3, row, "Fail" if issue.is_error else "Warning")
            self.put(ws, 4, row, "At download")
            row += 1

    # -- the file ------------------------------------------------------------------------------------

    def write(self):
        self.id_tab()
        self.funding_tab()
        self.expenditure_tab()
        self.benefits_tab()
        if self.definition.has_p4p:
            self.p4p_tab()
        self.metrics_tab()
        self.checklist_tab()
        self.wb.calculation = CalcProperties(fullCalcOnLoad=True)
        self.wb.properties.title = f"{TITLE}: {self.plan.hwb.name}"
        self.wb.properties.creator = "Better Care Fund plans"
        self.wb.properties.keywords = FORMAT_ID
        buffer = io.BytesIO()
        self.wb.save(buffer)
        titles = [ws.title for ws in self.wb.worksheets]
        return with_cached_values(buffer.getvalue(), titles, self.cached)


def _fit(ws, row, text, characters):
    """A row tall enough for `text` wrapped at about `characters` a line (spreadsheets do not grow rows
    for wrapped text they did not lay out themselves)."""
    lines = max(1, -(-len(text) // characters))
    ws.row_dimensions[row].height = max(15, 13 * lines + 2)


def _blank(value):
    return "" if value is None else value


# openpyxl writes an empty value as <v/> with the standard library's XML writer and as <v></v> with lxml.
_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-zA-Z:]+="[^"]*")*)><f>(.*?)</f><v\s*(?:/>|></v>)</c>', re.S)


def with_cached_values(xlsx, titles, cached):
    """Write each formula cell's value next to its formula (openpyxl writes formulas without one), so
    a reader that does not recalculate still shows the right figure."""
    by_sheet = {}
    for (title, coordinate), value in cached.items():
        by_sheet.setdefault(titles.index(title) + 1, {})[coordinate] = value
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if match and int(match.group(1)) in by_sheet:
                values = by_sheet[int(match.group(1))]
                data = _FORMULA_CELL.sub(
                    lambda m, values=values: _cell_with_value(m, values), data.decode("utf-8")
                ).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def _cell_with_value(match, values):
    coordinate, attributes, formula = match.groups()
    if coordinate not in values:
        return match.group(0)
    value = values[coordinate]
    if isinstance(value, bool):
        return f'<c r="{coordinate}"{attributes} t="b"><f>{formula}</f><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{coordinate}"{attributes} t="str"><f>{formula}</f><v>{escape(value)}</v></c>'
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    else:
        text = repr(float(value)) if isinstance(value, float) else str(value)
    return f'<c r="{coordinate}"{attributes}><f>{formula}</f><v>{text}</v></c>'


def workbook_for_view(plan, part2, issues):
    return _Writer(plan, part2, issues).write()
