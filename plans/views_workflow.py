"""Sign-off, submission and version pages. Each view finds the plan through the scoped selectors
(another HWB's plan is a 404), parses its form, calls one workflow service and renders; the
services decide what is allowed, and no view ever sets a plan's status."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from . import file_jobs, workflow
from .checks import check_plan, errors, warnings
from .compare import compare_documents, version_document
from .forms_workflow import CompareForm, DeclineForm, ReopenForm, ResubmitForm, ReturnForm, SignForm
from .models import FileKind, PlanStatus, Role, RoleAssignment, Submission, SubmissionFile
from .selectors import plan_for_user, plan_view, plans_for_user, user_roles_for_plan

log = logging.getLogger(__name__)


def _overview(plan):
    return redirect("plans:overview", plan.pk)


def _wrong_state(request, plan, exc):
    messages.error(request, str(exc))
    return _overview(plan)


def _issue_links(plan, issues):
    """Each issue with the link to the field it is about (or the check page)."""
    slugs = {s.slug for s in plan.edition_def.sections}
    out = []
    for issue in issues:
        if issue.section in slugs:
            url = reverse("plans:section", args=[plan.pk, issue.section]) + (f"#{issue.anchor}" if issue.anchor else "")
        else:
            url = reverse("plans:check", args=[plan.pk])
        out.append({"issue": issue, "url": url})
    return out


def _unassigned(plan, view):
    """Sign-off blocks nobody holds the signatory role for: nobody could sign them."""
    assignments = RoleAssignment.objects.filter(hwb_id=plan.hwb_id, role__in=[Role.SIGNATORY, Role.CHAIR])
    held = set()
    for a in assignments:
        held.add("hwb" if a.role == Role.CHAIR else (f"ccg:{a.ccg_id}" if a.ccg_id else "council"))
    return [b for b in view.signatures if b.key not in held]


@login_required
@require_http_methods(["GET", "POST"])
def mark_ready(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if Role.EDITOR not in user_roles_for_plan(request.user, plan):
        raise PermissionDenied
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, f"The plan is already {plan.get_status_display().lower()}.")
        return _overview(plan)
    view = plan_view(plan)
    issues = check_plan(view)
    problems = errors(issues)
    if request.method == "POST" and not problems:
        try:
            workflow.plan_mark_ready(plan=plan, user=request.user)
        except workflow.PlanHasErrors as exc:
            problems = exc.issues
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        else:
            messages.success(request, "The plan is ready for sign-off. Each signatory has been emailed a link to sign.")
            return _overview(plan)
    return render(
        request,
        "plans/workflow/mark_ready.html",
        {
            "plan": plan,
            "view": view,
            "problems": _issue_links(plan, problems),
            "warnings": _issue_links(plan, warnings(issues)),
            "unassigned": _unassigned(plan, view),
        },
        status=400 if request.method == "POST" and problems else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    organisations = workflow.organisations_for(request.user, plan)
    if not organisations:
        raise PermissionDenied
    if plan.status != PlanStatus.AWAITING_SIGN_OFF:
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so it cannot be signed now.")
        return _overview(plan)
    view = plan_view(plan)
    blocks = {b.key: b for b in view.signatures}
    to_sign = [o for o in organisations if not blocks[o.key].signed]
    mine = {o.key for o in to_sign}
    chair_waiting = [b.on_behalf_of for b in view.signatures if b.kind != "hwb" and not b.signed and b.key not in mine]
    if chair_waiting:
        to_sign = [o for o in to_sign if o.key != "hwb"]  # the chair signs last
    form = SignForm(request.POST if request.method == "POST" else None, organisations=to_sign)
    if request.method == "POST" and to_sign and form.is_valid():
        chosen = form.cleaned_data["organisations"]
        try:
            workflow.plan_sign(plan=plan, user=request.user, organisations=chosen)
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except (workflow.AlreadySigned, workflow.ChairSignsLast, workflow.SignaturesInvalid) as exc:
            form.add_error(None, str(exc))
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        else:
            names = "; ".join(o.name for o in to_sign if o.key in chosen)
            messages.success(request, f"You have signed the plan on behalf of {names}")
            return _overview(plan)
    return render(
        request,
        "plans/workflow/sign.html",
        {
            "plan": plan,
            "view": view,
            "form": form,
            "to_sign": to_sign,
            "signed_by_me": [blocks[o.key] for o in organisations if blocks[o.key].signed],
            "chair_waiting": chair_waiting if "hwb" in mine else [],
            "warnings": _issue_links(plan, warnings(check_plan(view))),
            "signer_name": request.user.get_full_name() or request.user.email,
            "positions": {o.key: o.position for o in organisations},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    organisations = workflow.organisations_for(request.user, plan)
    if not organisations:
        raise PermissionDenied
    if plan.status != PlanStatus.AWAITING_SIGN_OFF:
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so it cannot be declined now.")
        return _overview(plan)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.plan_decline(plan=plan, user=request.user, reason=form.cleaned_data["reason"])
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        messages.success(
            request, "You have declined to sign. The plan is back in draft and the editors have your reason."
        )
        return _overview(plan)
    return render(
        request,
        "plans/workflow/decline.html",
        {"plan": plan, "form": form, "organisations": organisations},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if Role.EDITOR not in user_roles_for_plan(request.user, plan):
        raise PermissionDenied
    if plan.status not in (PlanStatus.AWAITING_SIGN_OFF, PlanStatus.SIGNED_OFF):
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so it cannot be reopened.")
        return _overview(plan)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.plan_reopen(plan=plan, user=request.user, reason=form.cleaned_data["reason"])
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        messages.success(request, "The plan is back in draft. Every signature has been voided.")
        return _overview(plan)
    signed = [b for b in plan_view(plan).signatures if b.signed]
    return render(
        request,
        "plans/workflow/reopen.html",
        {"plan": plan, "form": form, "signed": signed},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if not user_roles_for_plan(request.user, plan) & {Role.EDITOR, Role.CHAIR}:
        raise PermissionDenied
    if plan.status != PlanStatus.SIGNED_OFF:
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so it cannot be submitted.")
        return _overview(plan)
    error = None
    if request.method == "POST":
        try:
            workflow.plan_submit(plan=plan, user=request.user)
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except (workflow.PlanHasErrors, workflow.SignaturesInvalid) as exc:
            error = str(exc)
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        else:
            return redirect("workflow:submitted", plan.pk)
    view = plan_view(plan)
    deadline = workflow.round_deadline(plan.edition, plan.round)
    files = [(FileKind(kind).label, True) for kind in workflow.FILE_TYPES]
    return render(
        request,
        "plans/workflow/submit.html",
        {
            "plan": plan,
            "view": view,
            "deadline": deadline,
            "late": deadline is not None and workflow.now() > deadline,
            "files": files,
            "error": error,
            "warnings": _issue_links(plan, warnings(check_plan(view))),
        },
        status=400 if error else 200,
    )


@login_required
def submitted(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    submission = get_object_or_404(Submission.objects.select_related("plan"), plan=plan)
    rows = file_jobs.version_files([submission]).get(plan.pk, [])
    return _with_refresh(
        render(
            request,
            "plans/workflow/submitted.html",
            {"plan": plan, "submission": submission, "rows": rows, "preparing": _preparing(rows)},
        ),
        rows,
    )


def _preparing(rows):
    return any(row["file"] is None and row["job"] is not None and not row["job"].is_finished for row in rows)


def _with_refresh(response, rows):
    """While a file is being prepared the page looks again every few seconds (no JavaScript needed)."""
    if _preparing(rows):
        response["Refresh"] = "3"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def return_plan(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if Role.REVIEWER not in user_roles_for_plan(request.user, plan):
        raise PermissionDenied
    if plan.status != PlanStatus.SUBMITTED:
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so it cannot be returned.")
        return _overview(plan)
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.plan_return(plan=plan, user=request.user, reasons=form.cleaned_data["reasons"])
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        messages.success(request, "The plan has been returned. Its editors have been emailed your reasons.")
        return _overview(plan)
    return render(
        request, "plans/workflow/return.html", {"plan": plan, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def resubmit(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    if Role.EDITOR not in user_roles_for_plan(request.user, plan):
        raise PermissionDenied
    existing = plan.next_versions.order_by("pk").first()
    if existing is not None:
        messages.error(
            request, f"A resubmission has already been started from this version: version {existing.version}."
        )
        return _overview(existing)
    targets = workflow.resubmission_targets(plan)
    if not targets:
        messages.error(request, f"The plan is {plan.get_status_display().lower()}, so no resubmission can start.")
        return _overview(plan)
    form = ResubmitForm(request.POST if request.method == "POST" else None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.chosen()
        try:
            new_plan = workflow.resubmission_start(
                plan=plan, user=request.user, edition=target.edition, round=target.round
            )
        except workflow.ResubmissionExists as exc:
            messages.error(request, str(exc))
            return _overview(exc.plan)
        except workflow.NotAllowed:
            raise PermissionDenied from None
        except workflow.WorkflowError as exc:
            return _wrong_state(request, plan, exc)
        messages.success(
            request,
            f"Version {new_plan.version} has been created in draft from version {plan.version}. "
            f"Version {plan.version} stays as it was submitted.",
        )
        return _overview(new_plan)
    return render(
        request,
        "plans/workflow/resubmit.html",
        {"plan": plan, "form": form, "targets": targets},
        status=400 if form.errors else 200,
    )


def _versions(request, plan):
    visible = set(plans_for_user(request.user).values_list("pk", flat=True))
    return [v for v in workflow.plan_versions(plan) if v.pk in visible]


@login_required
def versions(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    line = _versions(request, plan)
    submissions = {s.plan_id: s for s in Submission.objects.filter(plan__in=line).select_related("submitted_by")}
    files = file_jobs.version_files(submissions.values())
    rows = [{"plan": v, "submission": submissions.get(v.pk), "files": files.get(v.pk, [])} for v in reversed(line)]
    form = None
    if len(line) > 1:
        form = CompareForm(versions=line, initial={"old": line[-2].pk, "new": line[-1].pk})
    every_file = [f for row in rows for f in row["files"]]
    return _with_refresh(
        render(
            request,
            "plans/workflow/versions.html",
            {"plan": plan, "rows": rows, "form": form, "preparing": _preparing(every_file)},
        ),
        every_file,
    )


@login_required
def compare(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    line = _versions(request, plan)
    form = CompareForm(request.GET or None, versions=line)
    sections = None
    old = new = None
    if form.is_bound and form.is_valid():
        by_pk = {v.pk: v for v in line}
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        sections = compare_documents(version_document(old), version_document(new))
    return render(
        request,
        "plans/workflow/compare.html",
        {"plan": plan, "form": form, "sections": sections, "old": old, "new": new, "versions": line},
        status=400 if form.errors else 200,
    )


@login_required
def download(request, plan_id, kind):
    plan = plan_for_user(request.user, plan_id)
    if kind not in FileKind.values:
        raise Http404("No such file")
    stored = get_object_or_404(SubmissionFile, submission__plan=plan, kind=kind)
    content = bytes(stored.content)
    if not workflow.file_is_intact(stored):
        # Never serve bytes that are not the ones submitted.
        log.error("Stored file %s of plan %s does not match its SHA-256", stored.pk, plan.pk)
        return render(request, "plans/workflow/damaged.html", {"plan": plan, "stored": stored}, status=500)
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.filename)
    response["Content-Length"] = str(len(content))
    response["ETag"] = f'"{stored.sha256}"'
    response["X-Content-SHA256"] = stored.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response
