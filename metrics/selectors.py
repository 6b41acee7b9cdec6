"""Reads of Part 2 for the plan view-model; filled in by the Part 2 issue."""


def part2_view(plan):
    """Everything of Part 2 the pages, the PDF, the workbook and the JSON show, or None when empty."""
    return None
