"""Reference data per HWB and edition (minimum pooled budget, performance-related element, unit
saving, quarter labels), with the edition's defaults and then the 2014 guidance behind it."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from metrics.definitions import DEFAULT_BASELINE_QUARTERS, DEFAULT_PLAN_QUARTERS, DEFAULT_UNIT_SAVING
from metrics.models import ReferenceData


@dataclass(frozen=True)
class Reference:
    minimum: dict  # {"2014/15": Decimal | None, "2015/16": …}
    performance_element: Decimal | None
    unit_saving: Decimal
    baseline_quarters: tuple
    plan_quarters: tuple


def reference_for(hwb_id, edition):
    """The HWB's own row where there is one, field by field falling back on the edition's default row."""
    rows = list(ReferenceData.objects.filter(Q(hwb_id=hwb_id) | Q(hwb__isnull=True), edition=edition))
    own = next((r for r in rows if r.hwb_id is not None), None)
    default = next((r for r in rows if r.hwb_id is None), None)

    def pick(name, fallback=None):
        for row in (own, default):
            if row is not None and getattr(row, name) is not None:
                return getattr(row, name)
        return fallback

    return Reference(
        minimum={"2014/15": pick("minimum_2014_15"), "2015/16": pick("minimum_2015_16")},
        performance_element=pick("performance_element"),
        unit_saving=pick("unit_saving", DEFAULT_UNIT_SAVING),
        baseline_quarters=tuple(pick("baseline_quarters", DEFAULT_BASELINE_QUARTERS)),
        plan_quarters=tuple(pick("plan_quarters", DEFAULT_PLAN_QUARTERS)),
    )
