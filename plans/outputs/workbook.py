"""The whole plan's Part 2 workbook: Part 2 laid out by metrics.exports.workbook, with the plan's
check results on its checks tab."""

from django.utils.text import slugify

from metrics.exports.workbook import workbook_for_view
from metrics.selectors import build_part2_view
from plans.content.checks import check_plan
from plans.content.selectors import plan_view

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_filename(plan):
    return f"bcf-part2-{slugify(plan.hwb.name)}-{plan.round}-v{plan.version}.xlsx"


def workbook_bytes(plan):
    """The plan's Part 2 workbook as .xlsx bytes (exporter of `export_plan --format xlsx`)."""
    view = plan_view(plan)
    part2 = view.part2 if view.part2 is not None else build_part2_view(view.plan)
    return workbook_for_view(view.plan, part2, check_plan(view))
