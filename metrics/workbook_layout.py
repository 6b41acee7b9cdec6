"""Where everything sits in the Part 2 workbook: shared by the export that writes it and the import
that reads it back, so the two cannot drift apart. Row and column numbers are 1-based, as in Excel."""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from metrics.definitions import BENEFIT_QUARTERS

FORMAT_ID = "bcf-part2/1"
TITLE = "Better Care Fund planning template – Part 2"
SPARE_LINES = 20  # empty input lines under the expenditure and benefits tables
MAX_LINES = 2000  # lines read before the Total row must have been found
HEADER_ROW = 4
FIRST_ROW = 5
TOTAL_LABEL = "Total"

# Tab 1: (label in A, what B holds)
ID_ROWS = {
    "hwb": (4, "Health and Wellbeing Board"),
    "la": (5, "Local authority"),
    "ccgs": (6, "Clinical commissioning groups"),
    "edition": (7, "Template edition"),
    "round": (8, "Submission round"),
    "version": (9, "Plan version"),
    "status": (10, "Plan status"),
    "format": (11, "Workbook format"),
    "revisions": (12, "Part 2 revisions"),
    "downloaded": (13, "Downloaded"),
}
SCHEMES_HEADER_ROW = 15
SCHEMES_FIRST_ROW = 16

FUNDING_HEADERS = ("Organisation", "Contribution", "2014/15 (£)", "2015/16 (£)")
FUNDING_COLUMNS = {"organisation": 1, "kind": 2, "2014/15": 3, "2015/16": 4}

EXPENDITURE_HEADERS = (
    "Scheme ref",
    "Scheme name",
    "Area of spend",
    "Commissioner",
    "NHS share (if joint)",
    "Provider",
    "Source of funding",
    "2014/15 expenditure (£)",
    "2015/16 expenditure (£)",
    "New or existing scheme",
)
EXPENDITURE_COLUMNS = {
    "scheme_ref": 1,
    "scheme_name": 2,
    "area_of_spend": 3,
    "commissioner": 4,
    "nhs_share_percent": 5,
    "provider": 6,
    "source_of_funding": 7,
    "2014/15": 8,
    "2015/16": 9,
    "new_or_existing": 10,
}

BENEFITS_HEADERS = (
    "Scheme ref",
    "Scheme name",
    "Benefit measure",
    "Unit",
    *BENEFIT_QUARTERS,
    "Change over the year",
    "Value per unit (£)",
    "Total benefit (£)",
)
BENEFITS_COLUMNS = {
    "scheme_ref": 1,
    "scheme_name": 2,
    "measure": 3,
    "unit": 4,
    "q1": 5,
    "q2": 6,
    "q3": 7,
    "q4": 8,
    "change": 9,
    "value_per_unit": 10,
    "total": 11,
}


# Tab 5, the P4P metric: fixed rows.
@dataclass(frozen=True)
class P4PRows:
    population: int = 5
    header: int = 7
    first_quarter: int = 8  # quarters 1-4 on rows 8-11
    total: int = 12
    avoided: int = 14
    percent: int = 15
    minimum_percent: int = 16
    minimum_avoided: int = 17
    element: int = 18
    unit_saving: int = 19
    value: int = 20
    remainder: int = 21
    justification: int = 23


P4P = P4PRows()
P4P_HEADERS = (
    "",
    "Baseline quarter",
    "Baseline admissions",
    "Rate per 100,000",
    "Plan quarter",
    "Planned admissions",
    "Rate per 100,000",
    "Change in admissions",
)
P4P_LABELS = {
    P4P.population: "Population (denominator)",
    P4P.total: "Total",
    P4P.avoided: "Total planned reduction in admissions",
    P4P.percent: "% reduction",
    P4P.minimum_percent: "Expected minimum reduction",
    P4P.minimum_avoided: "Admissions to avoid for the minimum",
    P4P.element: "Performance-related element of the fund (£)",
    P4P.unit_saving: "Unit saving per admission avoided (£)",
    P4P.value: "Value of the reduction (£)",
    P4P.remainder: "Left for NHS out-of-hospital services (£)",
    P4P.justification: "Justification, if the reduction is below 3.5%",
}

# The metrics tab: one block per metric, columns A-I.
METRIC_HEADERS = (
    "",
    "Figure",
    "Period",
    "Numerator",
    "Denominator",
    "Stated value (if no numerator and denominator)",
    "Value",
    "% change from the baseline",
    "Target from the baseline and %",
)
M_COL = {
    "code": 1,
    "figure": 2,
    "period": 3,
    "numerator": 4,
    "denominator": 5,
    "stated": 6,
    "value": 7,
    "percent": 8,
    "expected": 9,
}


@dataclass(frozen=True)
class MetricBlock:
    definition: object
    title_row: int
    name_row: int | None
    definition_row: int | None
    source_row: int | None
    header_row: int
    figure_rows: tuple  # baseline, then each target
    comment_row: int


def metric_blocks(part2_definition, first_row=5):
    """The block of each metric of the edition, in order, with its row numbers."""
    blocks, row = [], first_row
    for definition in part2_definition.metrics:
        title_row = row
        row += 1
        name_row = definition_row = source_row = None
        if definition.named:
            name_row, row = row, row + 1
        if definition.described:
            definition_row, source_row, row = row, row + 1, row + 2
        header_row = row
        figure_rows = tuple(range(row + 1, row + 2 + len(part2_definition.target_labels)))
        comment_row = figure_rows[-1] + 1
        blocks.append(
            MetricBlock(
                definition, title_row, name_row, definition_row, source_row, header_row, figure_rows, comment_row
            )
        )
        row = comment_row + 2
    return blocks


CHECKLIST_HEADERS = ("Check", "Level", "Result", "How it is checked")


def cell(column, row):
    return f"{get_column_letter(column)}{row}"


def absolute(column, row):
    return f"${get_column_letter(column)}${row}"


def quoted(title):
    return "'" + title.replace("'", "''") + "'"
