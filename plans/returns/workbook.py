"""A quarterly return's workbook (DOMAIN.md §10), written with openpyxl like the plan's Part 2: one tab
per section, inputs in yellow unlocked cells, every computed cell a live formula over them (variances,
totals, the P4P schedule quarter by quarter) written with its cached value from
plans.returns.calculations, so a reader that does not recalculate shows the same figures and one that
does (Excel, LibreOffice) works out the same payments to the penny. Text is guarded against formula
injection (metrics.exports.workbook.guard)."""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties

from metrics.exports.workbook import BLUE, COUNT, GREY, MONEY, YELLOW, guard, with_cached_values
from plans.models import ConditionStatus
from plans.returns.checks import SECTIONS
from plans.returns.document import FORMAT
from plans.returns.selectors import return_view

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = {slug: f"{n}. {title}"[:31] for n, (slug, title) in enumerate(SECTIONS, start=1)}
TABS["admissions"] = "5. Admissions (P4P)"
FONT = "Arial"
PERCENT_ONE_PLACE = "0.0"

# The P4P tab: the plan's figures, then one row per quarter (columns below), then the total.
P4P_UNIT = "C4"
P4P_ELEMENT = "C5"
P4P_CAP = "C6"
P4P_HEADER_ROW = 8
P4P_FIRST_ROW = 9
P4P_COLUMNS = (
    ("Quarter", "label"),
    ("Baseline", "baseline"),
    ("Plan", "planned"),
    ("Actual", "actual"),
    ("Planned reduction", "planned_reduction"),
    ("Achieved reduction", "achieved_reduction"),
    ("Planned reduction to date", "planned_to_date"),
    ("Achieved reduction to date", "achieved_to_date"),
    ("Planned value to date (£)", "planned_value"),
    ("Earned to date (£)", "earned"),
    ("Payment released (£)", "payment"),
    ("Paid to date (£)", "paid_to_date"),
    ("Not released (£)", "not_released"),
)
P4P_COLUMN = {name: get_column_letter(i) for i, (_h, name) in enumerate(P4P_COLUMNS, start=1)}
FINANCE_FIRST_ROW = 5


def _value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cached(value):
    """A computed figure as the workbook caches it: "" where the application has none."""
    return "" if value is None else value


class _Writer:
    def __init__(self, view):
        self.view, self.ret = view, view.ret
        self.wb = Workbook()
        self.cached = {}
        border = Border(*(Side(style="thin", color="B1B4B6"),) * 4)
        plain = Font(name=FONT, size=10)
        self.styles = {
            "label": {"font": plain, "border": border, "alignment": Alignment(vertical="top", wrap_text=True)},
            "header": {
                "font": Font(name=FONT, size=10, bold=True, color="FFFFFF"),
                "fill": PatternFill("solid", fgColor=BLUE),
                "border": border,
                "alignment": Alignment(wrap_text=True, vertical="center"),
            },
            "input": {
                "font": plain,
                "fill": PatternFill("solid", fgColor=YELLOW),
                "border": border,
                "protection": Protection(locked=False),
                "alignment": Alignment(vertical="top", wrap_text=True),
            },
            "calc": {"font": plain, "fill": PatternFill("solid", fgColor=GREY), "border": border},
            "total": {"font": Font(name=FONT, size=10, bold=True), "fill": PatternFill("solid", fgColor=GREY)},
        }

    def _style(self, target, style, number_format=None):
        for attribute, value in self.styles[style].items():
            setattr(target, attribute, value)
        if number_format:
            target.number_format = number_format
        return target

    def put(self, ws, ref, value, style="label", number_format=None):
        target = ws[ref]
        value = _value(value)
        target.value = guard(value) if isinstance(value, str) else value
        if isinstance(target.value, str):
            target.data_type = "s"
        return self._style(target, style, number_format)

    def formula(self, ws, ref, formula, cached, style="calc", number_format=None):
        target = ws[ref]
        target.value = "=" + formula
        self.cached[(ws.title, ref)] = _cached(_value(cached))
        return self._style(target, style, number_format)

    def sheet(self, slug, note, widths, *, first=False):
        ws = self.wb.active if first else self.wb.create_sheet()
        ws.title = TABS[slug]
        ws["A1"] = f"{dict(SECTIONS)[slug]}: {self.ret.hwb.name}, {self.ret.period_id}"
        ws["A1"].font = Font(name=FONT, size=14, bold=True)
        ws["A2"] = note
        ws["A2"].font = Font(name=FONT, size=10, italic=True, color="505A5F")
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.protection.sheet = True
        ws.page_setup.orientation = "landscape"
        ws.oddFooter.center.text = f"{self.ret.hwb.name} – {ws.title} – page &P of &N"
        return ws

    def headers(self, ws, row, headers):
        for column, text in enumerate(headers, start=1):
            self.put(ws, f"{get_column_letter(column)}{row}", text, "header")
        ws.freeze_panes = f"A{row + 1}"

    def pairs(self, ws, rows, start=4):
        for offset, (label, value, kind) in enumerate(rows):
            row = start + offset
            self.put(ws, f"A{row}", label)
            self.put(ws, f"B{row}", value, kind)

    # -- tabs ------------------------------------------------------------------------------------

    def cover(self):
        ret = self.ret
        ws = self.sheet("cover", "Yellow cells are the return's inputs.", (36, 60), first=True)
        self.pairs(
            ws,
            [
                ("Health and Wellbeing Board", ret.hwb.name, "label"),
                ("Reporting period", f"{ret.period_id} ({ret.period.covers})", "label"),
                ("Plan reported on", str(ret.plan), "label"),
                ("Version", ret.version, "label"),
                ("Status", ret.get_status_display(), "label"),
                ("Format", FORMAT, "label"),
                ("Completed by", ret.cover_name, "input"),
                ("Role", ret.cover_role, "input"),
                ("Email address", ret.cover_email, "input"),
                ("Telephone", ret.cover_telephone, "input"),
                ("Date", ret.cover_date, "input"),
            ],
        )
        ws["B14"].number_format = "d mmmm yyyy"

    def budget(self):
        ret = self.ret
        ws = self.sheet("budget", "When the funds are not pooled, give the expected date and a commentary.", (50, 60))
        pooled = {True: "Yes", False: "No", None: None}[ret.pooled]
        self.pairs(
            ws,
            [
                ("Have the funds been pooled via a section 75 pooled budget?", pooled, "input"),
                ("Expected date", ret.pooled_expected_date, "input"),
                ("Commentary", ret.pooled_commentary, "input"),
            ],
        )
        ws["B5"].number_format = "d mmmm yyyy"

    def conditions(self):
        ws = self.sheet("conditions", "Status: Met, Not met or In progress.", (60, 16, 16, 60, 18))
        self.headers(ws, 4, ("Condition", "Status", "Date it will be met", "Commentary", "Key"))
        statuses = dict(ConditionStatus.choices)
        for row, c in enumerate(self.view.conditions, start=5):
            self.put(ws, f"A{row}", c.label)
            self.put(ws, f"B{row}", statuses.get(c.status), "input")
            self.put(ws, f"C{row}", c.date, "input", "d mmmm yyyy")
            self.put(ws, f"D{row}", c.commentary, "input")
            self.put(ws, f"E{row}", c.key)

    def _finance_table(self, ws, top, caption, lines, totals, name):
        self.put(ws, f"A{top}", caption, "total")
        self.headers(
            ws, top + 1, ("Line", "Plan 2015/16 (£)", "Forecast (£)", "To date (£)", "Variance (£)", "Variance (%)")
        )
        first = top + 2
        row = first
        for line in lines:
            self.put(ws, f"A{row}", name(line.row))
            self.put(ws, f"B{row}", line.row.planned, "label", MONEY)
            self.put(ws, f"C{row}", line.row.forecast, "input", MONEY)
            self.put(ws, f"D{row}", line.row.actual_to_date, "input", MONEY)
            self.formula(ws, f"E{row}", f'IF(C{row}="","",ROUND(C{row}-B{row},2))', line.variance, number_format=MONEY)
            self.formula(
                ws,
                f"F{row}",
                f'IF(OR(C{row}="",B{row}=0),"",ROUND((C{row}-B{row})/B{row}*100,1))',
                line.variance_percent,
                number_format=PERCENT_ONE_PLACE,
            )
            row += 1
        last = max(row - 1, first)
        self.put(ws, f"A{row}", "Total", "total")
        for column, key in (("B", "planned"), ("C", "forecast"), ("D", "actual_to_date")):
            self.formula(ws, f"{column}{row}", f"SUM({column}{first}:{column}{last})", totals[key], "total", MONEY)
        self.formula(ws, f"E{row}", f"ROUND(C{row}-B{row},2)", totals["variance"], "total", MONEY)
        self.formula(
            ws,
            f"F{row}",
            f'IF(B{row}=0,"",ROUND((C{row}-B{row})/B{row}*100,1))',
            totals["variance_percent"],
            "total",
            PERCENT_ONE_PLACE,
        )
        return row

    def finance(self):
        view = self.view
        ws = self.sheet(
            "finance",
            "Forecast for the year and actual to date; variance against the plan's 2015/16 figure.",
            (48, 18, 18, 18, 18, 14),
        )
        end = self._finance_table(
            ws, 4, "Income", view.income, view.income_totals, lambda r: f"{r.organisation} ({r.kind_label or r.kind})"
        )
        self._finance_table(
            ws,
            end + 2,
            "Expenditure",
            view.expenditure,
            view.expenditure_totals,
            lambda r: f"{r.scheme_ref} {r.scheme_name}".strip(),
        )

    def admissions(self):
        view = self.view
        ws = self.sheet(
            "admissions",
            "Payment for a quarter = MAX(earned to date − paid before, 0); earned = MIN(MAX(achieved to date, 0) × "
            "unit saving, planned value to date, cap). Nothing paid is clawed back.",
            (14, 11, 11, 11, 12, 12, 13, 13, 16, 16, 16, 16, 16),
        )
        row = view.p4p_row
        if row is None:
            self.put(ws, "A4", "The plan reported on has no pay-for-performance metric.")
            return
        c = P4P_COLUMN
        self.put(ws, "A4", "Unit saving (£)")
        self.put(ws, P4P_UNIT, row.unit_saving, "label", MONEY)
        self.put(ws, "A5", "Performance element (£)")
        self.put(ws, P4P_ELEMENT, row.performance_element, "label", MONEY)
        self.put(ws, "A6", "Most that can be released (£)")
        first, last = P4P_FIRST_ROW, P4P_FIRST_ROW + 3
        planned_value = f"SUM({c['planned_reduction']}{first}:{c['planned_reduction']}{last})*{P4P_UNIT}"
        cap_formula = (
            f"MAX(MIN({planned_value},{P4P_ELEMENT}),0)"
            if row.performance_element is not None
            else f"MAX({planned_value},0)"
        )
        cap = None
        if all(v is not None for v in [*row.baseline, *row.planned]) and row.unit_saving is not None:
            cap = sum(b - p for b, p in zip(row.baseline, row.planned, strict=True)) * Decimal(row.unit_saving)
            if row.performance_element is not None:
                cap = min(cap, Decimal(row.performance_element))
            cap = max(cap, Decimal(0))
        self.formula(ws, P4P_CAP, cap_formula, cap, number_format=MONEY)
        self.headers(ws, P4P_HEADER_ROW, [h for h, _n in P4P_COLUMNS])
        for q in view.schedule:
            r = first + q.number - 1
            k = q.number
            known = f"COUNT({c['actual']}${first}:{c['actual']}{r})={k}"  # every actual to this quarter given

            def when(expression, r=r, known=known):
                return f'IF({known},{expression},"")'

            self.put(ws, f"A{r}", q.label)
            self.put(ws, f"B{r}", q.baseline, "label", COUNT)
            self.put(ws, f"C{r}", q.planned, "label", COUNT)
            self.put(ws, f"D{r}", q.actual, "input", COUNT)
            self.formula(ws, f"E{r}", f"B{r}-C{r}", q.planned_reduction, number_format=COUNT)
            self.formula(ws, f"F{r}", f'IF(D{r}="","",B{r}-D{r})', q.achieved_reduction, number_format=COUNT)
            self.formula(ws, f"G{r}", when(f"SUM(E${first}:E{r})"), q.planned_to_date, number_format=COUNT)
            self.formula(ws, f"H{r}", when(f"SUM(F${first}:F{r})"), q.achieved_to_date, number_format=COUNT)
            self.formula(ws, f"I{r}", when(f"ROUND(G{r}*{P4P_UNIT},2)"), q.planned_value, number_format=MONEY)
            self.formula(
                ws, f"J{r}", when(f"MIN(ROUND(MAX(H{r},0)*{P4P_UNIT},2),I{r},{P4P_CAP})"), q.earned, number_format=MONEY
            )
            paid_before = "0" if k == 1 else f"L{r - 1}"
            self.formula(ws, f"K{r}", when(f"ROUND(MAX(J{r}-{paid_before},0),2)"), q.payment, number_format=MONEY)
            self.formula(ws, f"L{r}", when(f"ROUND({paid_before}+K{r},2)"), q.paid_to_date, number_format=MONEY)
            self.formula(ws, f"M{r}", when(f"ROUND(MAX(I{r}-L{r},0),2)"), q.not_released, number_format=MONEY)
        total = last + 1
        self.put(ws, f"A{total}", "Total", "total")
        released = sum((q.payment for q in view.schedule if q.payment is not None), Decimal(0))
        self.formula(ws, f"K{total}", f"SUM(K{first}:K{last})", released, "total", MONEY)

    def metrics(self):
        ws = self.sheet(
            "metrics",
            "On track when the latest actual has reached the target in its direction.",
            (12, 50, 12, 12, 18, 18, 12, 14),
        )
        self.headers(
            ws,
            4,
            ("Code", "Metric", "Baseline", "Target", "Target period", "Period covered", "Latest actual", "On track"),
        )
        for r, line in enumerate(self.view.metrics, start=5):
            m = line.row
            self.put(ws, f"A{r}", m.code)
            self.put(ws, f"B{r}", m.name)
            self.put(ws, f"C{r}", m.baseline)
            self.put(ws, f"D{r}", m.target)
            self.put(ws, f"E{r}", m.target_label)
            self.put(ws, f"F{r}", m.period, "input")
            self.put(ws, f"G{r}", m.actual, "input")
            on_track = {True: "Yes", False: "No", None: ""}[line.on_track]
            formula = (
                f'IF(OR(G{r}="",D{r}=""),"",IF(D{r}<C{r},IF(G{r}<=D{r},"Yes","No"),'
                f'IF(D{r}>C{r},IF(G{r}>=D{r},"Yes","No"),"")))'
            )
            self.formula(ws, f"H{r}", formula, on_track)

    def narrative(self):
        ws = self.sheet("narrative", "Progress, risks and support needed.", (100,))
        self.put(ws, "A4", self.ret.narrative, "input")
        ws.row_dimensions[4].height = min(409, 15 * max(1, len(self.ret.narrative) // 90 + 1))

    def write(self):
        for slug, _title in SECTIONS:
            getattr(self, slug)()
        self.wb.calculation = CalcProperties(fullCalcOnLoad=True)
        self.wb.properties.title = f"Better Care Fund quarterly return {self.ret.period_id}: {self.ret.hwb.name}"
        self.wb.properties.creator = "Better Care Fund plans"
        self.wb.properties.keywords = FORMAT
        buffer = io.BytesIO()
        self.wb.save(buffer)
        titles = [ws.title for ws in self.wb.worksheets]
        return with_cached_values(buffer.getvalue(), titles, self.cached)


def return_workbook(ret):
    """The return's workbook as .xlsx bytes."""
    return _Writer(return_view(ret)).write()
