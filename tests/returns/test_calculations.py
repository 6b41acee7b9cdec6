"""The quarter-by-quarter payment rule of DOMAIN.md §10, to the penny."""

from decimal import Decimal

from plans.models import P4P_QUARTERS
from plans.returns.calculations import metric_on_track, p4p_schedule, released_to_date, variance

UNIT = Decimal("1490.00")
BASELINE = [1000, 980, 1020, 1000]
PLANNED = [965, 946, 984, 965]


def test_the_worked_example_to_the_penny():
    schedule = p4p_schedule(BASELINE, PLANNED, [970, 930, 1000, 950], UNIT, P4P_QUARTERS)
    assert [q.planned_to_date for q in schedule] == [35, 69, 105, 140]
    assert [q.achieved_to_date for q in schedule] == [30, 80, 100, 150]
    assert [q.earned / UNIT for q in schedule] == [30, 69, 100, 140]
    assert [q.payment for q in schedule] == [
        Decimal("44700.00"),
        Decimal("58110.00"),
        Decimal("46190.00"),
        Decimal("59600.00"),
    ]
    assert sum(q.payment for q in schedule) == Decimal("208600.00") == 140 * UNIT
    assert schedule[2].not_released == Decimal("7450.00")
    assert schedule[3].not_released == Decimal("0.00")
    assert released_to_date(schedule) == (Decimal("208600.00"), Decimal("0.00"))


def test_nothing_is_clawed_back_when_a_later_quarter_is_worse_than_baseline():
    # Quarter 2 is 60 admissions worse than its baseline: the cumulative reduction falls below zero.
    schedule = p4p_schedule(BASELINE, PLANNED, [970, 1070, 1000, 950], UNIT, P4P_QUARTERS)
    assert schedule[0].payment == Decimal("44700.00")
    assert schedule[1].achieved_reduction == -90
    assert schedule[1].achieved_to_date == -60
    assert schedule[1].payment == Decimal("0.00")
    assert schedule[1].paid_to_date == Decimal("44700.00")  # the first quarter's payment stays paid
    # Cumulative achieved: 30 − 90 + 20 = −40, still nothing; then +50 → 10 admissions: earned £14,900,
    # below what was paid, so nothing more is released and nothing is taken back.
    assert schedule[2].payment == Decimal("0.00")
    assert schedule[3].achieved_to_date == 10
    assert schedule[3].payment == Decimal("0.00")
    assert schedule[3].paid_to_date == Decimal("44700.00")
    assert schedule[3].not_released == Decimal("208600.00") - Decimal("44700.00")


def test_a_short_quarter_is_caught_up_later():
    schedule = p4p_schedule(BASELINE, PLANNED, [990, 946, 984, 965], UNIT, P4P_QUARTERS)
    assert schedule[0].payment == 10 * UNIT  # planned 35, achieved 10
    assert schedule[1].payment == 34 * UNIT + 0 * UNIT  # cumulative 44 of 69 → 44 earned
    assert schedule[3].paid_to_date == 140 * UNIT - 25 * UNIT  # the 25 short in quarter 1 never made up


def test_unreported_quarters_have_no_payment_and_the_caps_hold():
    schedule = p4p_schedule(BASELINE, PLANNED, [900, None, None, None], UNIT, P4P_QUARTERS)
    assert schedule[0].payment == 35 * UNIT  # 100 achieved, capped at the 35 planned to date
    assert [q.payment for q in schedule[1:]] == [None, None, None]
    capped = p4p_schedule(BASELINE, PLANNED, [800, 800, 800, 800], UNIT, P4P_QUARTERS, Decimal("100000"))
    assert sum(q.payment for q in capped) == Decimal("100000.00")  # never more than the performance element


def test_variance_and_metric_direction():
    assert variance(Decimal("110"), Decimal("100")) == (Decimal("10.00"), Decimal("10.0"))
    assert variance(Decimal("5"), Decimal("0")) == (Decimal("5.00"), None)
    assert variance(None, Decimal("100")) == (None, None)
    assert metric_on_track(Decimal("345"), Decimal("276"), Decimal("270")) is True
    assert metric_on_track(Decimal("345"), Decimal("276"), Decimal("300")) is False
    assert metric_on_track(Decimal("80"), Decimal("85"), Decimal("84")) is False
    assert metric_on_track(Decimal("80"), Decimal("85"), None) is None
