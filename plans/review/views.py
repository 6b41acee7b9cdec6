"""The area team's review pages and the national dashboard. Plans are found through the scoped
selectors (a plan of another area team is a 404); each view parses its form, calls one service and
renders. Outcomes go through plans.workflow.services.plan_assure, returns through the existing return page."""

import csv
import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bcf.core.carried import carry_form_error
from bcf.core.issues import errors, warnings
from bcf.core.spreadsheets import csv_safe
from plans import access, deadlines
from plans.access import Action, plan_for_user, user_roles_for_plan
from plans.content.checks import check_plan
from plans.content.selectors import plan_view
from plans.models import ExportKind, FileJobStatus, PlanStatus, Role, SectionComment, Submission
from plans.review import exports
from plans.review import services as review
from plans.review.forms import AreaFilterForm, CommentForm, OutcomeForm
from plans.review.national_chart import reductions_chart
from plans.review.selectors import (
    area_hwbs_without_plan,
    area_plans,
    is_national_viewer,
    national_figures,
    plan_row,
    plan_row_for,
    reviewer_area_team_ids,
    round_progress,
    section_comments,
    sort_rows,
)
from plans.workflow import services as workflow
from plans.workflow.seals import seal_problems

log = logging.getLogger(__name__)
PER_PAGE = 25


def _require_reviewer(user):
    if not reviewer_area_team_ids(user):
        raise PermissionDenied


def _sort_links(request, keys, current):
    """For each sortable column, the link that sorts by it (again: the other way round)."""
    links = {}
    for key in keys:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current == key else key
        direction = "ascending" if current == key else ("descending" if current == f"-{key}" else "none")
        links[key] = {"url": "?" + params.urlencode(), "aria": direction}
    return links


def _page_query(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def area_home(request):
    _require_reviewer(request.user)
    form = AreaFilterForm(request.GET or None)
    filters = form.values() if request.GET else {"state": "", "outcome": "", "late": "", "sort": ""}
    sort = filters.pop("sort") or "hwb"
    page = Paginator(area_plans(request.user, sort=sort, **filters), PER_PAGE).get_page(request.GET.get("page"))
    # Count the checks of a version once, the first time it is listed; afterwards the list reads them.
    if review.submission_checks_fill([p.pk for p in page.object_list]):
        page = Paginator(area_plans(request.user, sort=sort, **filters), PER_PAGE).get_page(request.GET.get("page"))
    rows = [plan_row(p) for p in page.object_list]
    return render(
        request,
        "plans/review/area_home.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "sort": sort,
            "sorts": _sort_links(request, ["hwb", "state", "round", "submitted", "outcome", "budget"], sort),
            "page_query": _page_query(request),
            "filtered": any(filters.values()),
            "without_plan": list(area_hwbs_without_plan(request.user)),
        },
    )


@login_required
@require_GET
def area_zip(request):
    """Every stored file of every submitted version of the reviewer's area, exactly as stored: at
    once when there are few versions, otherwise prepared by a job (the "being prepared" page)."""
    _require_reviewer(request.user)
    return _export(request, ExportKind.AREA_ZIP)


def _export(request, kind):
    """The export's file in this response when the set is small; for a large one, the job preparing
    it (one at a time per person and kind) and its page."""
    if exports.is_large(kind, request.user):
        job = exports.queue_export(kind=kind, user=request.user)
        return redirect("review:export", job.token)
    content, filename = exports.make_export(kind, request.user)
    return _attachment(content, exports.content_type(kind), filename)


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _own_export(request, token):
    """The user's own export job (another person's is a 404), while they still hold the role."""
    job = exports.export_for_user(request.user, token)
    if job is None:
        raise Http404
    (_require_reviewer if job.kind == ExportKind.AREA_ZIP else _require_national)(request.user)
    return job


EXPORT_POLL_SECONDS = 3


@login_required
@require_GET
def export(request, token):
    """A large download being prepared: its state, looked at again every few seconds until it is
    ready (then the download link) or has failed (then why, and a way to ask again)."""
    job = _own_export(request, token)
    back = reverse("review:area_home" if job.kind == ExportKind.AREA_ZIP else "review:national")
    again = reverse("review:area_zip" if job.kind == ExportKind.AREA_ZIP else "review:national_csv")
    context = {
        "job": job,
        "back_url": back,
        "again_url": again,
        "file_url": reverse("review:export_file", args=[job.token]),
        "poll_seconds": EXPORT_POLL_SECONDS,
    }
    response = render(request, "plans/review/export.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_file(request, token):
    """The prepared file; while it is not ready, its page."""
    job = _own_export(request, token)
    if job.status != FileJobStatus.READY or not job.file:
        return redirect("review:export", job.token)
    with job.file.open("rb") as handle:
        content = handle.read()
    return _attachment(content, exports.content_type(job.kind), job.filename)


def _reviewer_plan(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if Role.REVIEWER not in user_roles_for_plan(request.user, plan):
        raise PermissionDenied
    return plan


@login_required
@require_GET
def plan_review(request, plan_id):
    plan = _reviewer_plan(request, plan_id)
    view = plan_view(plan)
    issues = check_plan(view)
    threads = section_comments(plan)
    sections = [
        {"section": s, "comments": sum(1 + len(replies) for _t, replies in threads.get(s.slug, []))}
        for s in view.edition.sections
    ]
    row = plan_row_for(plan)
    submission = Submission.objects.filter(plan=plan).first()
    return render(
        request,
        "plans/review/plan.html",
        {
            "plan": plan,
            "view": view,
            "row": row,
            "errors": errors(issues),
            "warnings": warnings(issues),
            "sections": sections,
            "has_previous": plan.previous_id is not None,
            "record_problems": seal_problems(submission) if submission else [],
            "can_record": access.can(request.user, Action.ASSURE, plan),
            "can_return": access.can(request.user, Action.RETURN, plan),
            "can_correct": access.can(request.user, Action.CORRECT_OUTCOME, plan),
        },
    )


@login_required
@require_POST
def comment_add(request, plan_id, slug):
    plan = plan_for_user(request.user, plan_id)
    form = CommentForm(request.POST)
    section = reverse("plans:section", args=[plan.pk, slug])
    back = section + "#comments"
    if not form.is_valid():
        # GOV.UK pattern: the message goes in the page's error summary and next to the box, with the
        # typed text kept, rather than in a banner far above the box.
        parent = request.POST.get("parent", "")
        field_id = f"reply-{parent}" if parent.isascii() and parent.isdigit() else "new-comment"
        problems = [e for errs in form.errors.values() for e in errs]
        carry_form_error(
            request,
            path=section,
            field_id=field_id,
            message=problems[0],
            value=str(request.POST.get("text", ""))[:20000],
        )
        return redirect(f"{section}#{field_id}")
    parent = None
    if form.cleaned_data.get("parent"):
        parent = SectionComment.objects.filter(pk=form.cleaned_data["parent"], plan=plan).first()
        if parent is None:
            messages.error(request, "That comment is not on this plan.")
            return redirect(back)
    try:
        review.comment_add(plan=plan, user=request.user, section=slug, text=form.cleaned_data["text"], parent=parent)
    except access.NotAllowed:
        raise PermissionDenied from None
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, "Your comment has been added. The plan's editors, signatories and chair can read it.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, plan_id):
    """Record the assurance outcome of a submitted version, or correct one recorded in error."""
    plan = _reviewer_plan(request, plan_id)
    correcting = plan.status != PlanStatus.SUBMITTED
    action = Action.CORRECT_OUTCOME if correcting else Action.ASSURE
    try:
        access.require(request.user, action, plan)
    except access.NotAllowed:
        raise PermissionDenied from None
    except access.Refused as exc:
        messages.error(request, str(exc))
        return redirect("review:plan", plan.pk)
    initial = None
    if correcting:
        recorded = plan.assurance
        initial = {"outcome": recorded.outcome, "conditions": recorded.conditions, "comment": recorded.comment}
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial, correcting=correcting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"outcome": data["outcome"], "conditions": data["conditions"], "comment": data["comment"]}
        try:
            if correcting:
                workflow.plan_correct_outcome(plan=plan, user=request.user, reason=data["reason"], **fields)
            else:
                workflow.plan_assure(plan=plan, user=request.user, **fields)
        except access.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("review:plan", plan.pk)
        verb = "corrected" if correcting else "recorded"
        messages.success(request, f"Assurance outcome {verb}: {data['outcome']}")
        return redirect("review:plan", plan.pk)
    return render(
        request,
        "plans/review/outcome.html",
        {"plan": plan, "form": form, "correcting": correcting},
        status=400 if form.errors else 200,
    )


# --- national ------------------------------------------------------------------------------------------


def _require_national(user):
    if not is_national_viewer(user):
        raise PermissionDenied


NATIONAL_COLUMNS = ["hwb", "area", "state", "outcome", "budget", "reduction", "value"]


def _chosen_round(request):
    codes = [code for code, _label, _deadline in deadlines.rounds()]
    chosen = request.GET.get("round", "")
    return chosen if chosen in codes else codes[-1]


@login_required
@require_GET
def national(request):
    _require_national(request.user)
    figures = national_figures(request.user)
    progress = round_progress(_chosen_round(request))
    sort = request.GET.get("sort", "hwb")[:20]
    rows = sort_rows(figures.rows, sort)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "national/dashboard.html",
        {
            "figures": figures,
            "chart": reductions_chart(figures) if figures.rows else None,
            "page": page,
            "sorts": _sort_links(request, NATIONAL_COLUMNS, sort),
            "page_query": _page_query(request),
            "progress": progress,
            "rounds": deadlines.rounds(),
        },
    )


@login_required
@require_GET
def national_csv(request):
    """The national table as CSV: at once for a few hundred plans, otherwise prepared by a job."""
    _require_national(request.user)
    return _export(request, ExportKind.NATIONAL_CSV)


@login_required
@require_GET
def national_outstanding_csv(request):
    """Every Board in the round: submitted or not, and late or not (a spreadsheet-safe CSV)."""
    _require_national(request.user)
    progress = round_progress(_chosen_round(request))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Health and Wellbeing Board", "Area team", "Round", "State", "Submitted", "Late"])
    for board in progress.boards:
        submitted = (
            timezone.localtime(board.submission.submitted_at).strftime("%Y-%m-%d %H:%M") if board.submission else ""
        )
        row = [
            board.hwb.name,
            board.hwb.area_team.name if board.hwb.area_team else "",
            progress.label,
            board.state,
            submitted,
            "Yes" if board.is_late else "No",
        ]
        writer.writerow([csv_safe(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bcf-{progress.code}-round-boards.csv"'
    return response


@login_required
@require_POST
def comment_answered(request, plan_id, comment_id):
    """An editor marks an area team thread answered from the section page."""
    plan = plan_for_user(request.user, plan_id)
    thread = get_object_or_404(SectionComment, pk=comment_id, parent__isnull=True)
    back = reverse("plans:section", args=[plan.pk, thread.section]) + "#comments"
    try:
        review.comment_mark_answered(plan=plan, user=request.user, thread=thread)
    except access.NotAllowed:
        raise PermissionDenied from None
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, "The comment is marked answered. It is kept in this section's history.")
    return redirect(back)
