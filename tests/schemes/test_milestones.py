import datetime

import pytest

from bcf.core.money import ParseError
from schemes.milestones import dependency_problems, parse_dependencies, parse_month


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9& 10", [9, 10]),
        ("13- 17", [13, 14, 15, 16, 17]),
        ("3, 5 and 7", [3, 5, 7]),
        ("", []),
        ("n/a", []),
        ("4", [4]),
        ("2 – 4; 9", [2, 3, 4, 9]),
    ],
)
def test_interdependencies_as_officers_type_them(raw, expected):
    assert parse_dependencies(raw) == expected


def test_nonsense_interdependencies_are_refused():
    with pytest.raises(ParseError):
        parse_dependencies("E1")
    with pytest.raises(ParseError):
        parse_dependencies("17-13")


@pytest.mark.parametrize("raw", ["Aug 2014", "August 2014", "08/2014", "2014-08", "aug '14"])
def test_months(raw):
    assert parse_month(raw) == datetime.date(2014, 8, 1)


def test_unknown_month_is_refused():
    with pytest.raises(ParseError, match="not a month"):
        parse_month("Smarch 2015")


def test_unknown_milestones_and_cycles_are_found():
    problems = dependency_problems([(1, []), (2, [1]), (3, [4]), (4, [3]), (5, [99]), (6, [6])])
    messages = [m for _, m in problems]
    assert any("milestone 99, which does not exist" in m for m in messages)
    assert any("circle" in m and "3" in m and "4" in m for m in messages)
    assert any("depends on itself" in m for m in messages)
    assert not any(n in (1, 2) for n, _ in problems)


def test_a_chain_without_cycles_is_fine():
    assert dependency_problems([(1, []), (2, [1]), (3, [1, 2])]) == []
