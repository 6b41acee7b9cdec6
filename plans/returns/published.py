"""The published quarterly non-elective admissions (DOMAIN.md §10, "Actuals from national data"): a
national administrator uploads a CSV of `hwb`, `quarter`, `admissions`; every row is read and checked
first, and only a file without a single problem is saved (all or nothing), each row replacing the
Board's figure for that quarter. A draft return shows the figure beside the Board's own, and a
difference is a warning (plans.returns.checks.admissions).

`hwb` is the Board's name, matched whatever its case and spacing, with or without "Health and Wellbeing
Board" at the end (Boards have no code field in this service).
"""

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from bcf.core.people import display_name
from plans import deadlines
from plans.models import P4P_QUARTERS, HealthAndWellbeingBoard, PublishedAdmissions

MAX_BYTES = 1024 * 1024  # 1 MB
MAX_ROWS = 2000
COLUMNS = ("hwb", "quarter", "admissions")
MAX_PROBLEMS = 20  # shown in the error summary; the rest are counted


@dataclass(frozen=True)
class Problem:
    line: int | None  # the line of the file (the header is line 1), or None for the whole file
    column: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return f"Line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Figure:
    hwb_id: int
    hwb_name: str
    quarter: str
    admissions: int


class UploadProblems(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


def _text(data):
    if len(data) > MAX_BYTES:
        raise UploadProblems([Problem(None, "", "The selected file must be smaller than 1 MB")])
    if not data.strip():
        raise UploadProblems([Problem(None, "", "The selected file is empty")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadProblems([Problem(None, "", "The selected file must be a CSV file")]) from None


def _whole_number(text):
    text = text.strip().replace(",", "")
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


SUFFIX = " health and wellbeing board"


def board_names():
    """{casefolded name: (pk, name)} of every Board, also without "Health and Wellbeing Board" at the
    end (published data often names the area alone: "Rutland") where that shorter name is unambiguous."""
    boards, short = {}, {}
    for pk, name in HealthAndWellbeingBoard.objects.values_list("pk", "name"):
        key = " ".join(name.split()).casefold()
        boards[key] = (pk, name)
        if key.endswith(SUFFIX):
            short.setdefault(key.removesuffix(SUFFIX), []).append((pk, name))
    for key, found in short.items():
        if len(found) == 1 and key not in boards:
            boards[key] = found[0]
    return boards


def parse(data):
    """The figures of the CSV file's bytes, or UploadProblems naming each bad line and column."""
    text = _text(data)
    if "\x00" in text:
        raise UploadProblems([Problem(None, "", "The selected file must be a CSV file")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise UploadProblems([Problem(None, "", "The selected file must be a CSV file")]) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        listed = ", ".join(missing)
        raise UploadProblems(
            [Problem(1, listed, f"the first line must name the columns hwb, quarter and admissions ({listed} missing)")]
        )
    at = {c: names.index(c) for c in COLUMNS}
    boards = board_names()
    quarters = {q.casefold().replace(" ", ""): q for q in P4P_QUARTERS}
    problems, figures, seen = [], [], {}
    count = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise UploadProblems([Problem(None, "", f"The file must have no more than {MAX_ROWS:,} rows")])
            cell = {c: (row[i].strip() if i < len(row) else "") for c, i in at.items()}
            board = boards.get(" ".join(cell["hwb"].split()).casefold())
            quarter = quarters.get(cell["quarter"].casefold().replace(" ", ""))
            admissions = _whole_number(cell["admissions"])
            if not cell["hwb"]:
                problems.append(Problem(line, "hwb", "enter the Health and Wellbeing Board's name"))
            elif board is None:
                problems.append(Problem(line, "hwb", f"there is no Health and Wellbeing Board called “{cell['hwb']}”"))
            if quarter is None:
                problems.append(Problem(line, "quarter", f"the quarter must be one of {', '.join(P4P_QUARTERS)}"))
            if admissions is None:
                problems.append(Problem(line, "admissions", "admissions must be a whole number, 0 or more"))
            if board is None or quarter is None or admissions is None:
                continue
            key = (board[0], quarter)
            if key in seen:
                problems.append(Problem(line, "hwb", f"{board[1]} {quarter} is given twice (also on line {seen[key]})"))
                continue
            seen[key] = line
            figures.append(Figure(board[0], board[1], quarter, admissions))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, "", f"the file cannot be read as CSV ({exc})"))
    if problems:
        raise UploadProblems(problems)
    if not figures:
        raise UploadProblems([Problem(None, "", "The selected file has no rows of figures")])
    return figures


@dataclass(frozen=True)
class Saved:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def save(figures, user):
    """Create or replace the Board's published figure for each quarter, all in one transaction."""
    now = deadlines.now()
    name = display_name(user) if user else ""
    with transaction.atomic():
        existing = {
            (p.hwb_id, p.quarter): p
            for p in PublishedAdmissions.objects.select_for_update().filter(
                hwb_id__in={f.hwb_id for f in figures}, quarter__in={f.quarter for f in figures}
            )
        }
        new, changed, unchanged = [], [], 0
        for f in figures:
            row = existing.get((f.hwb_id, f.quarter))
            if row is None:
                new.append(
                    PublishedAdmissions(
                        hwb_id=f.hwb_id,
                        quarter=f.quarter,
                        admissions=f.admissions,
                        uploaded_at=now,
                        uploaded_by_name=name,
                    )
                )
            elif row.admissions != f.admissions:
                row.admissions, row.uploaded_at, row.uploaded_by_name = f.admissions, now, name
                changed.append(row)
            else:
                unchanged += 1
        PublishedAdmissions.objects.bulk_create(new)
        PublishedAdmissions.objects.bulk_update(changed, ["admissions", "uploaded_at", "uploaded_by_name"])
    return Saved(len(new), len(changed), unchanged)


def upload(data, user):
    """Parse and save: the Saved counts, or UploadProblems and nothing saved."""
    return save(parse(data), user)
