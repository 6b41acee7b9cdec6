"""The Part 2 checks of DOMAIN.md §6 (funding, expenditure, P4P, metrics); filled in by the Part 2 issue."""


def check_part2(view):
    """Errors and warnings about the plan's Part 2, as plans.checks.Issue objects."""
    return []
