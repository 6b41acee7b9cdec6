"""The Part 2 task list: one item per Part 2 page with its status, from the Part 2 checks."""

from django.urls import reverse

from bcf.core.issues import COMPLETED, ERROR, HAS_ERRORS, IN_PROGRESS, NOT_STARTED, PROBLEM
from metrics.checks import BENEFITS, EXPENDITURE, FUNDING, METRICS, P4P, PAGE_TITLES


def part2_tasks(part2, issues):
    """[{"page", "title", "url", "status"}] for the plan's edition, in the workbook's order, from the
    Part 2 issues (checks.part2_issues / issues_for)."""
    plan = part2.plan
    pages = [FUNDING, EXPENDITURE, BENEFITS, *([P4P] if part2.definition.has_p4p else []), METRICS]
    started = {
        FUNDING: bool(part2.funding),
        EXPENDITURE: bool(part2.expenditure),
        BENEFITS: bool(part2.benefits),
        P4P: part2.p4p_row is not None,
        METRICS: bool(part2.metric_rows),
    }
    tasks = []
    for page in pages:
        errors = [f.issue for f in issues if f.page == page and f.issue.level == ERROR]
        if any(e.kind == PROBLEM for e in errors):
            status = HAS_ERRORS
        elif not started[page]:
            status = NOT_STARTED
        elif errors:
            status = IN_PROGRESS
        else:
            status = COMPLETED
        title = part2.definition.metrics_title if page == METRICS else PAGE_TITLES[page]
        tasks.append(
            {"page": page, "title": title, "url": reverse(f"metrics:{page}", args=[plan.pk]), "status": status}
        )
    return tasks
