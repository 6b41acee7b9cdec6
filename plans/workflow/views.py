"""Sign-off, submission and version pages. Each view finds the plan through the scoped selectors
(another HWB's plan is a 404), parses its form, calls one workflow service and renders; the
services decide what is allowed, and no view ever sets a plan's status."""

import logging
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from bcf.core.issues import errors, warnings
from plans import deadlines
from plans.access import (
    RULES,
    Action,
    NotAllowed,
    Refused,
    plan_for_user,
    plans_for_user,
    require_state,
    user_roles_for_plan,
)
from plans.content.checks import check_plan
from plans.content.selectors import plan_view
from plans.models import FileKind, Role, RoleAssignment, Submission, SubmissionFile
from plans.outputs import jobs as file_jobs
from plans.outputs.compare import compare_documents, edition_change, version_document
from plans.workflow import services as workflow
from plans.workflow.forms import CompareForm, DeclineForm, ReopenForm, ResubmitForm, ReturnForm, SignForm

log = logging.getLogger(__name__)


def _overview(plan):
    return redirect("plans:overview", plan.pk)


def transition_view(action):
    """A page that takes one workflow action. The plan is found through the user's scope (another
    HWB's plan is a 404); the action's roles and starting states come from plans.access (a user
    without the role gets 403, a plan in another state a message on its overview); a refusal the
    service raises later is answered the same way."""

    def decorate(view):
        @login_required
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def wrapper(request, plan_id):
            plan = plan_for_user(request.user, plan_id)
            if not user_roles_for_plan(request.user, plan) & RULES[action].roles:
                raise PermissionDenied
            try:
                require_state(action, plan)
                return view(request, plan)
            except NotAllowed:
                raise PermissionDenied from None
            except Refused as exc:
                messages.error(request, str(exc))
                return _overview(plan)

        return wrapper

    return decorate


def _reason_form(request, plan, form_class, act, success, template, extra=None):
    """A transition that asks one question (a reason): the form, then the service, then back to the
    plan with `success`; `extra` gives the page's other context when the form is shown."""
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        act(form.cleaned_data)
        messages.success(request, success)
        return _overview(plan)
    context = {"plan": plan, "form": form, **(extra() if extra else {})}
    return render(request, template, context, status=400 if form.errors else 200)


def _issue_links(plan, issues):
    """Each issue with the link to the field it is about (or the check page)."""
    slugs = {s.slug for s in plan.edition_def.sections}
    out = []
    for issue in issues:
        if issue.section in slugs:
            url = reverse("plans:section", args=[plan.pk, issue.section]) + issue.query
            url += f"#{issue.anchor}" if issue.anchor else ""
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


@transition_view(Action.MARK_READY)
def mark_ready(request, plan):
    view = plan_view(plan)
    issues = check_plan(view)
    problems = errors(issues)
    if request.method == "POST" and not problems:
        try:
            workflow.plan_mark_ready(plan=plan, user=request.user)
        except workflow.PlanHasErrors as exc:
            problems = exc.issues
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


@transition_view(Action.SIGN)
def sign(request, plan):
    organisations = workflow.organisations_for(request.user, plan)
    if not organisations:
        raise PermissionDenied
    view = plan_view(plan)
    blocks = {b.key: b for b in view.signatures}
    to_sign, chair_waiting = workflow.still_to_sign(view, organisations)
    form = SignForm(request.POST if request.method == "POST" else None, organisations=to_sign)
    if request.method == "POST" and to_sign and form.is_valid():
        chosen = form.cleaned_data["organisations"]
        try:
            workflow.plan_sign(plan=plan, user=request.user, organisations=chosen)
        except (workflow.AlreadySigned, workflow.ChairSignsLast, workflow.SignaturesInvalid) as exc:
            form.add_error(None, str(exc))
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
            "chair_waiting": chair_waiting,
            "warnings": _issue_links(plan, warnings(check_plan(view))),
            "signer_name": request.user.get_full_name() or request.user.email,
            "positions": {o.key: o.position for o in organisations},
        },
        status=400 if form.errors else 200,
    )


@transition_view(Action.DECLINE)
def decline(request, plan):
    organisations = workflow.organisations_for(request.user, plan)
    if not organisations:
        raise PermissionDenied
    return _reason_form(
        request,
        plan,
        DeclineForm,
        lambda data: workflow.plan_decline(plan=plan, user=request.user, reason=data["reason"]),
        "You have declined to sign. The plan is back in draft and the editors have your reason.",
        "plans/workflow/decline.html",
        lambda: {"organisations": organisations},
    )


@transition_view(Action.REOPEN)
def reopen(request, plan):
    return _reason_form(
        request,
        plan,
        ReopenForm,
        lambda data: workflow.plan_reopen(plan=plan, user=request.user, reason=data["reason"]),
        "The plan is back in draft. Every signature has been voided.",
        "plans/workflow/reopen.html",
        lambda: {"signed": [b for b in plan_view(plan).signatures if b.signed]},
    )


@transition_view(Action.SUBMIT)
def submit(request, plan):
    error = None
    if request.method == "POST":
        try:
            workflow.plan_submit(plan=plan, user=request.user)
        except (workflow.PlanHasErrors, workflow.SignaturesInvalid) as exc:
            error = str(exc)
        else:
            return redirect("workflow:submitted", plan.pk)
    view = plan_view(plan)
    deadline = deadlines.round_deadline(plan.edition, plan.round)
    files = [(FileKind(kind).label, True) for kind in file_jobs.FILE_TYPES]
    return render(
        request,
        "plans/workflow/submit.html",
        {
            "plan": plan,
            "view": view,
            "deadline": deadline,
            "late": deadline is not None and deadlines.now() > deadline,
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


@transition_view(Action.RETURN)
def return_plan(request, plan):
    return _reason_form(
        request,
        plan,
        ReturnForm,
        lambda data: workflow.plan_return(plan=plan, user=request.user, reasons=data["reasons"]),
        "The plan has been returned. Its editors have been emailed your reasons.",
        "plans/workflow/return.html",
    )


@transition_view(Action.RESUBMIT)
def resubmit(request, plan):
    existing = plan.next_versions.order_by("pk").first()
    if existing is not None:
        messages.error(
            request, f"A resubmission has already been started from this version: version {existing.version}."
        )
        return _overview(existing)
    targets = workflow.resubmission_targets(plan)
    form = ResubmitForm(request.POST if request.method == "POST" else None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.chosen()
        if target.edition != plan.edition and request.POST.get("confirm") != "move":
            # Moving to another template: show what goes where, and what has no place, first.
            placed, unplaced, proposed = workflow.move_preview(plan, target.edition)
            return render(
                request,
                "plans/workflow/move_preview.html",
                {"plan": plan, "target": target, "placed": placed, "unplaced": unplaced, "proposed": proposed},
            )
        try:
            new_plan = workflow.resubmission_start(
                plan=plan, user=request.user, edition=target.edition, round=target.round
            )
        except workflow.ResubmissionExists as exc:
            messages.error(request, str(exc))
            return _overview(exc.plan)
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
    edition_line = ""
    if form.is_bound and form.is_valid():
        by_pk = {v.pk: v for v in line}
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        old_document, new_document = version_document(old), version_document(new)
        sections = compare_documents(old_document, new_document)
        edition_line = edition_change(old_document, new_document)
    return render(
        request,
        "plans/workflow/compare.html",
        {
            "plan": plan,
            "form": form,
            "sections": sections,
            "changed": [s for s in sections or [] if s.changed],
            "unchanged": [s for s in sections or [] if not s.changed],
            "edition_line": edition_line,
            "old": old,
            "new": new,
            "versions": line,
        },
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
