"""The quarterly returns' pages (DOMAIN.md §10): a Board's returns by period, a return's task list
with its checks and workflow buttons, one page per section, and the area team's returns to review.

Every return is found through plans.access.return_for_user (another Board's return is a 404); what a
person may do comes from plans.access (allowed_actions for the buttons, the services' `require` for
the doing); each view parses a form, calls one service (plans.returns.services) and renders."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bcf.core.issues import errors, warnings
from bcf.core.markup import render_markup
from metrics.charts import admissions_chart
from plans.access import (
    HWB_ROLES,
    RULES,
    Action,
    NotAllowed,
    Refused,
    allowed_actions,
    return_for_user,
    returns_for_user,
    roles_for_user,
    user_roles_for_plan,
)
from plans.models import (
    RETURN_SUBMITTED_STATES,
    HealthAndWellbeingBoard,
    ReturnCondition,
    ReturnExpenditure,
    ReturnIncome,
    ReturnMetric,
    ReturnPeriod,
    ReturnStatus,
    Role,
)
from plans.returns import forms, services
from plans.returns.checks import SECTION_TITLES, SECTIONS, check_return, section_statuses
from plans.returns.files import return_file_rows
from plans.returns.selectors import latest_submitted_plan, return_view

RETURN_ACTIONS = frozenset(
    {
        Action.RETURN_EDIT,
        Action.RETURN_SIGN,
        Action.RETURN_REOPEN,
        Action.RETURN_SUBMIT,
        Action.RETURN_ACCEPT,
        Action.RETURN_SEND_BACK,
        Action.RETURN_RESUBMIT,
    }
)


# --- a Board's returns ----------------------------------------------------------------------------


def _boards_for_user(user):
    """The Boards whose returns the user may list: their own, their area teams', every one (national)."""
    if user.is_superuser:
        return HealthAndWellbeingBoard.objects.all()
    roles = roles_for_user(user)
    if any(r.role == Role.NATIONAL for r in roles):
        return HealthAndWellbeingBoard.objects.all()
    own = {r.hwb_id for r in roles if r.role in HWB_ROLES}
    areas = {r.area_team_id for r in roles if r.role == Role.REVIEWER}
    return HealthAndWellbeingBoard.objects.filter(pk__in=own) | HealthAndWellbeingBoard.objects.filter(
        area_team_id__in=areas
    )


def _is_editor(user, hwb):
    return any(r.role == Role.EDITOR and r.hwb_id == hwb.pk for r in roles_for_user(user))


@login_required
def home(request):
    """The Boards the person works for: straight to the Board's returns when there is only one."""
    roles = roles_for_user(request.user)
    own = sorted({r.hwb_id for r in roles if r.role in HWB_ROLES})
    if len(own) == 1:
        return redirect("returns:board", own[0])
    boards = HealthAndWellbeingBoard.objects.filter(pk__in=own).order_by("name")
    reviewer = any(r.role == Role.REVIEWER for r in roles)
    return render(request, "returns/home.html", {"boards": boards, "reviewer": reviewer})


@login_required
def board(request, hwb_id):
    hwb = get_object_or_404(_boards_for_user(request.user).distinct(), pk=hwb_id)
    own_board = any(r.hwb_id == hwb.pk and r.role in HWB_ROLES for r in roles_for_user(request.user))
    visible = returns_for_user(request.user).filter(hwb=hwb, is_current=True).select_related("period")
    by_period = {r.period_id: r for r in visible}
    periods = [{"period": p, "ret": by_period.get(p.pk)} for p in ReturnPeriod.objects.all()]
    return render(
        request,
        "returns/board.html",
        {
            "hwb": hwb,
            "periods": periods,
            "can_start": _is_editor(request.user, hwb),
            "has_plan": latest_submitted_plan(hwb) is not None,
            "own_board": own_board,
        },
    )


@login_required
@require_POST
def start(request, hwb_id):
    hwb = get_object_or_404(_boards_for_user(request.user).distinct(), pk=hwb_id)
    if not _is_editor(request.user, hwb):
        raise PermissionDenied
    period = ReturnPeriod.objects.filter(pk=request.POST.get("period", "")).first()
    if period is None:
        messages.error(request, "Choose a reporting period to start a return for.")
        return redirect("returns:board", hwb.pk)
    try:
        ret = services.return_start(hwb=hwb, period=period, user=request.user)
    except services.ReturnExists as exc:
        return redirect("returns:overview", exc.existing.pk)
    except NotAllowed:
        raise PermissionDenied from None
    except services.ReturnError as exc:
        messages.error(request, str(exc))
        return redirect("returns:board", hwb.pk)
    messages.success(request, f"Return for {period.code} started")
    return redirect("returns:overview", ret.pk)


# --- the area team's returns to review ------------------------------------------------------------


@login_required
def review(request):
    roles = roles_for_user(request.user)
    areas = {r.area_team_id for r in roles if r.role == Role.REVIEWER}
    if not areas and not request.user.is_superuser:
        raise PermissionDenied
    rows = (
        returns_for_user(request.user)
        .filter(status__in=RETURN_SUBMITTED_STATES, is_current=True)
        .select_related("hwb", "period", "submission")
    )
    if not request.user.is_superuser:
        rows = rows.filter(hwb__area_team_id__in=areas)
    # What waits for a decision comes first, oldest first; then what was decided, newest period first.
    waiting = rows.filter(status=ReturnStatus.SUBMITTED).order_by("submitted_at", "hwb__name")
    decided = rows.exclude(status=ReturnStatus.SUBMITTED).order_by("-period__position", "hwb__name")
    page = Paginator(decided, 50).get_page(request.GET.get("page"))
    return render(request, "returns/review.html", {"waiting": list(waiting), "page": page})


# --- one return -----------------------------------------------------------------------------------


def _context(request, return_id):
    ret = return_for_user(request.user, return_id)
    roles = user_roles_for_plan(request.user, ret)
    actions = allowed_actions(request.user, ret, roles) & RETURN_ACTIONS
    return ret, roles, actions


def _issue_links(ret, issues):
    out = []
    for issue in issues:
        url = reverse("returns:section", args=[ret.pk, issue.section]) if issue.section in SECTION_TITLES else ""
        if url and issue.anchor:
            url += f"#{issue.anchor}"
        out.append({"issue": issue, "url": url, "section": SECTION_TITLES.get(issue.section, "")})
    return out


def _back(ret):
    return redirect("returns:overview", ret.pk)


@login_required
def overview(request, return_id):
    ret, roles, actions = _context(request, return_id)
    view = return_view(ret)
    issues = check_return(view)
    statuses = section_statuses(view, issues)
    decision = getattr(ret, "decision", None) if ret.status in RETURN_SUBMITTED_STATES else None
    previous_decision = None
    if ret.previous_id:
        previous_decision = getattr(ret.previous, "decision", None)
    submission = getattr(ret, "submission", None) if ret.status in RETURN_SUBMITTED_STATES else None
    files = return_file_rows(submission) if submission is not None else []
    response = render(
        request,
        "returns/overview.html",
        {
            "ret": ret,
            "view": view,
            "sections": [{"slug": s, "title": t, "status": statuses[s]} for s, t in SECTIONS],
            "completed": sum(1 for s in statuses.values() if s == "Completed"),
            "errors": _issue_links(ret, errors(issues)),
            "warnings": _issue_links(ret, warnings(issues)),
            "actions": {a.value for a in actions},
            "workflow_actions": actions - {Action.RETURN_EDIT},
            "can_edit": Action.RETURN_EDIT in actions,
            "decision": decision,
            "previous_decision": previous_decision,
            "signature": view.valid_signature,
            "events": ret.events.all()[:10],
            "submission": submission,
            "files": files,
        },
    )
    if any(row["file"] is None and row["job"] is not None and not row["job"].is_finished for row in files):
        response["Refresh"] = "3"  # files being prepared: the page shows them ready when they are
    return response


# --- the section pages ----------------------------------------------------------------------------


def _next(slug):
    slugs = [s for s, _t in SECTIONS]
    index = slugs.index(slug)
    return SECTIONS[index + 1] if index + 1 < len(slugs) else None


def _form_for(slug, ret, view, data):
    kwargs = {}
    if slug == "cover":
        form_class = forms.CoverForm
        fields = ("cover_name", "cover_role", "cover_email", "cover_telephone", "cover_date")
    elif slug == "budget":
        form_class = forms.BudgetForm
        fields = ("pooled", "pooled_expected_date", "pooled_commentary")
    elif slug == "narrative":
        form_class = forms.NarrativeForm
        fields = ("narrative",)
    elif slug == "conditions":
        form_class, fields, kwargs = forms.ConditionsForm, (), {"conditions": view.conditions}
    elif slug == "finance":
        form_class, fields = forms.FinanceForm, ()
        kwargs = {"income": [line.row for line in view.income], "expenditure": [line.row for line in view.expenditure]}
    elif slug == "metrics":
        form_class, fields, kwargs = forms.MetricsForm, (), {"metrics": [line.row for line in view.metrics]}
    else:
        form_class, fields, kwargs = forms.AdmissionsForm, (), {"ret": ret}
    if data is not None:
        return form_class(data, **kwargs)
    initial = {name: getattr(ret, name) for name in fields}
    initial["revision"] = ret.revision
    return form_class(initial=initial, **kwargs)


@transaction.atomic
def _save(slug, ret, user, form):
    revision = form.cleaned_data["revision"]
    common = {"ret": ret, "user": user, "revision": revision, "what": f"{SECTION_TITLES[slug]} changed"}
    if slug in ("cover", "budget", "narrative"):
        services.return_update(values=form.values(), **common)
    elif slug == "admissions":
        del common["what"]
        services.return_save_admissions(actuals=form.actuals(), **common)
    elif slug == "finance":
        services.return_rows_update(model=ReturnIncome, rows=form.rows("i"), **common)
        common["revision"] = None  # the same save, within the same request: already checked
        services.return_rows_update(model=ReturnExpenditure, rows=form.rows("e"), **common)
    else:
        model, prefix = {"conditions": (ReturnCondition, "c"), "metrics": (ReturnMetric, "m")}[slug]
        services.return_rows_update(model=model, rows=form.rows(prefix), **common)


def _parse_revision(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def section(request, return_id, slug):
    if slug not in SECTION_TITLES:
        raise Http404("No such section")
    ret, roles, actions = _context(request, return_id)
    can_edit = Action.RETURN_EDIT in actions
    view = return_view(ret)
    if request.method == "POST":
        if not can_edit:
            if not roles & {Role.EDITOR}:
                raise PermissionDenied
            messages.error(request, f"You cannot change this return now: it is {ret.status_label.lower()}.")
            return redirect("returns:section", ret.pk, slug)
        form = _form_for(slug, ret, view, request.POST)
        if form.is_valid():
            form.cleaned_data["revision"] = _parse_revision(form.cleaned_data.get("revision"))
            try:
                _save(slug, ret, request.user, form)
            except services.StaleReturn as exc:
                form.add_error(None, str(exc))
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{SECTION_TITLES[slug]} saved")
                following = _next(slug)
                if request.POST.get("then") == "continue" and following:
                    return redirect("returns:section", ret.pk, following[0])
                return _back(ret)
    else:
        form = _form_for(slug, ret, view, None)
    issues = [i for i in check_return(view) if i.section == slug]
    context = {
        "ret": ret,
        "view": view,
        "slug": slug,
        "title": SECTION_TITLES[slug],
        "form": form,
        "can_edit": can_edit,
        "next_section": _next(slug),
        "section_errors": errors(issues),
        "section_warnings": warnings(issues),
    }
    if slug in SIMPLE_SECTIONS and not can_edit:
        context["readonly_rows"] = _readonly_rows(ret, form)
    if slug == "finance":
        context["income"] = [(line, form.bound(line.row, "i")) for line in view.income]
        context["expenditure"] = [(line, form.bound(line.row, "e")) for line in view.expenditure]
    elif slug == "metrics":
        context["metrics"] = [(line, form.bound(line.row, "m")) for line in view.metrics]
    elif slug == "admissions":
        context.update(_admissions_context(view, form))
    return render(request, f"returns/section_{slug}.html", context, status=400 if form.errors else 200)


SIMPLE_SECTIONS = ("cover", "budget", "narrative")


def _readonly_rows(ret, form):
    """(label, value as text) of a section's fields, for a person who may only read it."""
    rows = []
    for name, field in form.fields.items():
        if name == "revision":
            continue
        value = getattr(ret, name)
        if name == "narrative":
            text = render_markup(value) if value else "Not answered"
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, datetime.date):
            text = f"{value:%-d %B %Y}"
        else:
            text = value or "Not answered"
        rows.append((field.label, text))
    return rows


def _admissions_context(view, form):
    schedule = view.schedule
    own = view.quarter
    rows = []
    for q in schedule or []:
        field = form[f"actual_{q.number}"] if q.number in getattr(form, "quarters", []) else None
        rows.append(
            {
                "q": q,
                "field": field,
                "own": q.number == own,
                "published": view.published.get(q.label),
                "revisions": [r for r in view.revisions if r.quarter == q.number],
            }
        )
    return {
        "rows": rows,
        "chart": admissions_chart(schedule) if schedule else None,
        "released": view.released,
        "quarter_fields": [form[f"actual_{k}"] for k in getattr(form, "quarters", [])],
    }


# --- the workflow ---------------------------------------------------------------------------------


def _transition(request, return_id, action):
    """Find the return in the user's scope and check the action's roles (403 without them)."""
    ret, roles, actions = _context(request, return_id)
    if not roles & RULES[action].roles:
        raise PermissionDenied
    return ret


def _refused(request, ret, exc):
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    messages.error(request, str(exc))
    return _back(ret)


def return_transition(action, methods=("POST",)):
    """A page that takes one workflow action on a return, as plans.workflow.views.transition_view
    does for plans: found in the user's scope (404), the action's roles checked (403), and a refusal
    the service raises answered with a message on the return's page."""

    def decorate(view):
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapper(request, return_id):
            ret = _transition(request, return_id, action)
            try:
                return view(request, ret)
            except (Refused, services.ReturnError) as exc:
                return _refused(request, ret, exc)

        return wrapper

    return decorate


def _done(request, ret, message):
    messages.success(request, message)
    return _back(ret)


@return_transition(Action.RETURN_SIGN)
def sign(request, ret):
    try:
        services.return_sign(ret=ret, user=request.user)
    except services.ReturnHasErrors as exc:
        return render(
            request,
            "returns/refused.html",
            {"ret": ret, "message": str(exc), "problems": _issue_links(ret, exc.problems)},
            status=400,
        )
    return _done(request, ret, "The return has been signed off. It can now be submitted.")


@return_transition(Action.RETURN_REOPEN)
def reopen(request, ret):
    services.return_reopen(ret=ret, user=request.user, reason=request.POST.get("reason", "")[:300])
    return _done(request, ret, "The return has been reopened. It needs signing off again before it is submitted.")


@return_transition(Action.RETURN_SUBMIT)
def submit(request, ret):
    services.return_submit(ret=ret, user=request.user)
    return _done(request, ret, "The return has been submitted to the area team.")


@return_transition(Action.RETURN_ACCEPT)
def accept(request, ret):
    services.return_accept(ret=ret, user=request.user, comment=request.POST.get("comment", "").strip())
    return _done(request, ret, "The return has been accepted.")


@return_transition(Action.RETURN_SEND_BACK, methods=("GET", "POST"))
def send_back(request, ret):
    form = forms.SendBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.return_send_back(ret=ret, user=request.user, comment=form.cleaned_data["comment"])
        return _done(request, ret, "The return has been returned to the Board with your comments.")
    return render(request, "returns/send_back.html", {"ret": ret, "form": form}, status=400 if form.errors else 200)


@return_transition(Action.RETURN_RESUBMIT)
def resubmit(request, ret):
    new = services.return_resubmit(ret=ret, user=request.user)
    messages.success(request, f"Version {new.version} started: change what the area team asked for, then sign it off.")
    return redirect("returns:overview", new.pk)
