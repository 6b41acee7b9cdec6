"""Every computed figure of a quarterly return (DOMAIN.md §10), one function each.

The pages, the checks, the PDF, the workbook (as cached values beside its formulas), the JSON export
and the national dashboard all call these, so a figure cannot differ between them. Plain values in
(Decimal, int or None), plain values out; None where an input is missing.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
# An actual this far from the plan's quarter (as a fraction of the plan) is a warning to explain.
ADMISSIONS_TOLERANCE = Decimal("0.20")


def _money(value):
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def money_sum(amounts):
    return _money(sum((Decimal(a) for a in amounts if a is not None), Decimal(0)))


def variance(value, planned):
    """(value − planned in £, as a % of planned to one place); either part None when it cannot be said."""
    if value is None or planned is None:
        return None, None
    pounds = _money(Decimal(value) - Decimal(planned))
    if Decimal(planned) == 0:
        return pounds, None
    return pounds, (pounds / Decimal(planned) * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- payment for performance ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterPayment:
    """One P4P quarter k (1..4) of the schedule; cumulative figures run from quarter 1 to k."""

    number: int
    label: str
    baseline: int | None
    planned: int | None
    actual: int | None
    planned_reduction: int | None  # P_k = b_k − p_k
    achieved_reduction: int | None  # A_k = b_k − a_k (may be negative)
    planned_to_date: int | None  # P_1 + … + P_k
    achieved_to_date: int | None  # A_1 + … + A_k
    planned_value: Decimal | None  # V_k = planned to date × unit saving
    earned: Decimal | None  # E_k = min(max(achieved to date, 0) × unit saving, V_k), within the caps
    payment: Decimal | None  # released for this quarter: max(E_k − paid before k, 0)
    paid_to_date: Decimal | None
    not_released: Decimal | None  # V_k − paid to date (not below zero): stays with the CCG

    @property
    def reported(self):
        return self.payment is not None


def p4p_schedule(baseline, planned, actual, unit_saving, labels, performance_element=None):
    """The quarter-by-quarter payment schedule. A quarter whose actual is not yet reported (or whose
    baseline or plan is missing) has no payment, and neither has any quarter after it.

    Nothing already paid is clawed back: a quarter worse than the baseline releases nothing, and a
    later quarter can catch up a shortfall. The total released never exceeds the plan's value (all
    four quarters' planned reduction × unit saving) nor the performance-related element."""
    unit = Decimal(unit_saving) if unit_saving is not None else None
    complete_plan = all(v is not None for v in [*baseline, *planned])
    cap = None
    if complete_plan and unit is not None:
        cap = sum(b - p for b, p in zip(baseline, planned, strict=True)) * unit
        if performance_element is not None:
            cap = min(cap, Decimal(performance_element))
        cap = max(cap, Decimal(0))
    out = []
    planned_sum = achieved_sum = 0
    paid = Decimal(0)
    going = unit is not None
    for k in range(4):
        b, p, a = baseline[k], planned[k], actual[k]
        planned_reduction = b - p if b is not None and p is not None else None
        achieved_reduction = b - a if b is not None and a is not None else None
        going = going and planned_reduction is not None and achieved_reduction is not None
        if not going:
            out.append(QuarterPayment(k + 1, labels[k], b, p, a, planned_reduction, achieved_reduction, *([None] * 7)))
            continue
        planned_sum += planned_reduction
        achieved_sum += achieved_reduction
        value = _money(planned_sum * unit)
        earned = min(_money(max(achieved_sum, 0) * unit), value)
        if cap is not None:
            earned = min(earned, _money(cap))
        payment = max(earned - paid, Decimal(0))
        paid += payment
        out.append(
            QuarterPayment(
                number=k + 1,
                label=labels[k],
                baseline=b,
                planned=p,
                actual=a,
                planned_reduction=planned_reduction,
                achieved_reduction=achieved_reduction,
                planned_to_date=planned_sum,
                achieved_to_date=achieved_sum,
                planned_value=value,
                earned=earned,
                payment=_money(payment),
                paid_to_date=_money(paid),
                not_released=_money(max(value - paid, Decimal(0))),
            )
        )
    return out


def released_to_date(schedule):
    """(paid to date, not released) after the last quarter with a payment, or (None, None)."""
    done = [q for q in schedule if q.reported]
    if not done:
        return None, None
    return done[-1].paid_to_date, done[-1].not_released


def admissions_off_plan(actual, planned):
    """The actual is more than 20% away from the plan's quarter (a warning); None when unknown."""
    if actual is None or planned is None or planned == 0:
        return None
    return abs(Decimal(actual) - Decimal(planned)) > ADMISSIONS_TOLERANCE * Decimal(planned)


# --- supporting metrics ------------------------------------------------------------------------------


def metric_direction(baseline, target):
    """ "down" when the target is below the baseline (lower is better), "up" when above, else None."""
    if baseline is None or target is None or Decimal(baseline) == Decimal(target):
        return None
    return "down" if Decimal(target) < Decimal(baseline) else "up"


def metric_on_track(baseline, target, actual):
    """True when the latest actual has reached the target in the target's direction; None when it
    cannot be said (no actual, no target, or a target equal to the baseline: then at or better than it)."""
    if actual is None or target is None:
        return None
    direction = metric_direction(baseline, target)
    if direction == "up":
        return Decimal(actual) >= Decimal(target)
    if direction == "down":
        return Decimal(actual) <= Decimal(target)
    return None
