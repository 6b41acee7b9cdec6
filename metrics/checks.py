"""The Part 2 checks of DOMAIN.md §6 (funding, expenditure, benefits, P4P, metrics).

Errors block "ready for sign-off" and submission; warnings are shown to editors, signatories and
reviewers. Each issue links to the Part 2 page where it is put right. A plan whose Part 2 has not
been started gets one warning rather than a page of errors: Part 1 can be worked on first.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from bcf.core.issues import ERROR, MISSING, PROBLEM, WARNING, Issue
from bcf.core.placeholders import find_placeholders
from metrics import calculations as calc
from metrics.definitions import (
    CAPITAL_KINDS,
    MINIMUM_REDUCTION_PERCENT,
    YEARS,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
)
from metrics.formatting import format_count, format_metric_value, format_money, format_percent

SECTION = "part-2"
FUNDING, EXPENDITURE, BENEFITS, P4P, METRICS = "funding", "expenditure", "benefits", "p4p", "metrics"
PAGE_TITLES = {
    FUNDING: "Funding sources",
    EXPENDITURE: "Expenditure plan",
    BENEFITS: "Benefits plan",
    P4P: "Pay-for-performance metric",
    METRICS: "Metrics",
}
# The Part 1 question whose amount is the total for protecting adult social care, per edition.
SOCIAL_CARE_QUESTION = {"2014-04": "conditions.social_care_protection", "2014-09": "conditions.social_care_amount"}


@dataclass(frozen=True)
class Part2Issue:
    page: str  # FUNDING, EXPENDITURE, …: the task-list item it belongs to
    issue: Issue


def check_part2(view):
    """Errors and warnings about the plan's Part 2, as plans.content.checks.Issue objects."""
    return [found.issue for found in part2_issues(view)]


def part2_issues(view, part2=None):
    """The Part 2 issues with the page each belongs to. `view` is the plan view-model."""
    plan = view.plan
    part2 = part2 if part2 is not None else view.part2
    found = []

    def add(page, level, message, anchor="", kind=PROBLEM, url=None):
        url = url or _url(plan, page)
        if anchor:
            url += f"#{anchor}"
        issue = Issue(level, f"Part 2, {PAGE_TITLES[page].lower()}: {message}", SECTION, anchor, kind, url)
        found.append(Part2Issue(page, issue))

    if part2 is None or part2.is_empty:
        # "Both parts must be completed" (the templates' own words): an error for both editions.
        issue = Issue(
            ERROR,
            "Part 2 (finance and metrics) has not been started: both parts of the plan must be completed, "
            "so add its funding, expenditure, benefits and metrics before it is signed off",
            SECTION,
            "",
            MISSING,
            reverse("metrics:summary", args=[plan.pk]),
        )
        return [Part2Issue("", issue)]
    for check in PART2_CHECKS:
        if check.applies(part2.definition):
            check.run(view, part2, add)
    return found


@dataclass
class _PlanAnswers:
    """What the Part 2 checks read of a plan when there is no full plan view-model (Part 2 pages)."""

    plan: object
    answers: dict
    part2: object


def issues_for(plan, part2):
    """The Part 2 issues of a plan from its Part 2 view-model alone (the answers are read from the
    plan's prefetched answers where plan_view loaded them, else with one query)."""
    keys = set(SOCIAL_CARE_QUESTION.values())
    if "answers" in getattr(plan, "_prefetched_objects_cache", {}):
        found = [a for a in plan.answers.all() if a.key in keys]
    else:
        found = plan.answers.filter(key__in=keys)
    answers = {a.key: a for a in found}
    return part2_issues(_PlanAnswers(plan, answers, part2), part2)


def _url(plan, page, *args):
    return reverse(f"metrics:{page}", args=[plan.pk, *args])


def _placeholders(add, page, text, anchor, where):
    for placeholder in find_placeholders(text):
        add(page, ERROR, f"{where}: template placeholder “{placeholder}” left in", anchor)


def _funding(view, part2, add):
    plan = part2.plan
    if not part2.funding:
        add(FUNDING, ERROR, "enter the contributions of the local authority and the CCGs", "funding", MISSING)
        return
    organisations = part2.organisations
    la = organisations[0]
    for row in part2.funding:
        if row.organisation not in organisations:
            add(FUNDING, ERROR, f"{row.organisation} is not the local authority or a CCG of the plan", "funding")
        elif row.kind in CAPITAL_KINDS and row.organisation != la:
            add(
                FUNDING,
                ERROR,
                f"the {row.get_kind_display()} of {row.organisation} belongs on the local authority's row",
            )
    totals, agreed = part2.funding_totals, part2.agreed
    own_minimum = {"2014/15": plan.minimum_2014_15, "2015/16": plan.minimum_2015_16}
    for year in YEARS:
        anchor = f"total-{year.replace('/', '-')}"
        total, minimum = totals[year], part2.minimum[year]
        if agreed[year] is not None and total != agreed[year]:
            add(
                FUNDING,
                ERROR,
                f"the funding for {year} adds up to {format_money(total)}, not the total agreed value of the pooled "
                f"budget ({format_money(agreed[year])}): a difference of "
                f"{format_money(calc.difference(total, agreed[year]))}",
                anchor,
            )
        # The summary's own check already reports an agreed total below the plan's stated minimum.
        reported = own_minimum[year] is not None and agreed[year] is not None and total == agreed[year]
        if minimum is not None and total < minimum and not reported:
            add(
                FUNDING,
                ERROR,
                f"the funding for {year} ({format_money(total)}) is below the minimum required value of the pooled "
                f"budget ({format_money(minimum)})",
                anchor,
            )
        if own_minimum[year] is None and minimum is not None and agreed[year] is not None and agreed[year] < minimum:
            add(
                FUNDING,
                ERROR,
                f"the total agreed value of the pooled budget for {year} ({format_money(agreed[year])}) is below the "
                f"minimum required by the national allocations ({format_money(minimum)})",
                anchor,
            )


def _expenditure(view, part2, add):
    if not part2.expenditure:
        add(EXPENDITURE, ERROR, "enter the planned expenditure of each scheme", "expenditure", MISSING)
        return
    for index, row in enumerate(part2.expenditure, start=1):
        anchor = f"expenditure-{row.pk}"
        if row.scheme_id is None:
            add(
                EXPENDITURE, ERROR, f"line {index} has no scheme (was its scheme removed?): choose one", anchor, MISSING
            )
        if row.commissioner == Commissioner.JOINT and row.nhs_share_percent is None:
            add(EXPENDITURE, ERROR, f"line {index} is jointly commissioned: give the NHS share (%)", anchor, MISSING)
    if part2.funding:
        for year in YEARS:
            spent, funded = part2.expenditure_totals[year], part2.funding_totals[year]
            if spent != funded:
                add(
                    EXPENDITURE,
                    ERROR,
                    f"the expenditure for {year} adds up to {format_money(spent)}, not the funding total "
                    f"({format_money(funded)}): a difference of {format_money(calc.difference(spent, funded))}",
                    f"total-{year.replace('/', '-')}",
                )
    key = SOCIAL_CARE_QUESTION.get(part2.plan.edition)
    answer = view.answers.get(key) if key else None
    stated = answer.amount if answer is not None else None
    if stated is not None:
        social_care = dict(part2.expenditure_by_area).get(AreaOfSpend.SOCIAL_CARE, {}).get("2015/16")
        social_care = social_care if social_care is not None else calc.money_sum([])
        if social_care != stated:
            add(
                EXPENDITURE,
                WARNING,
                f"the expenditure on social care in 2015/16 adds up to {format_money(social_care)}, but the plan "
                f"states {format_money(stated)} for the protection of adult social care services",
                "by-area",
            )


def _benefits(view, part2, add):
    if not part2.benefits:
        add(BENEFITS, ERROR, "enter the quantified benefits of the schemes", "add-benefit", MISSING)
        return
    for index, benefit in enumerate(part2.benefits, start=1):
        row = benefit.row
        anchor = f"benefit-{row.pk}"
        if row.scheme_id is None:
            add(BENEFITS, ERROR, f"line {index} has no scheme (was its scheme removed?): choose one", anchor, MISSING)
        if row.measure == BenefitMeasure.OTHER and not row.measure_other.strip():
            add(BENEFITS, ERROR, f"line {index}: name the benefit measure", anchor, MISSING)
        _placeholders(add, BENEFITS, row.measure_other, anchor, f"line {index}")
        _placeholders(add, BENEFITS, row.unit, anchor, f"line {index}")


def _p4p(view, part2, add):
    p4p = part2.p4p
    if p4p is None or not p4p.complete:
        missing = []
        if p4p is None or p4p.population is None:
            missing.append("the population")
        if p4p is None or p4p.baseline_total is None:
            missing.append("the baseline admissions for four quarters")
        if p4p is None or p4p.plan_total is None:
            missing.append("the planned admissions for four quarters")
        add(
            P4P,
            ERROR,
            "enter " + ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1],
            "p4p",
            MISSING,
        )
    if p4p is None:
        return
    if p4p.performance_element is None:
        add(P4P, ERROR, "enter the performance-related element of the fund", "id_performance_element", MISSING)
    if p4p.needs_justification:
        reduction = (
            f"the planned reduction of {format_percent(p4p.percent)} ({format_count(p4p.avoided)} admissions) is below "
            f"the expected minimum of {format_percent(MINIMUM_REDUCTION_PERCENT)} "
            f"({format_count(p4p.minimum_avoided)} admissions)"
        )
        if p4p.justification.strip():
            add(P4P, WARNING, f"{reduction}; the plan gives a justification", "id_justification")
        else:
            add(P4P, ERROR, f"{reduction}: give a justification", "id_justification", MISSING)
    if p4p.over_element:
        add(
            P4P,
            WARNING,
            f"the value of the reduction ({format_money(p4p.value)}) is more than the performance-related element "
            f"({format_money(p4p.performance_element)}), so nothing is left for NHS out-of-hospital services",
            "figures",
        )
    _placeholders(add, P4P, p4p.justification, "id_justification", "justification")


def _metrics(view, part2, add):
    plan = part2.plan
    for metric in part2.metrics:
        url = _url(plan, "metric", metric.code)
        definition = metric.definition
        where = definition.label

        def missing(message, anchor, url=url, where=where):
            add(METRICS, ERROR, f"{where}: {message}", anchor, MISSING, url=url)

        saved = metric.metric
        first_input = "id_f0_numerator" if definition.has_ratio else "id_f0_stated_value"
        if saved is None or all(figure.empty for figure in metric.figures):
            missing("enter its baseline and targets", first_input)
            continue
        if definition.named and not saved.name.strip():
            missing("name the measure", "id_name")
        if definition.described and not (saved.definition.strip() and saved.source.strip()):
            missing("give its definition and source", "id_definition")
        if metric.baseline.value is None:
            missing("enter the baseline", first_input)
        for position, target in enumerate(metric.targets, start=1):
            anchor = f"id_f{position}_numerator" if definition.has_ratio else f"id_f{position}_stated_value"
            if target.value is None:
                missing(f"enter the {target.label}", anchor)
            elif target.consistent is False:
                add(
                    METRICS,
                    WARNING,
                    f"{where}: the {target.label} ({format_metric_value(definition, target.value)}) does not "
                    "agree with "
                    f"its stated change of {format_percent(target.percent_change, signed=True)} from the baseline "
                    f"({format_metric_value(definition, metric.baseline.value)}), which gives "
                    f"{format_metric_value(definition, target.expected)}",
                    anchor,
                    url=url,
                )
        for name in ("name", "definition", "source", "comment"):
            for placeholder in find_placeholders(getattr(saved, name)):
                add(METRICS, ERROR, f"{where}: template placeholder “{placeholder}” left in", f"id_{name}", url=url)


@dataclass(frozen=True)
class Part2Check:
    """One rule of the Part 2 checks: the page it is about, whether the edition has it, the function."""

    page: str
    applies: Callable
    run: Callable  # (view, part2, add)


def _always(_definition):
    return True


# In the workbook's order, so the check page lists Part 2's issues as the tabs come.
PART2_CHECKS = (
    Part2Check(FUNDING, _always, _funding),
    Part2Check(EXPENDITURE, _always, _expenditure),
    Part2Check(BENEFITS, _always, _benefits),
    Part2Check(P4P, lambda definition: definition.has_p4p, _p4p),
    Part2Check(METRICS, _always, _metrics),
)
