"""Every computed figure of Part 2 comes from one function: the Rutland and Nottinghamshire figures."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from metrics import calculations as calc
from metrics.definitions import AreaOfSpend, part2_edition

BASELINE = [760, 731, 712, 740]  # 2,943 admissions
PLAN = [733, 705, 688, 714]  # 2,840 admissions: 103 fewer


def test_rutland_a_3_5_percent_reduction_of_2943_admissions_is_103_worth_153470():
    assert calc.quarters_total(BASELINE) == 2943
    assert calc.admissions_for_reduction(2943, Decimal("3.5")) == 103
    avoided = calc.admissions_avoided(BASELINE, PLAN)
    assert avoided == 103
    assert calc.percent_reduction(2943, avoided).quantize(Decimal("0.1")) == Decimal("3.5")
    assert calc.meets_minimum_reduction(2943, avoided) is True
    value = calc.p4p_value(avoided, Decimal("1490"))
    assert value == Decimal("153470.00")
    assert calc.p4p_remainder(Decimal("591000"), value) == Decimal("437530.00")


def test_a_3_percent_plan_falls_short_of_the_minimum():
    plan = [740, 710, 690, 715]  # 2,855: 88 fewer, 3.0%
    avoided = calc.admissions_avoided(BASELINE, plan)
    assert avoided == 88
    assert calc.percent_reduction(2943, avoided).quantize(Decimal("0.1")) == Decimal("3.0")
    assert calc.meets_minimum_reduction(2943, avoided) is False


def test_remainder_is_never_below_zero_and_no_reduction_has_no_value():
    assert calc.p4p_remainder(Decimal("100000"), Decimal("153470")) == Decimal("0.00")
    assert calc.p4p_value(-20, Decimal("1490")) == Decimal("0.00")


def test_missing_quarters_leave_the_figures_unknown():
    assert calc.admissions_avoided([760, None, 712, 740], PLAN) is None
    assert calc.percent_reduction(None, 103) is None
    assert calc.p4p_value(None, Decimal("1490")) is None


def test_rates_per_100000_round_half_up_to_one_place():
    assert calc.rate_per_100k(760, 37400) == Decimal("2032.1")
    assert calc.rate_per_100k(1, 200000) == Decimal("0.5")
    assert calc.rate_per_100k(5, 0) is None


def test_metric_value_comes_from_numerator_and_denominator_else_the_stated_value():
    edition = part2_edition("2014-09")
    residential = edition.metric("N1")
    assert calc.metric_value(residential, Decimal(120), Decimal(20000), None) == Decimal("600.0")
    assert calc.metric_value(residential, None, None, Decimal("598.2")) == Decimal("598.2")
    reablement = edition.metric("N2")
    assert calc.metric_value(reablement, Decimal(170), Decimal(200), None) == Decimal("85.0")


@pytest.mark.parametrize(
    ("baseline", "percent", "target", "consistent"),
    [
        (345, -13, 276, False),  # the real plan's mismatch
        (345, -13, 300, True),  # 345 × 0.87 = 300.15
        (345, -13, Decimal("300.2"), True),
        (100, Decimal("-3.5"), Decimal("96.5"), True),
        (100, Decimal("-3.5"), 96, False),
    ],
)
def test_a_target_is_checked_against_its_percent_change(baseline, percent, target, consistent):
    assert calc.target_consistent(baseline, target, percent) is consistent


def test_target_from_percent():
    assert calc.target_from_percent(345, -13) == Decimal("300.2")


@dataclass
class Row:
    area_of_spend: str
    amount_2014_15: Decimal
    amount_2015_16: Decimal


def test_nottinghamshire_locality_lines_add_up_to_16117000():
    lines = [Row("Social care", Decimal(a), Decimal(a)) for a in ("2227000", "6245000", "7645000")]
    totals = calc.totals_per_year(lines)
    assert totals == {"2014/15": Decimal("16117000.00"), "2015/16": Decimal("16117000.00")}
    lines.append(Row("Acute", Decimal("100.50"), Decimal(0)))
    assert calc.totals_by_area(lines, AreaOfSpend.values) == [
        ("Social care", {"2014/15": Decimal("16117000.00"), "2015/16": Decimal("16117000.00")}),
        ("Acute", {"2014/15": Decimal("100.50"), "2015/16": Decimal("0.00")}),
    ]


def test_benefit_total_is_the_change_over_the_year_times_the_value():
    assert calc.benefit_total([Decimal(10), Decimal("12.5"), None, Decimal(5)], Decimal("1490")) == Decimal("40975.00")
    assert calc.benefit_total([None, None, None, None], Decimal("1490")) is None
