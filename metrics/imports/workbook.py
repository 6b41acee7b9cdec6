"""Read a Part 2 workbook that this service exported (metrics.exports.workbook) after an officer
changed it offline.

Only the input (yellow) cells are read; the labels around them are checked so that a workbook that
is not ours, or whose layout was changed, is refused rather than misread. Every problem names the tab
and the cell. Nothing is written here: the caller hands the result to services.part2_replace, which
replaces Part 2 in one transaction, so an import is all or nothing.

Long because it reads every input cell of every tab and names each bad cell; split by tab would
scatter the one reading order the workbook's writer also follows.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from bcf.core.money import ParseError, parse_money
from bcf.core.validation import COUNT_MAX, LONG_TEXT_MAX, clean_text
from metrics.definitions import (
    CAPITAL_KINDS,
    FIGURE_MAX,
    QUANTITY_MAX,
    TAB_BENEFITS,
    TAB_EXPENDITURE,
    TAB_FUNDING,
    TAB_ID,
    TAB_METRICS,
    TAB_P4P,
    YEAR_FIELDS,
    YEARS,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
    FundingKind,
    NewOrExisting,
    ProviderType,
    SourceOfFunding,
    choice_for,
    part2_edition,
)
from metrics.models import Metric, P4PMetric
from metrics.services import SECTIONS, Part2Data
from metrics.workbook_layout import BENEFITS_COLUMNS as BC
from metrics.workbook_layout import (
    BENEFITS_HEADERS,
    EXPENDITURE_HEADERS,
    FIRST_ROW,
    FORMAT_ID,
    FUNDING_COLUMNS,
    FUNDING_HEADERS,
    HEADER_ROW,
    ID_ROWS,
    MAX_LINES,
    P4P,
    P4P_HEADERS,
    P4P_LABELS,
    TITLE,
    TOTAL_LABEL,
    cell,
    metric_blocks,
)
from metrics.workbook_layout import EXPENDITURE_COLUMNS as EC
from metrics.workbook_layout import M_COL as MC

# A real Part 2 workbook expands to about 110 KB and 1,100 cells. These caps leave room for tables of
# hundreds of lines while bounding what openpyxl is asked to read (a 45 MB expansion took 25 s).
MAX_UNCOMPRESSED = 5 * 1024 * 1024
MAX_CELLS = 50_000
MAX_ENTRIES = 200
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?")
MAX_PROBLEMS = 25
GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")


class WorkbookError(Exception):
    """The workbook was refused. `problems`: each names the tab and cell."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))

    @property
    def summary(self):
        if len(self.problems) == 1:
            return self.problems[0]
        return f"{len(self.problems)} problems, listed below"


class _Fatal(Exception):
    pass


@dataclass
class ReadWorkbook:
    data: Part2Data
    revisions: dict | None  # Part 2 section revisions when the workbook was downloaded


def read_workbook(plan, source):
    """Read `source` (an uploaded file, a path or bytes) for `plan`; raise WorkbookError if refused."""
    reader = _Reader(plan, _bytes(source))
    try:
        return reader.read()
    except _Fatal:
        raise WorkbookError(reader.problems) from None


def _bytes(source):
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            return handle.read()
    if hasattr(source, "chunks"):
        return b"".join(source.chunks())
    return source.read()


class _Reader:
    def __init__(self, plan, content):
        self.plan = plan
        self.content = content
        self.definition = part2_edition(plan.edition)
        self.problems = []
        self._values_wb = None

    # -- problems ------------------------------------------------------------------------------------

    def fatal(self, message):
        self.problems.append(message)
        raise _Fatal

    def problem(self, ws, coordinate, message):
        self.problems.append(f"{ws.title}, cell {coordinate}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Fatal

    def layout(self, ws, coordinate, expected, found):
        self.fatal(
            f"{ws.title}, cell {coordinate}: the layout has been changed (expected “{expected}”, found "
            f"“{'' if found is None else found}”). Download the workbook again and copy your figures into it."
        )

    # -- opening -------------------------------------------------------------------------------------

    def open(self):
        from openpyxl import load_workbook

        not_excel = (
            "This file is not an Excel workbook (.xlsx): download the Part 2 workbook from the service and upload that"
        )
        if not zipfile.is_zipfile(io.BytesIO(self.content)):
            self.fatal(not_excel)
        too_large = (
            "The workbook is far larger than a Part 2 workbook (more than {what}): upload the Part 2 workbook "
            "downloaded from the service, with your figures in its yellow cells"
        )
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                infos = archive.infolist()
                names = [info.filename for info in infos]
                # zipfile stops at each entry's declared size (and fails its CRC check if the data goes on),
                # so the declared sizes bound what reading can expand to.
                if len(infos) > MAX_ENTRIES or sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
                    self.fatal(too_large.format(what=f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB when unpacked"))
                cells = 0
                for info in infos:
                    if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                        cells += len(_CELL.findall(archive.read(info)))
                if cells > MAX_CELLS:
                    self.fatal(too_large.format(what=f"{MAX_CELLS:,} cells"))
        except _Fatal:
            raise
        except Exception:  # a damaged or encrypted archive raises many kinds; each means the same here
            self.fatal(not_excel)
        if "xl/workbook.xml" not in names:
            self.fatal(not_excel)
        try:
            return load_workbook(io.BytesIO(self.content), data_only=False)
        except Exception:  # openpyxl raises many kinds on a damaged file; each means the same to the user
            self.fatal("The workbook could not be read: it may be damaged. Download it again and copy your figures in")

    def values_workbook(self):
        """The workbook with each formula's last calculated value (for a formula typed in an input cell)."""
        if self._values_wb is None:
            from openpyxl import load_workbook

            self._values_wb = load_workbook(io.BytesIO(self.content), data_only=True)
        return self._values_wb

    # -- cells ---------------------------------------------------------------------------------------

    def raw(self, ws, column, row):
        value = ws.cell(row=row, column=column).value
        if isinstance(value, str) and value.startswith("="):
            value = self.values_workbook()[ws.title].cell(row=row, column=column).value
            if value is None:
                self.problem(ws, cell(column, row), "holds a formula with no value: type the figure itself")
                return None
        if isinstance(value, str):
            value = GUARDED.sub("", value)
            if not value.strip():
                return None
        return value

    def text(self, ws, column, row, *, max_length=LONG_TEXT_MAX):
        value = self.raw(ws, column, row)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime | date | time):
            return str(value)
        text = clean_text(str(value)).strip()
        if len(text) > max_length:
            self.problem(ws, cell(column, row), f"the text must be {max_length:,} characters or fewer")
            return text[:max_length]
        return text

    def label(self, ws, column, row):
        value = ws.cell(row=row, column=column).value
        return "" if value is None else clean_text(GUARDED.sub("", str(value))).strip()

    def expect(self, ws, column, row, expected):
        found = self.label(ws, column, row)
        if found != expected:
            self.layout(ws, cell(column, row), expected, found)

    def _number_text(self, ws, column, row, value):
        if isinstance(value, bool | datetime | date | time):
            self.problem(ws, cell(column, row), f"“{value}” is not a number")
            return None
        if isinstance(value, float):
            return repr(value)
        return value

    def money(self, ws, column, row, *, blank=None):
        value = self.raw(ws, column, row)
        if value is None:
            return blank
        value = self._number_text(ws, column, row, value)
        if value is None:
            return blank
        try:
            return parse_money(str(value) if isinstance(value, int) else value)
        except ParseError as exc:
            self.problem(ws, cell(column, row), str(exc))
            return blank

    def number(self, ws, column, row, *, places, minimum=Decimal(0), maximum=None, whole=False):
        value = self.raw(ws, column, row)
        if value is None:
            return None
        value = self._number_text(ws, column, row, value)
        if value is None:
            return None
        text = str(value).strip().replace(",", "") if isinstance(value, str) else str(value)
        if not _NUMBER.fullmatch(text):  # ASCII digits only: Decimal would read "١٢٣" as 123
            self.problem(ws, cell(column, row), f"“{value}” is not a number")
            return None
        try:
            number = Decimal(text) + 0  # "-0" is 0
        except InvalidOperation:
            self.problem(ws, cell(column, row), f"“{value}” is not a number")
            return None
        if not number.is_finite():
            self.problem(ws, cell(column, row), f"“{value}” is not a number")
            return None
        if minimum is not None and number < minimum:
            self.problem(ws, cell(column, row), f"{_show(number)} is negative: enter a number of {minimum} or more")
            return None
        if maximum is not None and number > maximum:
            self.problem(ws, cell(column, row), f"{_show(number)} is too large")
            return None
        if whole:
            if number != number.to_integral_value():
                self.problem(ws, cell(column, row), f"{_show(number)} is not a whole number")
                return None
            return int(number)
        quantum = Decimal(1).scaleb(-places)
        if number != number.quantize(quantum):
            self.problem(ws, cell(column, row), f"{_show(number)} has more than {places} decimal places")
            return None
        return number.quantize(quantum).normalize() if places else number

    def choice(self, ws, column, row, choices, what):
        text = self.text(ws, column, row)
        if not text:
            return None
        found = choice_for(choices, text)
        if found is None:
            allowed = ", ".join(f"“{label}”" for label in choices.labels)
            self.problem(ws, cell(column, row), f"“{text}” is not {what}: choose one of {allowed}")
        return found

    # -- the tabs ------------------------------------------------------------------------------------

    def read(self):
        wb = self.open()
        tabs = self.definition.tabs
        id_title = tabs[TAB_ID]
        if id_title not in wb.sheetnames:
            self.fatal(
                f"This workbook was not downloaded from this service: it has no “{id_title}” tab. "
                "Download the Part 2 workbook from the plan and upload that"
            )
        ws = wb[id_title]
        format_row = ID_ROWS["format"][0]
        if self.label(ws, 1, 1) != TITLE or self.label(ws, 2, format_row) != FORMAT_ID:
            self.fatal(
                f"This workbook was not downloaded from this service ({id_title}, cells A1 and B{format_row} are not "
                "the service's). Download the Part 2 workbook from the plan and upload that"
            )
        hwb = self.label(ws, 2, ID_ROWS["hwb"][0])
        if hwb != self.plan.hwb.name:
            self.fatal(f"This workbook is for {hwb or 'another plan'}, not {self.plan.hwb.name} ({id_title}, cell B4)")
        edition = self.label(ws, 2, ID_ROWS["edition"][0]).split(" ", 1)[0]
        if edition != self.plan.edition:
            self.fatal(
                f"This workbook is for the {edition} template but the plan uses the {self.plan.edition} template "
                f"({id_title}, cell B{ID_ROWS['edition'][0]}). Download the workbook again"
            )
        for title in tabs.values():
            if title not in wb.sheetnames:
                self.fatal(f"The layout has been changed: the tab “{title}” is missing. Download the workbook again")
        extra = [t for t in wb.sheetnames if t not in tabs.values()]
        if extra:
            self.fatal(f"The layout has been changed: the tab “{extra[0]}” is not part of the Part 2 workbook")
        data = Part2Data()
        self.read_funding(wb[tabs[TAB_FUNDING]], data)
        self.read_expenditure(wb[tabs[TAB_EXPENDITURE]], data)
        self.read_benefits(wb[tabs[TAB_BENEFITS]], data)
        if self.definition.has_p4p:
            self.read_p4p(wb[tabs[TAB_P4P]], data)
        self.read_metrics(wb[tabs[TAB_METRICS]], data)
        if self.problems:
            raise _Fatal
        return ReadWorkbook(data=data, revisions=_revisions(self.label(ws, 2, ID_ROWS["revisions"][0])))

    def headers(self, ws, headers):
        for column, expected in enumerate(headers, start=1):
            self.expect(ws, column, HEADER_ROW, expected)

    def lines(self, ws):
        """The rows of a table, from the first under the header to the one before “Total”."""
        for row in range(FIRST_ROW, FIRST_ROW + MAX_LINES):
            if self.label(ws, 1, row) == TOTAL_LABEL:
                return range(FIRST_ROW, row)
        self.fatal(f"{ws.title}: the layout has been changed: there is no “{TOTAL_LABEL}” row under the table")
        return None

    def read_funding(self, ws, data):
        self.headers(ws, FUNDING_HEADERS)
        la = self.plan.hwb.local_authority.name
        organisations = [la, *[c.name for c in self.plan.ordered_ccgs()]]
        kinds = {label: value for value, label in FundingKind.choices}
        seen = set()
        for row in self.lines(ws):
            organisation = self.label(ws, FUNDING_COLUMNS["organisation"], row)
            kind = kinds.get(self.label(ws, FUNDING_COLUMNS["kind"], row))
            if organisation not in organisations:
                self.layout(ws, cell(1, row), "an organisation of the plan", organisation)
            if kind is None or (kind in CAPITAL_KINDS and organisation != la) or (organisation, kind) in seen:
                self.layout(ws, cell(2, row), "a kind of contribution", self.label(ws, 2, row))
            seen.add((organisation, kind))
            amounts = {year: self.money(ws, FUNDING_COLUMNS[year], row) for year in YEARS}
            if all(v is None for v in amounts.values()):
                continue
            data.funding.append(
                {
                    "organisation": organisation,
                    "kind": kind,
                    **{
                        f"amount_{YEAR_FIELDS[y]}": amounts[y] if amounts[y] is not None else Decimal("0.00")
                        for y in YEARS
                    },
                }
            )

    def scheme_ref(self, ws, row, refs):
        ref = self.text(ws, 1, row, max_length=20)
        if not ref:
            self.problem(ws, cell(1, row), "enter the scheme reference (the line has figures)")
        elif ref.lower() not in refs:
            self.problem(ws, cell(1, row), f"“{ref}” is not a scheme of the plan: use a reference from tab 1")
        return refs.get(ref.lower(), ref)

    def read_expenditure(self, ws, data):
        self.headers(ws, EXPENDITURE_HEADERS)
        refs = {s.ref.lower(): s.ref for s in self.plan.schemes.all()}
        inputs = [c for name, c in EC.items() if name != "scheme_name"]
        for row in self.lines(ws):
            if all(self.raw(ws, column, row) is None for column in inputs):
                continue
            values = {"scheme_ref": self.scheme_ref(ws, row, refs)}
            values["area_of_spend"] = self.choice(ws, EC["area_of_spend"], row, AreaOfSpend, "an area of spend")
            values["commissioner"] = self.choice(ws, EC["commissioner"], row, Commissioner, "a commissioner")
            share = self.number(ws, EC["nhs_share_percent"], row, places=5, maximum=Decimal(1))
            values["provider"] = self.choice(ws, EC["provider"], row, ProviderType, "a provider")
            values["source_of_funding"] = self.choice(
                ws, EC["source_of_funding"], row, SourceOfFunding, "a source of funding"
            )
            for year in YEARS:
                values[f"amount_{YEAR_FIELDS[year]}"] = self.money(ws, EC[year], row, blank=Decimal("0.00"))
            values["new_or_existing"] = self.choice(ws, EC["new_or_existing"], row, NewOrExisting, "new or existing")
            for name in ("area_of_spend", "commissioner", "provider", "source_of_funding", "new_or_existing"):
                if values[name] is None and self.raw(ws, EC[name], row) is None:
                    self.problem(ws, cell(EC[name], row), f"choose the {name.replace('_', ' ')} (the line has figures)")
            if values["commissioner"] == Commissioner.JOINT:
                if share is None:
                    self.problem(
                        ws, cell(EC["nhs_share_percent"], row), "enter the NHS share of the joint commissioning"
                    )
                values["nhs_share_percent"] = None if share is None else (share * 100).quantize(Decimal("0.001"))
            else:
                values["nhs_share_percent"] = None
            data.expenditure.append(values)

    def read_benefits(self, ws, data):
        self.headers(ws, BENEFITS_HEADERS)
        refs = {s.ref.lower(): s.ref for s in self.plan.schemes.all()}
        inputs = [BC[name] for name in ("scheme_ref", "measure", "unit", "q1", "q2", "q3", "q4", "value_per_unit")]
        for row in self.lines(ws):
            if all(self.raw(ws, column, row) is None for column in inputs):
                continue
            values = {"scheme_ref": self.scheme_ref(ws, row, refs)}
            measure_text = self.text(ws, BC["measure"], row, max_length=200)
            measure = choice_for(BenefitMeasure, measure_text) if measure_text else None
            if not measure_text:
                self.problem(ws, cell(BC["measure"], row), "enter the benefit measure (the line has figures)")
            values["measure"] = measure or BenefitMeasure.OTHER
            values["measure_other"] = "" if measure and measure != BenefitMeasure.OTHER else measure_text
            values["unit"] = self.text(ws, BC["unit"], row, max_length=100)
            for name in ("q1", "q2", "q3", "q4"):
                quarter = self.number(ws, BC[name], row, places=2, maximum=QUANTITY_MAX)
                values[name] = quarter if quarter is not None else Decimal(0)
            value = self.money(ws, BC["value_per_unit"], row)
            if value is None and self.raw(ws, BC["value_per_unit"], row) is None:
                self.problem(ws, cell(BC["value_per_unit"], row), "enter the value per unit (the line has figures)")
            values["value_per_unit"] = value
            data.benefits.append(values)

    def read_p4p(self, ws, data):
        for column, expected in enumerate(P4P_HEADERS, start=1):
            if expected:
                self.expect(ws, column, P4P.header, expected)
        for row, expected in P4P_LABELS.items():
            self.expect(ws, 1, row, expected)
        for index in range(4):
            self.expect(ws, 1, P4P.first_quarter + index, f"Quarter {index + 1}")
        count = {"places": 0, "whole": True, "maximum": Decimal(COUNT_MAX)}  # the P4P page's limits
        values = {"population": self.number(ws, 3, P4P.population, **{**count, "maximum": Decimal(100_000_000)})}
        for index in range(4):
            row = P4P.first_quarter + index
            values[f"baseline_q{index + 1}"] = self.number(ws, 3, row, **count)
            values[f"plan_q{index + 1}"] = self.number(ws, 6, row, **count)
        values["justification"] = self.text(ws, 3, P4P.justification)
        existed = self._has_p4p()
        if not existed and all(v in (None, "") for v in values.values()):
            return
        values["performance_element"] = self.money(ws, 3, P4P.element)
        unit_saving = self.money(ws, 3, P4P.unit_saving)
        if unit_saving is None:
            self.problem(ws, cell(3, P4P.unit_saving), "enter the unit saving (£1,490 in the 2014 guidance)")
        values["unit_saving"] = unit_saving
        data.p4p = values

    def _has_p4p(self):
        return P4PMetric.objects.filter(plan=self.plan).exists()

    def read_metrics(self, ws, data):
        existing = set(Metric.objects.filter(plan=self.plan).values_list("code", flat=True))
        labels = ("Baseline", *self.definition.target_labels)
        for position, block in enumerate(metric_blocks(self.definition), start=1):
            definition = block.definition
            self.expect(ws, 1, block.title_row, definition.code)
            self.expect(ws, MC["figure"], block.header_row, "Figure")
            for label, row in zip(labels, block.figure_rows, strict=True):
                self.expect(ws, MC["figure"], row, label)
            self.expect(ws, 1, block.comment_row, "Comment")
            values = {"code": definition.code, "position": position, "name": "", "definition": "", "source": ""}
            for row, name, label, max_length in (
                (block.name_row, "name", "Name of the measure", 300),
                (block.definition_row, "definition", "Definition", 5000),
                (block.source_row, "source", "Source", 2000),
            ):
                if row is not None:
                    self.expect(ws, 1, row, label)
                    values[name] = self.text(ws, 3, row, max_length=max_length)
            values["comment"] = self.text(ws, 3, block.comment_row)
            figures = {}
            for index, row in enumerate(block.figure_rows):
                figure = {"label": self.text(ws, MC["period"], row, max_length=100) if index == 0 else labels[index]}
                numerator = denominator = None
                if definition.has_ratio:
                    numerator = self.number(ws, MC["numerator"], row, places=3, maximum=FIGURE_MAX)
                    denominator = self.number(ws, MC["denominator"], row, places=3, maximum=FIGURE_MAX)
                    if (numerator is None) != (denominator is None):
                        missing = MC["denominator"] if denominator is None else MC["numerator"]
                        if self.raw(ws, missing, row) is None:
                            self.problem(
                                ws, cell(missing, row), "give both the numerator and the denominator, or neither"
                            )
                    if denominator == 0:
                        self.problem(ws, cell(MC["denominator"], row), "the denominator cannot be 0")
                figure["numerator"], figure["denominator"] = numerator, denominator
                figure["stated_value"] = self.number(
                    ws, MC["stated"], row, places=3, minimum=-FIGURE_MAX, maximum=FIGURE_MAX
                )
                percent = None
                if index > 0:
                    fraction = self.number(ws, MC["percent"], row, places=7, minimum=Decimal(-1), maximum=Decimal(10))
                    percent = None if fraction is None else (fraction * 100).quantize(Decimal("0.001"))
                figure["percent_change"] = percent
                figures[index] = figure
            values["figures"] = figures
            filled = any(values[k] for k in ("name", "definition", "source", "comment")) or any(
                v not in (None, "") for f in figures.values() for k, v in f.items() if k != "label"
            )
            if filled or definition.code in existing:
                data.metrics.append(values)


def _show(number):
    return f"{number.normalize():f}"


def _revisions(text):
    """{section: revision} from tab 1, or None if it cannot be read (then no stale check is made)."""
    found = dict(re.findall(r"([a-z0-9-]+)=(\d+)", text or ""))
    if set(found) != set(SECTIONS):
        return None
    return {section: int(number) for section, number in found.items()}
