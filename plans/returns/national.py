"""Reads for the national view of quarterly returns (DOMAIN.md §10), scoped to the user: per period,
every Board in scope with its current return, submitted or outstanding (and late), the pay-for-
performance money released and not released (calculations.p4p_schedule on the Board's current
submitted return and its plan's P4P metric), and the national conditions not met.

A fixed number of queries whatever the number of Boards or returns: the Boards, their current returns
for the period (with the submission joined), the plans' P4P metrics and the conditions' counts are each
one values() query; everything else is worked out here in Python.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count

from metrics.models import P4PMetric
from plans import deadlines
from plans.access import roles_for_user
from plans.models import (
    P4P_QUARTERS,
    RETURN_SUBMITTED_STATES,
    ConditionStatus,
    HealthAndWellbeingBoard,
    QuarterlyReturn,
    ReturnCondition,
    ReturnPeriod,
    ReturnStatus,
    Role,
)
from plans.returns import calculations as calc

NATIONAL = "national"
AREA = "area"


def national_scope(user):
    """(kind, area team ids): NATIONAL for national viewers and administrators (every Board), AREA for
    area team reviewers (their area's Boards), or None: the user may not see the national view."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return NATIONAL, []
    roles = roles_for_user(user)
    if any(r.role == Role.NATIONAL for r in roles):
        return NATIONAL, []
    areas = sorted({r.area_team_id for r in roles if r.role == Role.REVIEWER})
    return (AREA, areas) if areas else None


def periods():
    return list(ReturnPeriod.objects.order_by("position"))


def chosen_period(periods_, code):
    """The period asked for, else the latest one whose due date has passed, else the first."""
    by_code = {p.code: p for p in periods_}
    if code in by_code:
        return by_code[code]
    today = deadlines.now().date()
    due = [p for p in periods_ if p.due <= today]
    return due[-1] if due else (periods_[0] if periods_ else None)


@dataclass
class BoardReturn:
    """One Board in the period: its current return (a dict of values, or None) and its P4P figures."""

    hwb_id: int
    name: str
    area_team: str
    ret: dict | None
    due: object  # date
    today: object  # date
    schedule: list | None = None  # [calculations.QuarterPayment] for a submitted return with a P4P metric
    # A national viewer reads submitted returns only: for them a Board without one has "not submitted"
    # (it may have a draft); the area team sees the drafts, so for them it has not started.
    no_return: str = "Not started"

    @cached_property
    def submitted(self):
        return self.ret is not None and self.ret["status"] in RETURN_SUBMITTED_STATES

    @property
    def state(self):
        if self.ret is None:
            return self.no_return
        return ReturnStatus(self.ret["status"]).label

    @property
    def return_id(self):
        return self.ret["pk"] if self.ret else None

    @property
    def version(self):
        return self.ret["version"] if self.ret else None

    @property
    def submitted_at(self):
        return self.ret["submission__submitted_at"] if self.submitted else None

    @cached_property
    def is_late(self):
        """Submitted after the due date, or not submitted and the due date has passed."""
        if self.submitted:
            late = self.ret["submission__is_late"]
            if late is not None:
                return late
            at = self.ret["submitted_at"]
            return at is not None and at.date() > self.due
        return self.today > self.due

    @cached_property
    def released(self):
        """(paid to date, not released) after the latest reported quarter, or (None, None)."""
        return calc.released_to_date(self.schedule) if self.schedule else (None, None)

    @property
    def paid_to_date(self):
        return self.released[0]

    @property
    def not_released(self):
        return self.released[1]


@dataclass
class ConditionCount:
    key: str
    label: str
    not_met: int = 0
    in_progress: int = 0
    not_answered: int = 0

    @property
    def total(self):
        return self.not_met + self.in_progress + self.not_answered


@dataclass
class NationalReturns:
    period: object
    scope: str  # NATIONAL or AREA
    boards: list  # [BoardReturn], by name
    conditions: list = field(default_factory=list)  # [ConditionCount]: conditions not met, submitted returns

    @cached_property
    def submitted(self):
        return [b for b in self.boards if b.submitted]

    @cached_property
    def outstanding(self):
        return [b for b in self.boards if not b.submitted]

    @cached_property
    def late(self):
        return [b for b in self.boards if b.is_late]

    @cached_property
    def outstanding_late(self):
        return [b for b in self.boards if not b.submitted and b.is_late]

    @cached_property
    def with_p4p(self):
        return [b for b in self.boards if b.paid_to_date is not None]

    @cached_property
    def paid_to_date(self):
        return calc.money_sum(b.paid_to_date for b in self.with_p4p)

    @cached_property
    def not_released(self):
        return calc.money_sum(b.not_released for b in self.with_p4p)


RETURN_FIELDS = (
    "pk",
    "hwb_id",
    "plan_id",
    "status",
    "version",
    "submitted_at",
    "submission__submitted_at",
    "submission__is_late",
    "actual_1",
    "actual_2",
    "actual_3",
    "actual_4",
)
P4P_FIELDS = (
    "plan_id",
    *(f"baseline_q{k}" for k in range(1, 5)),
    *(f"plan_q{k}" for k in range(1, 5)),
    "unit_saving",
    "performance_element",
)


def national_returns(user, period):
    """Every figure of the national view for the period, for the Boards in the user's scope. Four
    queries (Boards, returns, P4P metrics, conditions) whatever the number of Boards or returns."""
    scope = national_scope(user)
    if scope is None or period is None:
        return None
    kind, areas = scope
    hwbs = HealthAndWellbeingBoard.objects.all()
    returns = QuarterlyReturn.objects.filter(period=period, is_current=True)
    if kind == AREA:
        hwbs = hwbs.filter(area_team_id__in=areas)
        returns = returns.filter(hwb__area_team_id__in=areas)
    elif not user.is_superuser:
        # National viewers read submitted returns (plans.access.returns_for_user): a Board whose
        # current return is still a draft counts as outstanding.
        returns = returns.filter(status__in=RETURN_SUBMITTED_STATES)
    board_rows = list(hwbs.order_by("name").values_list("pk", "name", "area_team__name"))
    by_hwb = {r["hwb_id"]: r for r in returns.values(*RETURN_FIELDS)}
    submitted = [r for r in by_hwb.values() if r["status"] in RETURN_SUBMITTED_STATES]
    metrics = {}
    if submitted:
        plan_ids = {r["plan_id"] for r in submitted}
        metrics = {m["plan_id"]: m for m in P4PMetric.objects.filter(plan_id__in=plan_ids).values(*P4P_FIELDS)}
    today = deadlines.now().date()
    no_return = "Not submitted" if kind == NATIONAL and not user.is_superuser else "Not started"
    boards = []
    for pk, name, area in board_rows:
        ret = by_hwb.get(pk)
        board = BoardReturn(pk, name, area or "", ret, period.due, today, no_return=no_return)
        if board.submitted:
            board.schedule = _schedule(metrics.get(ret["plan_id"]), ret)
        boards.append(board)
    return NationalReturns(
        period=period, scope=kind, boards=boards, conditions=_conditions([r["pk"] for r in submitted])
    )


def _schedule(metric, ret):
    if metric is None:
        return None
    return calc.p4p_schedule(
        [metric[f"baseline_q{k}"] for k in range(1, 5)],
        [metric[f"plan_q{k}"] for k in range(1, 5)],
        [ret[f"actual_{k}"] for k in range(1, 5)],
        metric["unit_saving"],
        P4P_QUARTERS,
        metric["performance_element"],
    )


def _conditions(return_ids):
    """The national conditions not met on the submitted returns, counted per condition (one query)."""
    if not return_ids:
        return []
    counts = {}
    rows = (
        ReturnCondition.objects.filter(quarterly_return_id__in=return_ids)
        .exclude(status=ConditionStatus.MET)
        .values("key", "label", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        entry = counts.setdefault(row["key"], ConditionCount(row["key"], row["label"]))
        if row["status"] == ConditionStatus.NOT_MET:
            entry.not_met += row["n"]
        elif row["status"] == ConditionStatus.IN_PROGRESS:
            entry.in_progress += row["n"]
        else:
            entry.not_answered += row["n"]
    return sorted(counts.values(), key=lambda c: (-c.total, c.label))
