"""Downloads of a plan's outputs: the Part 1 PDF, with a "preparing your document" page while it renders.

Every plan is found through the scoped selector, so another HWB's plan is a 404. A PDF that cannot
be rendered gives a page that says so (503), never the generic server error.
"""

import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from plans.access import plan_for_user
from plans.content.selectors import plan_view
from plans.outputs.letter import letter_filename, letter_pdf
from plans.outputs.pdf import is_cached, plan_pdf
from plans.outputs.workbook import CONTENT_TYPE, workbook_bytes, workbook_filename

logger = logging.getLogger("bcf.pdf")


@login_required
@require_GET
def part1(request, plan_id):
    """The link on the plan page: the file at once when it is ready, otherwise a page that fetches it."""
    plan = plan_for_user(request.user, plan_id)
    file_url = reverse("outputs:part1_pdf", args=[plan.pk])
    try:
        ready = is_cached(plan_view(plan))
    except Exception:
        logger.exception("Could not look up the cached Part 1 PDF of plan %s", plan.pk)
        ready = False
    if ready:
        return redirect(file_url)
    response = render(request, "plans/outputs/preparing.html", {"plan": plan, "file_url": file_url})
    # The browser keeps this page on screen and follows the header to the file, which downloads.
    response["Refresh"] = f"1; url={file_url}"
    return response


@login_required
@require_GET
def part1_pdf(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    try:
        pdf = plan_pdf(plan_view(plan))
    except Exception:
        reference = uuid.uuid4().hex[:8].upper()
        logger.exception("Could not render the Part 1 PDF of plan %s (reference %s)", plan.pk, reference)
        return render(
            request,
            "plans/outputs/pdf_error.html",
            {"plan": plan, "reference": reference, "file_url": reverse("outputs:part1_pdf", args=[plan.pk])},
            status=503,
        )
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf.filename)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{pdf.key}"'
    return response


@login_required
@require_GET
def workbook(request, plan_id):
    """The plan's Part 2 workbook, with live formulas, made afresh from the plan as it is now."""
    plan = plan_for_user(request.user, plan_id)
    response = HttpResponse(workbook_bytes(plan), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(plan))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def outcome_letter(request, plan_id):
    """The assurance outcome letter of a version, for everyone who may read the plan."""
    plan = plan_for_user(request.user, plan_id, related=("hwb__local_authority", "hwb__area_team"))
    if not plan.outcome:
        raise Http404("No outcome has been recorded for this version")
    response = HttpResponse(letter_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, letter_filename(plan))
    response["X-Content-Type-Options"] = "nosniff"
    return response
