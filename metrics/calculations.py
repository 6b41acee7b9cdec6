"""Every computed figure of Part 2 (DOMAIN.md §5), one function each.

The pages, the workbook (as cached values beside its formulas), the checks, the PDF and the JSON all
call these, so a figure cannot differ between them. Each function takes plain values (Decimal, int
or None) and returns None when an input it needs is missing. The workbook's formulas do the same
sums; tests recalculate the workbook with LibreOffice and compare with these.
"""

from decimal import ROUND_HALF_UP, Decimal

from metrics.definitions import MINIMUM_REDUCTION_PERCENT, YEARS

PENNY = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
PER_100K = Decimal(100000)


def _round(value, places):
    """Round half away from zero, as Excel's ROUND does."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def money_sum(amounts):
    """The sum of the amounts that are given, to the penny (an empty list adds up to £0.00)."""
    return _round(sum((Decimal(a) for a in amounts if a is not None), Decimal(0)), PENNY)


def totals_per_year(rows):
    """{"2014/15": total, "2015/16": total} of funding or expenditure rows (`amount_2014_15`, …)."""
    return {year: money_sum(getattr(row, "amount_" + year.replace("/", "_")) for row in rows) for year in YEARS}


def totals_by_area(rows, areas):
    """[(area, {year: total})] for each area of spend, in the order given, leaving out empty ones."""
    out = []
    for area in areas:
        mine = [row for row in rows if row.area_of_spend == area]
        if mine:
            out.append((area, totals_per_year(mine)))
    return out


def difference(first, second):
    """first − second, or None when either is missing."""
    if first is None or second is None:
        return None
    return _round(Decimal(first) - Decimal(second), PENNY)


# --- rates and metrics -------------------------------------------------------------------------------


def ratio(numerator, denominator, scale):
    """numerator ÷ denominator × scale to one decimal place (a rate per 100,000 or a percentage)."""
    if numerator is None or denominator is None or Decimal(denominator) == 0:
        return None
    return _round(Decimal(numerator) / Decimal(denominator) * scale, TENTH)


def rate_per_100k(count, population):
    """A count per 100,000 population, to one decimal place."""
    return ratio(count, population, PER_100K)


def metric_value(definition, numerator, denominator, stated):
    """A metric's value: computed from numerator and denominator where it is a rate and both are
    given, else the value the plan states."""
    if definition.has_ratio:
        computed = ratio(numerator, denominator, definition.scale)
        if computed is not None:
            return computed
    return None if stated is None else Decimal(stated)


def target_from_percent(baseline, percent_change):
    """The target that `percent_change` (for example −13) implies from the baseline, to one place."""
    if baseline is None or percent_change is None:
        return None
    return _round(Decimal(baseline) * (1 + Decimal(percent_change) / HUNDRED), TENTH)


def target_consistent(baseline, target, percent_change):
    """Whether a stated target agrees with its stated % change from the baseline, or None if one of
    them is missing. They agree when the change the target implies, rounded to the precision the
    plan gave the % in, is that % (baseline 345 and −13%: 300 agrees, 276 does not)."""
    if baseline is None or target is None or percent_change is None or Decimal(baseline) == 0:
        return None
    stated = Decimal(percent_change)
    implied = (Decimal(target) - Decimal(baseline)) / Decimal(baseline) * HUNDRED
    places = Decimal(1).scaleb(min(stated.normalize().as_tuple().exponent, 0))
    return _round(implied, places) == _round(stated, places)


# --- the pay-for-performance metric -----------------------------------------------------------------


def quarters_total(quarters):
    """The total of four quarters, or None unless all four are given."""
    if len(quarters) != 4 or any(q is None for q in quarters):
        return None
    return sum(int(q) for q in quarters)


def admissions_avoided(baseline, plan):
    """Total planned reduction in admissions: baseline total − plan total (four quarters each)."""
    baseline_total, plan_total = quarters_total(baseline), quarters_total(plan)
    if baseline_total is None or plan_total is None:
        return None
    return baseline_total - plan_total


def percent_reduction(baseline_total, avoided):
    """(baseline total − plan total) ÷ baseline total, as a percentage to four decimal places."""
    if baseline_total in (None, 0) or avoided is None:
        return None
    return _round(Decimal(avoided) / Decimal(baseline_total) * HUNDRED, Decimal("0.0001"))


def admissions_for_reduction(baseline_total, percent):
    """Whole admissions that a reduction of `percent` of the baseline is: 3.5% of 2,943 is 103."""
    if baseline_total is None or percent is None:
        return None
    return int(_round(Decimal(baseline_total) * Decimal(percent) / HUNDRED, Decimal(1)))


def meets_minimum_reduction(baseline_total, avoided):
    """Whether the plan avoids at least the expected minimum (3.5% of the baseline, in whole
    admissions, as the national template counted it: Rutland's 103 of 2,943 is 3.5%)."""
    minimum = admissions_for_reduction(baseline_total, MINIMUM_REDUCTION_PERCENT)
    if minimum is None or avoided is None:
        return None
    return avoided >= minimum


def p4p_value(avoided, unit_saving):
    """Value of the reduction: admissions avoided × the unit saving (nothing for no reduction)."""
    if avoided is None or unit_saving is None:
        return None
    return _round(max(Decimal(avoided), Decimal(0)) * Decimal(unit_saving), PENNY)


def p4p_remainder(performance_element, value):
    """What is left of the performance-related element for NHS out-of-hospital services, not below
    zero: £591,000 − £153,470 = £437,530."""
    if performance_element is None or value is None:
        return None
    return _round(max(Decimal(performance_element) - Decimal(value), Decimal(0)), PENNY)


# --- benefits -----------------------------------------------------------------------------------------


def benefit_change(quarters):
    """The planned change over the four quarters of 2015/16 (blank quarters count as none)."""
    given = [Decimal(q) for q in quarters if q is not None]
    if not given:
        return None
    return sum(given, Decimal(0))


def benefit_total(quarters, value_per_unit):
    """Total benefit in £: the planned change over the year × the value per unit, to the penny."""
    change = benefit_change(quarters)
    if change is None or value_per_unit is None:
        return None
    return _round(change * Decimal(value_per_unit), PENNY)
