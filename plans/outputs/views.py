"""Downloads of a plan's outputs: the Part 1 PDF, with a "preparing your document" page while a
background job lays it out (plans/outputs/jobs.py: render_preview). No request ever waits on a render.

Every plan is found through the scoped selector, so another HWB's plan is a 404. A PDF that could not
be prepared gives a page that says why, never the generic server error.
"""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from plans.access import plan_for_user
from plans.content.selectors import plan_view
from plans.models import FileJobStatus
from plans.outputs import jobs as file_jobs
from plans.outputs.letter import letter_filename, letter_pdf
from plans.outputs.pdf import PdfCache, cache_key, pdf_filename, view_digest
from plans.outputs.workbook import CONTENT_TYPE, workbook_bytes, workbook_filename

logger = logging.getLogger("bcf.pdf")
POLL_SECONDS = 2


def _cached(view):
    digest = view_digest(view)
    key = cache_key(view, digest)
    return key, PdfCache().get(key), pdf_filename(view, digest)


def _progress(job):
    """What the preparing page says about the job."""
    if job.status == FileJobStatus.RUNNING:
        seconds = int((timezone.now() - job.started_at).total_seconds()) if job.started_at else 0
        return f"Laying out the pages: started {seconds} second{'s' if seconds != 1 else ''} ago."
    if job.status == FileJobStatus.QUEUED:
        ahead = file_jobs.queue_position(job)
        if ahead:
            return f"Waiting to start: {ahead} other document{'s are' if ahead != 1 else ' is'} being prepared first."
        return "Waiting to start."
    if job.status == FileJobStatus.READY:
        return "Ready."
    return job.message


@login_required
@require_GET
def part1(request, plan_id):
    """The link on the plan page: the file at once when it is ready; otherwise a page that shows the
    job preparing it and looks again every few seconds (and polls `part1_status` with JavaScript)."""
    plan = plan_for_user(request.user, plan_id)
    view = plan_view(plan)
    file_url = reverse("outputs:part1_pdf", args=[plan.pk])
    _key, data, _name = _cached(view)
    if data is not None:
        return redirect(file_url)
    job = file_jobs.latest_preview(view)
    if job is None or (job.status == FileJobStatus.FAILED and request.GET.get("again")):
        job = file_jobs.queue_preview(view)
    elif job.status == FileJobStatus.READY:
        job = file_jobs.queue_preview(view)  # ready but no longer in the cache (emptied): make it again
    context = {
        "plan": plan,
        "file_url": file_url,
        "job": job,
        "progress": _progress(job),
        "status_url": reverse("outputs:part1_status", args=[plan.pk]),
        "again_url": reverse("outputs:part1", args=[plan.pk]) + "?again=1",
    }
    if job.status == FileJobStatus.FAILED:
        return render(request, "plans/outputs/pdf_error.html", context, status=503)
    # Without JavaScript the page's <noscript> refresh looks again every POLL_SECONDS.
    return render(request, "plans/outputs/preparing.html", {**context, "poll_seconds": POLL_SECONDS})


@login_required
@require_GET
def part1_status(request, plan_id):
    """The preparing page's poll: the job's state as JSON."""
    plan = plan_for_user(request.user, plan_id)
    view = plan_view(plan)
    _key, data, _name = _cached(view)
    job = file_jobs.latest_preview(view)
    status = "ready" if data is not None else (job.status if job else "none")
    return JsonResponse(
        {
            "status": status,
            "progress": "Ready." if data is not None else (_progress(job) if job else ""),
            "file_url": reverse("outputs:part1_pdf", args=[plan.pk]),
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_GET
def part1_pdf(request, plan_id):
    """The prepared PDF; while it is not ready, the preparing page."""
    plan = plan_for_user(request.user, plan_id)
    view = plan_view(plan)
    key, data, filename = _cached(view)
    if data is None:
        return redirect("outputs:part1", plan.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{key}"'
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
