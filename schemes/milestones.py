"""Milestone interdependencies and months (DOMAIN.md §4.5).

Officers type interdependencies as "9& 10", "13- 17" or "3, 5 and 7"; these parse to sorted lists of
milestone numbers. Months are typed "Aug 2014", "August 2014", "08/2014" or "2014-08".
"""

import datetime
import re

from bcf.core.money import ParseError

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def parse_dependencies(raw):
    """Return the sorted, de-duplicated milestone numbers named in `raw`."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return sorted({int(n) for n in raw})
    text = str(raw).strip().lower()
    if not text or text in {"-", "n/a", "none", "na"}:
        return []
    text = re.sub(r"\band\b|&|;|/|\+", ",", text)
    numbers = set()
    for piece in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)", piece)
        if match:
            low, high = int(match.group(1)), int(match.group(2))
            if high < low:
                raise ParseError(f"“{piece}” is a range that runs backwards")
            if high - low > 200:
                raise ParseError(f"“{piece}” is too long a range")
            numbers.update(range(low, high + 1))
            continue
        parts = piece.split()
        if not all(p.isdigit() for p in parts):
            raise ParseError(f"“{raw}” is not a list of milestone numbers: use numbers like “9, 10” or “13-17”")
        numbers.update(int(p) for p in parts)
    return sorted(numbers)


def format_dependencies(numbers):
    return ", ".join(str(n) for n in numbers)


def parse_month(raw):
    """Return the first day of the month typed, or None for blank input."""
    if raw is None:
        return None
    if isinstance(raw, datetime.date):
        return raw.replace(day=1)
    text = str(raw).strip().lower().replace(",", " ")
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", text)
    if match:
        a, b = match.groups()
        year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    else:
        match = re.fullmatch(r"([a-z]+)\.?\s*'?(\d{2}|\d{4})", text)
        if not match or match.group(1) not in _MONTHS:
            raise ParseError(f"“{raw}” is not a month: enter it like “Aug 2014”")
        month = _MONTHS[match.group(1)]
        year = int(match.group(2))
        if year < 100:
            year += 2000
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ParseError(f"“{raw}” is not a month: enter it like “Aug 2014”")
    return datetime.date(year, month, 1)


def format_month(value):
    return value.strftime("%b %Y") if value else ""


def dependency_problems(milestones):
    """Errors in a plan's milestone graph: unknown numbers and cycles. `milestones`: (number, depends_on)."""
    graph = {number: list(deps) for number, deps in milestones}
    problems = []
    for number, deps in graph.items():
        for dep in deps:
            if dep == number:
                problems.append((number, f"Milestone {number} depends on itself"))
            elif dep not in graph:
                problems.append((number, f"Milestone {number} depends on milestone {dep}, which does not exist"))
    # Depth-first search for cycles among known milestones.
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    reported = set()

    def visit(node, path):
        colour[node] = GREY
        path.append(node)
        for dep in graph[node]:
            if dep not in graph or dep == node:
                continue
            if colour[dep] == GREY:
                cycle = path[path.index(dep) :] + [dep]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(
                        (cycle[0], "Milestones depend on each other in a circle: " + " → ".join(map(str, cycle)))
                    )
            elif colour[dep] == WHITE:
                visit(dep, path)
        path.pop()
        colour[node] = BLACK

    for node in sorted(graph):
        if colour[node] == WHITE:
            visit(node, [])
    return problems
