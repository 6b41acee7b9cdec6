"""Reads for the area team's review list and the national dashboard, scoped to the user.

Each list is a fixed number of queries however many plans there are: the pooled budget is summed in
subqueries, the P4P metric, submission, check counts and outcome are joined, and the stored files
are prefetched without their bytes. Figures come from metrics.calculations, as on the plan's pages.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from metrics import calculations as calc
from metrics.definitions import MINIMUM_REDUCTION_PERCENT, YEARS, part2_edition
from metrics.formatting import format_percent
from metrics.models import FundingRow, ReferenceData
from plans import deadlines
from plans.access import plans_for_user, roles_for_user
from plans.models import (
    SUBMITTED_STATES,
    AssuranceOutcome,
    AssuranceOutcomeChoice,
    ChangeRecord,
    HealthAndWellbeingBoard,
    Plan,
    PlanStatus,
    Role,
    SectionComment,
    Submission,
    SubmissionFile,
    Verb,
)

MONEY = DecimalField(max_digits=16, decimal_places=2)
NO_OUTCOME = "none"

# ?sort= keys of the area team's list and the database ordering each stands for.
AREA_SORTS = {
    "hwb": ("hwb__name",),
    "state": ("status", "hwb__name"),
    "round": ("round", "version", "hwb__name"),
    "version": ("version", "hwb__name"),
    "submitted": ("submission__submitted_at", "hwb__name"),
    "late": ("submission__is_late", "hwb__name"),
    "outcome": ("assurance__outcome", "hwb__name"),
    "budget": ("pooled_2015_16", "hwb__name"),
}


def reviewer_area_team_ids(user):
    return sorted({r.area_team_id for r in roles_for_user(user) if r.role == Role.REVIEWER})


def is_national_viewer(user):
    return user.is_authenticated and any(r.role == Role.NATIONAL for r in roles_for_user(user))


def _pooled(year):
    column = "amount_" + year.replace("/", "_")
    total = (
        FundingRow.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def _with_figures(plans):
    return (
        plans.select_related("hwb__area_team", "hwb__local_authority", "submission__check_summary", "assurance", "p4p")
        .annotate(pooled_2014_15=_pooled("2014/15"), pooled_2015_16=_pooled("2015/16"))
        .prefetch_related(
            Prefetch(
                "submission__files",
                queryset=SubmissionFile.objects.defer("content").order_by("kind"),
                to_attr="stored_files",
            )
        )
    )


def _related(instance, name):
    """A reverse one-to-one joined by select_related, or None when there is no row."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


@dataclass
class PlanRow:
    """One plan version with the figures the review list and the dashboard show."""

    plan: Plan
    submission: object
    files: list
    pooled: dict  # {"2014/15": Decimal, "2015/16": Decimal}
    reduction_percent: object  # planned non-elective reduction (%), or None
    meets_minimum: object  # True / False / None
    p4p_value: object
    outcome: object  # AssuranceOutcome or None
    check: object  # SubmissionCheck or None
    minimum: dict = field(default_factory=dict)

    @property
    def warnings(self):
        return None if self.check is None else self.check.warnings

    @property
    def is_late(self):
        return bool(self.submission and self.submission.is_late)

    @property
    def pooled_2014_15(self):
        return self.pooled["2014/15"]

    @property
    def pooled_2015_16(self):
        return self.pooled["2015/16"]

    @property
    def reduction_text(self):
        """As Part 2's pages show it: one decimal place."""
        return format_percent(self.reduction_percent)


def plan_row(plan):
    submission = _related(plan, "submission")
    p4p = _related(plan, "p4p") if part2_edition(plan.edition).has_p4p else None
    percent = meets = value = None
    if p4p is not None:
        baseline_total = calc.quarters_total(p4p.baseline)
        avoided = calc.admissions_avoided(p4p.baseline, p4p.planned)
        percent = calc.percent_reduction(baseline_total, avoided)
        meets = calc.meets_minimum_reduction(baseline_total, avoided)
        value = calc.p4p_value(avoided, p4p.unit_saving)
    return PlanRow(
        plan=plan,
        submission=submission,
        files=getattr(submission, "stored_files", []) if submission else [],
        pooled={"2014/15": plan.pooled_2014_15, "2015/16": plan.pooled_2015_16},
        reduction_percent=percent,
        meets_minimum=meets,
        p4p_value=value,
        outcome=_related(plan, "assurance"),
        check=_related(submission, "check_summary") if submission else None,
    )


# --- the area team's list ------------------------------------------------------------------------------


def area_plans(user, *, state="", outcome="", late="", sort="hwb"):
    """The current plan of every HWB of the reviewer's area teams, filtered and ordered; a queryset
    to paginate, then turn each plan of the page into a PlanRow with `plan_row`."""
    plans = plans_for_user(user).filter(hwb__area_team_id__in=reviewer_area_team_ids(user), is_current=True)
    if state:
        plans = plans.filter(status=state)
    if outcome == NO_OUTCOME:
        plans = plans.filter(assurance__isnull=True)
    elif outcome:
        plans = plans.filter(assurance__outcome=outcome)
    if late == "yes":
        plans = plans.filter(submission__is_late=True)
    elif late == "no":
        plans = plans.exclude(submission__is_late=True)
    descending = sort.startswith("-")
    ordering = AREA_SORTS.get(sort.lstrip("-"), AREA_SORTS["hwb"])
    first = ordering[0]
    ordering = [f"-{first}" if descending else first, *ordering[1:], "pk"]
    return _with_figures(plans).order_by(*ordering)


def area_hwbs_without_plan(user):
    """HWBs of the reviewer's area teams with no current plan at all (nothing started)."""
    return (
        HealthAndWellbeingBoard.objects.filter(area_team_id__in=reviewer_area_team_ids(user))
        .exclude(plans__is_current=True)
        .select_related("area_team")
        .order_by("name")
    )


def area_submitted_files(user):
    """Every stored file of every submitted version of the reviewer's area (each version, every
    round), with its bytes: for the zip download."""
    plans = plans_for_user(user).filter(hwb__area_team_id__in=reviewer_area_team_ids(user))
    return (
        SubmissionFile.objects.filter(submission__plan__in=plans)
        .select_related("submission__plan__hwb")
        .order_by("submission__plan__hwb__name", "submission__version", "kind")
    )


def area_version_count(user):
    """How many submitted versions with stored files the area zip holds."""
    return area_submitted_files(user).order_by().values("submission_id").distinct().count()


MAX_VERSIONS_BACK = 20  # a plan line is a handful of versions; a bound all the same


def earlier_versions(plan):
    """The ids of the versions this one was started from, newest first (one query each, bounded)."""
    ids, previous = [], plan.previous_id
    while previous and len(ids) < MAX_VERSIONS_BACK:
        ids.append(previous)
        previous = Plan.objects.filter(pk=previous).values_list("previous_id", flat=True).first()
    return ids


def section_comments(plan):
    """The comment threads to show on this version, by section: {slug: [(thread, [replies])]}, oldest
    first. Every thread on this version and the one before it, and every thread still open (not
    marked answered) on any earlier version: what the area team asked for follows the plan."""
    earlier = earlier_versions(plan)
    if not earlier and plan.date_submitted is None:
        return {}  # threads start only on submitted versions (review.comment_add): nothing to read
    comments = SectionComment.objects.filter(plan_id__in=[plan.pk, *earlier]).select_related("plan")
    recent = {plan.pk, *earlier[:1]}
    threads, replies = {}, {}
    for c in comments:
        if c.parent_id is None:
            if c.plan_id in recent or c.answered_at is None:
                threads.setdefault(c.section, []).append(c)
        else:
            replies.setdefault(c.parent_id, []).append(c)
    return {section: [(t, replies.get(t.pk, [])) for t in items] for section, items in threads.items()}


@dataclass
class AskedFor:
    """What the area team asked of the Board on earlier versions of this plan."""

    returns: list  # ChangeRecords: the reasons each earlier version was returned
    conditions: list  # AssuranceOutcomes with conditions on earlier versions
    open_threads: list  # SectionComments not yet marked answered, with their section


def asked_for(plan):
    earlier = earlier_versions(plan)
    if not earlier:
        return AskedFor([], [], [])
    returns = list(ChangeRecord.objects.filter(plan_id__in=earlier, verb=Verb.RETURNED).select_related("plan", "user"))
    conditions = list(
        AssuranceOutcome.objects.filter(plan_id__in=earlier).exclude(conditions="").select_related("plan")
    )
    open_threads = list(
        SectionComment.objects.filter(plan_id__in=[plan.pk, *earlier], parent__isnull=True, answered_at__isnull=True)
        .select_related("plan")
        .order_by("created_at", "pk")
    )
    sections = {s.slug: s for s in plan.edition_def.sections}
    for thread in open_threads:
        thread.section_def = sections.get(thread.section)
    return AskedFor(returns, conditions, open_threads)


# --- the national dashboard ----------------------------------------------------------------------------


def national_plans(user):
    """The newest submitted version of each plan line the user can read (national viewers: every
    submitted, returned or assured plan); an earlier version that has been superseded by a later
    submitted one is not counted twice."""
    return _with_figures(
        plans_for_user(user)
        .filter(status__in=SUBMITTED_STATES)
        .exclude(next_versions__status__in=SUBMITTED_STATES)
        .distinct()
    ).order_by("hwb__name", "round", "pk")


def national_plan_count(user):
    """How many rows the national CSV has (one per plan line), without working out the figures."""
    return (
        plans_for_user(user)
        .filter(status__in=SUBMITTED_STATES)
        .exclude(next_versions__status__in=SUBMITTED_STATES)
        .order_by()
        .values("pk")
        .distinct()
        .count()
    )


def _minimums(rows):
    """The plan's own minimum pooled budget, else its HWB's reference data, else the edition's default
    (field by field, as metrics.reference does), for every row from one query."""
    editions = {r.plan.edition for r in rows}
    references = {(ref.hwb_id, ref.edition): ref for ref in ReferenceData.objects.filter(edition__in=editions)}
    for row in rows:
        plan = row.plan
        own = references.get((plan.hwb_id, plan.edition))
        default = references.get((None, plan.edition))
        for year in YEARS:
            name = "minimum_" + year.replace("/", "_")
            value = getattr(plan, name)
            for ref in (own, default):
                if value is None and ref is not None:
                    value = getattr(ref, name)
            row.minimum[year] = value


# Bands of the distribution chart: (label, lower bound inclusive, upper bound exclusive).
BANDS = [
    ("Below 0%", None, Decimal(0)),
    ("0% to 1%", Decimal(0), Decimal(1)),
    ("1% to 2%", Decimal(1), Decimal(2)),
    ("2% to 3.5%", Decimal(2), MINIMUM_REDUCTION_PERCENT),
    ("3.5% to 5%", MINIMUM_REDUCTION_PERCENT, Decimal(5)),
    ("5% to 7.5%", Decimal(5), Decimal("7.5")),
    ("7.5% to 10%", Decimal("7.5"), Decimal(10)),
    ("10% or more", Decimal(10), None),
]


@dataclass
class NationalFigures:
    rows: list
    by_state: list  # [(label, count)]
    by_outcome: list
    pooled: dict
    minimum: dict
    reductions: list  # [Decimal] of the plans with a P4P metric
    bands: list  # [(label, count)]
    below_minimum: int
    p4p_total: Decimal
    minimum_percent: Decimal = MINIMUM_REDUCTION_PERCENT

    @property
    def count(self):
        return len(self.rows)

    @property
    def with_reduction(self):
        return len(self.reductions)

    @property
    def pooled_2014_15(self):
        return self.pooled["2014/15"]

    @property
    def pooled_2015_16(self):
        return self.pooled["2015/16"]

    @property
    def minimum_2014_15(self):
        return self.minimum["2014/15"]

    @property
    def minimum_2015_16(self):
        return self.minimum["2015/16"]


def _total_or_none(amounts):
    """The sum of the amounts given, or None when none is given (no minimum known anywhere)."""
    given = [a for a in amounts if a is not None]
    return calc.money_sum(given) if given else None


def national_figures(user, rows=None):
    """Every figure of the dashboard, summed over the newest submitted version of each plan."""
    rows = [plan_row(p) for p in national_plans(user)] if rows is None else rows
    _minimums(rows)
    states = [s for s in PlanStatus if s.value in SUBMITTED_STATES]
    by_state = [(s.label, sum(1 for r in rows if r.plan.status == s)) for s in states]
    by_outcome = [
        (o.label, sum(1 for r in rows if r.outcome and r.outcome.outcome == o)) for o in AssuranceOutcomeChoice
    ]
    by_outcome.append(("No outcome yet", sum(1 for r in rows if r.outcome is None)))
    reductions = [r.reduction_percent for r in rows if r.reduction_percent is not None]
    bands = []
    for label, low, high in BANDS:
        count = sum(1 for v in reductions if (low is None or v >= low) and (high is None or v < high))
        bands.append((label, count))
    return NationalFigures(
        rows=rows,
        by_state=by_state,
        by_outcome=by_outcome,
        pooled={y: calc.money_sum(r.pooled[y] for r in rows) for y in YEARS},
        minimum={y: _total_or_none(r.minimum[y] for r in rows) for y in YEARS},
        reductions=reductions,
        bands=bands,
        below_minimum=sum(1 for r in rows if r.meets_minimum is False),
        p4p_total=calc.money_sum(r.p4p_value for r in rows),
    )


NATIONAL_SORTS = {
    "hwb": lambda r: r.plan.hwb.name,
    "area": lambda r: (r.plan.hwb.area_team.name if r.plan.hwb.area_team else "", r.plan.hwb.name),
    "state": lambda r: (r.plan.status, r.plan.hwb.name),
    "outcome": lambda r: (r.outcome.outcome if r.outcome else "", r.plan.hwb.name),
    "budget": lambda r: (r.pooled["2015/16"], r.plan.hwb.name),
    "reduction": lambda r: (r.reduction_percent is None, r.reduction_percent or 0, r.plan.hwb.name),
    "value": lambda r: (r.p4p_value or 0, r.plan.hwb.name),
}


def sort_rows(rows, sort):
    key = NATIONAL_SORTS.get(sort.lstrip("-"), NATIONAL_SORTS["hwb"])
    return sorted(rows, key=key, reverse=sort.startswith("-") and sort.lstrip("-") in NATIONAL_SORTS)


def plan_row_for(plan):
    """The PlanRow of one plan version (for its review page)."""
    return plan_row(_with_figures(Plan.objects.filter(pk=plan.pk)).get())


# --- who has not submitted this round ----------------------------------------------------------------


@dataclass
class BoardInRound:
    hwb: object
    plan: object  # the Board's newest version for the round, or None: nothing started
    submission: object  # its first submitted version in the round, or None
    deadline: object

    @property
    def submitted(self):
        return self.submission is not None

    @property
    def is_late(self):
        """Submitted after the deadline, or not submitted and the deadline has passed."""
        if self.deadline is None:
            return False
        if self.submission is not None:
            return self.submission.is_late
        return deadlines.now() > self.deadline

    @property
    def state(self):
        if self.plan is None:
            return "Not started"
        return self.plan.status_label


@dataclass
class RoundProgress:
    code: str
    label: str
    deadline: object
    boards: list

    @property
    def outstanding(self):
        return [b for b in self.boards if not b.submitted]

    @property
    def late(self):
        return [b for b in self.boards if b.is_late]


def round_progress(round_code):
    """Every Board in England in one round: its newest version and whether (and when) it submitted.
    Three queries whatever the number of Boards."""
    known = {code: (label, deadline) for code, label, deadline in deadlines.rounds()}
    label, deadline = known[round_code]
    hwbs = list(HealthAndWellbeingBoard.objects.select_related("area_team").order_by("name"))
    newest = {}
    for plan in Plan.objects.filter(round=round_code).order_by("hwb_id", "-version", "-pk"):
        newest.setdefault(plan.hwb_id, plan)
    first = {}
    for submission in (
        Submission.objects.filter(round=round_code)
        .select_related("plan")
        .only("pk", "submitted_at", "is_late", "version", "plan__hwb_id")
        .order_by("submitted_at", "pk")
    ):
        first.setdefault(submission.plan.hwb_id, submission)
    boards = [BoardInRound(h, newest.get(h.pk), first.get(h.pk), deadline) for h in hwbs]
    return RoundProgress(round_code, label, deadline, boards)
