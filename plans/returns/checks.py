"""The checks of a quarterly return (DOMAIN.md §10): errors block sign-off, warnings are shown to
everyone who reads the return. One function per section, registered in SECTION_CHECKS; each returns
Issues (bcf.core.issues) whose `section` is the section's slug and `anchor` the field's id."""

from bcf.core.issues import COMPLETED, ERROR, HAS_ERRORS, IN_PROGRESS, MISSING, NOT_STARTED, WARNING, Issue
from plans import deadlines
from plans.models import ConditionStatus
from plans.returns import calculations as calc

# The sections of a return, in the order of its task list: (slug, title).
SECTIONS = (
    ("cover", "Cover"),
    ("budget", "Budget arrangements"),
    ("conditions", "National conditions"),
    ("finance", "Income and expenditure"),
    ("admissions", "Non-elective admissions (pay for performance)"),
    ("metrics", "Supporting metrics"),
    ("narrative", "Narrative"),
)
SECTION_TITLES = dict(SECTIONS)


def _missing(section, anchor, what):
    return Issue(ERROR, f"Enter {what}", section, anchor, kind=MISSING)


def cover(view):
    ret = view.ret
    fields = (
        ("cover_name", "the name of the person who completed the return"),
        ("cover_role", "their role"),
        ("cover_email", "their email address"),
        ("cover_telephone", "their telephone number"),
        ("cover_date", "the date the return was completed"),
    )
    return [_missing("cover", name, what) for name, what in fields if not getattr(ret, name)]


def budget(view):
    ret = view.ret
    if ret.pooled is None:
        return [
            Issue(
                ERROR,
                "Say whether the funds have been pooled via a section 75 pooled budget",
                "budget",
                "pooled",
                kind=MISSING,
            )
        ]
    if ret.pooled:
        return []
    out = []
    if ret.pooled_expected_date is None:
        out.append(_missing("budget", "pooled_expected_date", "the date the funds are expected to be pooled"))
    if not ret.pooled_commentary.strip():
        out.append(_missing("budget", "pooled_commentary", "a commentary on why the funds are not pooled yet"))
    return out


def conditions(view):
    out = []
    for row in view.conditions:
        anchor = f"condition-{row.key}"
        if not row.status:
            out.append(
                Issue(ERROR, f"Give the status of the condition “{row.label}”", "conditions", anchor, kind=MISSING)
            )
            continue
        if row.status == ConditionStatus.MET:
            continue
        if row.date is None:
            out.append(
                Issue(ERROR, f"Give the date the condition “{row.label}” will be met", "conditions", f"{anchor}-date")
            )
        if not row.commentary.strip():
            out.append(
                Issue(
                    ERROR,
                    f"Explain in a commentary why the condition “{row.label}” is not met",
                    "conditions",
                    f"{anchor}-commentary",
                )
            )
    return out


def finance(view):
    out = []
    for kind, lines in (("income", view.income), ("expenditure", view.expenditure)):
        for index, line in enumerate(lines):
            row = line.row
            name = f"{row.organisation} ({row.kind_label or row.kind})" if kind == "income" else row.scheme_ref
            anchor = f"{kind}-{index}"
            if row.forecast is None or row.actual_to_date is None:
                out.append(
                    Issue(
                        ERROR,
                        f"Enter the forecast and the actual to date for {kind} “{name}”",
                        "finance",
                        anchor,
                        kind=MISSING,
                    )
                )
            for field in ("forecast", "actual_to_date"):
                value = getattr(row, field)
                if value is not None and value < 0:
                    out.append(Issue(ERROR, f"The {kind} “{name}” cannot be negative", "finance", anchor))
            if kind == "expenditure" and line.over_forecast:
                out.append(
                    Issue(WARNING, f"Spend to date on “{name}” is above the forecast for the year", "finance", anchor)
                )
    return out


def admissions(view):
    ret, quarter = view.ret, view.quarter
    if quarter is None:
        return []
    out = []
    for k in range(1, quarter + 1):
        actual = ret.actuals[k - 1]
        label = ret.period.p4p_label if k == quarter else f"quarter {k}"
        if actual is None:
            out.append(_missing("admissions", f"actual_{k}", f"the actual non-elective admissions for {label}"))
    if view.p4p_row is not None:
        actual, planned = ret.actuals[quarter - 1], view.p4p_row.planned[quarter - 1]
        if calc.admissions_off_plan(actual, planned):
            out.append(
                Issue(
                    WARNING,
                    f"Actual admissions for {ret.period.p4p_label} ({actual:,}) are more than 20% away from the "
                    f"plan ({planned:,}): explain why in the narrative",
                    "admissions",
                    f"actual_{quarter}",
                )
            )
    published = view.published_for_quarter
    actual = ret.actuals[quarter - 1]
    if published is not None and actual is not None and published != actual:
        out.append(
            Issue(
                WARNING,
                f"Your actual admissions for {ret.period.p4p_label} ({actual:,}) differ from the published figure "
                f"({published:,}): explain the difference in the narrative",
                "admissions",
                f"actual_{quarter}",
            )
        )
    return out


def metrics(view):
    out = []
    for index, line in enumerate(view.metrics):
        row = line.row
        anchor = f"metric-{index}"
        if row.actual is None or not row.period.strip():
            out.append(
                Issue(
                    ERROR,
                    f"Enter the latest actual of {row.code} and the period it covers",
                    "metrics",
                    anchor,
                    kind=MISSING,
                )
            )
        elif line.on_track is False and not view.ret.narrative.strip():
            out.append(
                Issue(
                    WARNING,
                    f"{row.code} is not on track: say in the narrative what is being done about it",
                    "metrics",
                    anchor,
                )
            )
    return out


def narrative(view):
    if not view.ret.narrative.strip():
        return [_missing("narrative", "narrative", "the narrative: progress, risks and support needed")]
    return []


SECTION_CHECKS = {
    "cover": cover,
    "budget": budget,
    "conditions": conditions,
    "finance": finance,
    "admissions": admissions,
    "metrics": metrics,
    "narrative": narrative,
}


def late(view):
    """A warning when the return is late: not submitted by its due date (or submitted after it)."""
    ret = view.ret
    due = ret.period.due
    submitted = getattr(ret, "submitted_at", None)
    day = submitted.date() if submitted else deadlines.now().date()
    if day > due:
        return [Issue(WARNING, f"This return was due on {due:%-d %B %Y}", "cover", "")]
    return []


def check_return(view):
    """Every issue of the return, errors first within each section, the late warning last."""
    out = []
    for check in SECTION_CHECKS.values():
        out.extend(check(view))
    return out + late(view)


def section_statuses(view, issues=None):
    """{slug: task list status} for the return's task list."""
    issues = check_return(view) if issues is None else issues
    ret = view.ret
    started = {
        "cover": any((ret.cover_name, ret.cover_role, ret.cover_email, ret.cover_telephone, ret.cover_date)),
        "budget": ret.pooled is not None,
        "conditions": any(c.status for c in view.conditions),
        "finance": any(
            line.row.forecast is not None or line.row.actual_to_date is not None
            for line in view.income + view.expenditure
        ),
        "admissions": view.quarter is None or any(a is not None for a in ret.actuals),
        "metrics": any(line.row.actual is not None for line in view.metrics) or not view.metrics,
        "narrative": bool(ret.narrative.strip()),
    }
    out = {}
    for slug, _title in SECTIONS:
        mine = [i for i in issues if i.section == slug and i.level == ERROR]
        if not mine:
            out[slug] = COMPLETED
        elif not started[slug]:
            out[slug] = NOT_STARTED
        elif any(i.kind != MISSING for i in mine):
            out[slug] = HAS_ERRORS
        else:
            out[slug] = IN_PROGRESS
    return out
