"""Part 1 pages. Views parse input with a form, call one service and render; every plan lookup
goes through the scoped selectors, so another HWB's plan is a 404."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from bcf.core.auth import SAVED_DRAFT_KEY, signed_in_required
from bcf.core.issues import errors, warnings
from bcf.core.markup import render_markup
from bcf.core.validation import clean_filename
from plans import editing
from plans import editions as ed
from plans.access import can_edit as can_edit_plan
from plans.access import plan_for_user, plans_for_user, user_roles_for_plan
from plans.content import presence, services
from plans.content.checks import check_plan
from plans.content.forms import (
    DocumentForm,
    ProviderCommentaryForm,
    RiskForm,
    RiskScoresForm,
    SectionAnswersForm,
    SummaryForm,
)
from plans.content.history import history_lines
from plans.content.selectors import plan_history, plan_view, section_view
from plans.content.task_summary import task_summary
from plans.editing import PlanNotEditable, StaleSection, locked_message, refusal_message
from plans.editions.moves import SCORED_EDITIONS
from plans.models import ProviderCommentary, RelatedDocument, Risk, UnplacedAnswer
from schemes.forms import MilestoneForm, SchemeForm
from schemes.gantt import gantt
from schemes.milestones import format_dependencies
from schemes.models import Milestone, Scheme


def _context(request, plan_id, **lookup):
    plan = plan_for_user(request.user, plan_id, **lookup)
    roles = user_roles_for_plan(request.user, plan)
    can_edit = can_edit_plan(request.user, plan, roles)
    return plan, roles, can_edit


@login_required
def home(request):
    plans = (
        plans_for_user(request.user)
        .filter(is_current=True)
        .select_related("hwb__local_authority", "hwb__area_team")
        .order_by("hwb__name", "-version")
    )
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    return render(request, "plans/home.html", {"page": page})


@login_required
def overview(request, plan_id):
    """The task list. Its statuses are stored with the plan (plans.content.task_summary), so an unchanged
    plan is not loaded and checked again on every view."""
    plan, roles, can_edit = _context(request, plan_id, related=("hwb",))
    summary = task_summary(plan)
    parts = []
    for section in plan.edition_def.sections:
        if not parts or parts[-1]["title"] != section.part:
            parts.append({"title": section.part, "sections": []})
        parts[-1]["sections"].append({"section": section, "status": summary.statuses[section.slug]})
    return render(
        request,
        "plans/overview.html",
        {
            "plan": plan,
            "parts": parts,
            "completed": summary.completed,
            "total": summary.total,
            "error_count": summary.errors,
            "warning_count": summary.warnings,
            "part2_tasks": summary.part2_tasks,
            "statuses_digest": summary.digest,
            "declined": summary.declined,
            "can_edit": can_edit,
            "roles": roles,
            # Only a version moved from another template can have answers with no place in its own.
            "unplaced": list(UnplacedAnswer.objects.filter(plan=plan)) if plan.previous_id else [],
        },
    )


@login_required
def line(request, plan_id):
    """The plan's one address across its versions: any version's number opens the newest version of
    its line the user may read, so links in e-mails and bookmarks never go stale."""
    plan = plan_for_user(request.user, plan_id, related=())
    visible = plans_for_user(request.user)
    newest = plan
    while True:
        following = visible.filter(previous=newest).order_by("-version", "-pk").first()
        if following is None:
            break
        newest = following
    return redirect("plans:overview", newest.pk)


@login_required
def check(request, plan_id):
    plan, roles, can_edit = _context(request, plan_id)
    view = plan_view(plan)
    issues = check_plan(view)
    sections = {s.slug: s for s in view.edition.sections}
    grouped = []
    for issue in issues:
        section = sections.get(issue.section)
        if not grouped or grouped[-1]["section"] is not section:
            grouped.append({"section": section, "errors": [], "warnings": []})
        grouped[-1]["errors" if issue.is_error else "warnings"].append(issue)
    return render(
        request,
        "plans/check.html",
        {
            "plan": plan,
            "grouped": grouped,
            "errors": errors(issues),
            "warnings": warnings(issues),
            "can_edit": can_edit,
        },
    )


@login_required
def history(request, plan_id):
    plan, roles, can_edit = _context(request, plan_id)
    page = Paginator(plan_history(plan), 50).get_page(request.GET.get("page"))
    lines = history_lines(plan, page.object_list)
    return render(request, "plans/history.html", {"plan": plan, "page": page, "lines": lines})


def _section_or_404(plan, slug):
    try:
        return plan.edition_def.section(slug)
    except KeyError:
        raise Http404("No such section") from None


def _after_save(request, plan, section):
    """Where a saved section goes: the next section in template order ("Save and continue") or the task
    list. The next page also tells the browser to forget the text it kept for this section."""
    request.session[SAVED_DRAFT_KEY] = f"{plan.pk}:{section.slug}"
    if request.POST.get("then") == "continue":
        following = _next_section(plan, section)
        if following is not None:
            return redirect("plans:section", plan.pk, following.slug)
    return redirect("plans:overview", plan.pk)


def _next_section(plan, section):
    sections = plan.edition_def.sections
    index = [s.slug for s in sections].index(section.slug)
    return sections[index + 1] if index + 1 < len(sections) else None


@signed_in_required
@require_http_methods(["GET", "POST"])
def section(request, plan_id, slug):
    plan, roles, can_edit = _context(request, plan_id)
    section = _section_or_404(plan, slug)
    if section.kind == ed.QUESTIONS:
        return _questions_page(request, plan, section, can_edit)
    if section.kind == ed.SUMMARY:
        return _summary_page(request, plan, section, can_edit)
    if request.method == "POST":
        raise PermissionDenied
    view = plan_view(plan)
    context = {"plan": view.plan, "view": view, "section": section, "can_edit": can_edit}
    if section.kind == ed.SIGNOFF:
        return render(request, "plans/section_signoff.html", context)
    if section.kind == ed.MILESTONES:
        context["gantt"] = gantt(view.milestones)
    context["revision"] = editing.section_revision(plan, slug)
    return render(request, f"plans/section_{section.kind}.html", context)


def _presence(request, plan, section, can_edit):
    """Other editors with this section open, after recording this one (nothing for readers)."""
    if not can_edit:
        return None
    names = presence.section_opened(plan_id=plan.pk, slug=section.slug, user=request.user)
    return {"message": presence.others_message(names), "heartbeat": presence.HEARTBEAT_SECONDS}


@require_http_methods(["POST"])
def section_presence(request, plan_id, slug):
    """The open section page's heartbeat (static/bcf/presence.js): this editor still has it open, or
    (`leave`) has left it. Answers who else has it open. It does not keep the session alive: only the
    person's own requests do, so the timeout warning still comes."""
    request.keeps_session_idle = True
    if not request.user.is_authenticated:
        return JsonResponse({"message": ""}, status=401)
    plan, roles, can_edit = _context(request, plan_id)
    section = _section_or_404(plan, slug)
    if not can_edit:
        return JsonResponse({"message": ""}, status=403)
    if request.POST.get("leave"):
        presence.section_closed(plan_id=plan.pk, slug=section.slug, user=request.user)
        return JsonResponse({"message": ""})
    names = presence.section_opened(plan_id=plan.pk, slug=section.slug, user=request.user)
    return JsonResponse({"message": presence.others_message(names), "others": names})


def _questions_page(request, plan, section, can_edit):
    view = section_view(plan, section)
    previews = {}
    if request.method == "POST":
        if not can_edit:
            messages.error(request, locked_message(plan))
            return redirect("plans:section", plan.pk, section.slug)
        action = request.POST.get("action", "save")
        data = request.POST
        if action.startswith("more-"):
            data = request.POST.copy()
            count_name = action.removeprefix("more-")
            current = str(data.get(count_name) or "0")
            data[count_name] = str((int(current) if re.fullmatch(r"[0-9]{1,3}", current) else 0) + 3)
        form = SectionAnswersForm(data, section=section, answers=view.answers)
        if action.startswith("more-"):
            pass
        elif form.is_valid():
            if request.POST.get("action") == "preview":
                previews = {key: render_markup(parts.get(ed.TEXT, "")) for key, parts in form.values().items()}
            else:
                try:
                    changed = services.answers_save(
                        plan=plan,
                        user=request.user,
                        section=section.slug,
                        revision=form.cleaned_data["revision"],
                        values=form.values(),
                    )
                except (StaleSection, PlanNotEditable) as exc:
                    form.add_error(None, refusal_message(exc))
                else:
                    messages.success(
                        request, f"{section.heading} saved" if changed else f"{section.heading}: nothing had changed"
                    )
                    return _after_save(request, plan, section)
    else:
        form = SectionAnswersForm(
            section=section,
            answers=view.answers,
            initial={"revision": editing.section_revision(plan, section.slug)},
        )
    groups = []
    for question, names in form.groups:
        answer = view.answers.get(question.key)
        groups.append(
            {
                "question": question,
                "fields": {
                    part: (form[name] if part != ed.BREAKDOWN else _breakdown_rows(form, name))
                    for part, name in names.items()
                },
                "breakdown": names.get(ed.BREAKDOWN),
                "answer": answer,
                "preview": previews.get(question.key),
                "images": view.images.get(question.key, []),
                "conditional": _conditional_for(section, question),
            }
        )
    by_key = {g["question"].key: g for g in groups}
    for group in groups:
        if group["conditional"]:
            child = by_key[group["conditional"]["key"]]
            group["child"], child["nested"] = child, True
    context = {
        "plan": view.plan,
        "view": view,
        "section": section,
        "form": form,
        "groups": groups,
        "can_edit": can_edit,
        "max_characters": 60000,
        "revision": form["revision"].value(),
        "next_section": _next_section(plan, section),
        "presence": _presence(request, plan, section, can_edit),
    }
    return render(request, "plans/section_questions.html", context, status=400 if form.errors else 200)


def _breakdown_rows(form, names):
    return [(form[label], form[amount]) for label, amount in names["rows"]]


def _conditional_for(section, question):
    """The question revealed by this question's yes/no answer (e.g. the NHS Number commitment)."""
    for other in section.questions:
        if other.required_when and other.required_when.key == question.key:
            return {"key": other.key, "value": "yes" if other.required_when.value else "no"}
    return None


def _summary_page(request, plan, section, can_edit):
    view = plan_view(plan)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, locked_message(plan))
            return redirect("plans:section", plan.pk, section.slug)
        form = SummaryForm(request.POST)
        if form.is_valid():
            try:
                services.summary_save(
                    plan=plan, user=request.user, revision=form.cleaned_data["revision"], values=form.values()
                )
            except (StaleSection, PlanNotEditable) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, f"{section.heading} saved")
                return _after_save(request, plan, section)
    else:
        initial = {name: getattr(plan, name) for name in services.SUMMARY_FIELDS}
        initial["revision"] = editing.section_revision(plan, section.slug)
        form = SummaryForm(initial=initial)
    return render(
        request,
        "plans/section_summary.html",
        {
            "plan": view.plan,
            "view": view,
            "section": section,
            "form": form,
            "can_edit": can_edit,
            "next_section": _next_section(plan, section),
            "presence": _presence(request, plan, section, can_edit),
        },
        status=400 if form.errors else 200,
    )


# --- rows of structured tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    model: type
    form: type
    kind: str  # section kind the table belongs to
    noun: str
    label: object  # instance -> text for the history

    def section_for(self, plan):
        section = plan.edition_def.section_of_kind(self.kind)
        if section is None:
            raise Http404("This edition has no such table")
        return section


TABLES = {
    "documents": Table(
        RelatedDocument, DocumentForm, ed.DOCUMENTS, "document", lambda d: f"Document {d.ref or d.title}"
    ),
    "risks": Table(Risk, RiskForm, ed.RISKS, "risk", lambda r: f"Risk {r.position}"),
    "schemes": Table(Scheme, SchemeForm, "schemes", "scheme", lambda s: f"Scheme {s.ref}"),
    "milestones": Table(Milestone, MilestoneForm, ed.MILESTONES, "milestone", lambda m: f"Milestone {m.number}"),
    "providers": Table(
        ProviderCommentary,
        ProviderCommentaryForm,
        ed.PROVIDERS,
        "provider commentary",
        lambda c: f"Provider commentary {c.provider}",
    ),
}


def _table_or_404(name):
    try:
        return TABLES[name]
    except KeyError:
        raise Http404("No such table") from None


def _initial_for(table, instance):
    if instance is None:
        return {}
    if table.model is ProviderCommentary:
        initial = {f.name: getattr(instance, f.name) for f in instance._meta.fields}
        initial["provider_name"] = instance.provider.name
        return initial
    initial = {f.name: getattr(instance, f.name) for f in instance._meta.fields if f.name != "file"}
    if table.model is Risk:
        initial["leads"] = "\n".join(instance.leads)
    if table.model is Milestone:
        initial["depends_on"] = format_dependencies(instance.depends_on)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, plan_id, table, row_id=None):
    plan, roles, can_edit = _context(request, plan_id)
    table_def = _table_or_404(table)
    section = table_def.section_for(plan)
    instance = get_object_or_404(table_def.model, plan=plan, pk=row_id) if row_id else None
    if not can_edit:
        messages.error(request, locked_message(plan))
        return redirect("plans:section", plan.pk, section.slug)
    kwargs = {"plan": plan}
    if table_def.form in (SchemeForm, MilestoneForm):
        kwargs["instance"] = instance
    if request.method == "POST":
        form = table_def.form(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            saved = editing.save_row_from(
                form,
                plan=plan,
                user=request.user,
                section=section.slug,
                instance=instance or table_def.model(plan=plan),
                label=table_def.label,
            )
            if saved is not None:
                messages.success(request, f"The {table_def.noun} has been {'changed' if instance else 'added'}")
                return redirect("plans:section", plan.pk, section.slug)
    else:
        initial = _initial_for(table_def, instance)
        if instance is None and table_def.model is RelatedDocument:
            initial["question_key"] = request.GET.get("question", "")
        initial["revision"] = editing.section_revision(plan, section.slug)
        form = table_def.form(initial=initial, **kwargs)
    return render(
        request,
        "plans/row_form.html",
        {
            "plan": plan,
            "section": section,
            "form": form,
            "table": table_def,
            "instance": instance,
            "multipart": table_def.form is DocumentForm,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request, plan_id, table, row_id):
    plan, roles, can_edit = _context(request, plan_id)
    table_def = _table_or_404(table)
    section = table_def.section_for(plan)
    instance = get_object_or_404(table_def.model, plan=plan, pk=row_id)
    if not can_edit:
        messages.error(request, locked_message(plan))
        return redirect("plans:section", plan.pk, section.slug)
    error = None
    if request.method == "POST":
        try:
            editing.row_delete(
                plan=plan,
                user=request.user,
                section=section.slug,
                revision=request.POST.get("revision"),
                instance=instance,
                label=table_def.label,
            )
        except editing.StaleSection:
            error = "Someone else changed this section after you opened it. Check the list again before removing."
        except editing.PlanNotEditable as exc:
            error = refusal_message(exc)
        else:
            messages.success(request, f"The {table_def.noun} has been removed")
            return redirect("plans:section", plan.pk, section.slug)
    return render(
        request,
        "plans/row_delete.html",
        {
            "plan": plan,
            "section": section,
            "table": table_def,
            "instance": instance,
            "error": error,
            "revision": editing.section_revision(plan, section.slug),
        },
    )


@login_required
def document_download(request, plan_id, row_id):
    plan, roles, can_edit = _context(request, plan_id)
    document = get_object_or_404(RelatedDocument, plan=plan, pk=row_id)
    if not document.file:
        raise Http404("No file")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        as_attachment=not (document.is_image and request.GET.get("inline") == "1"),
        filename=clean_filename(document.original_filename, default="document"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


# --- the milestone chart -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def risk_scores(request, plan_id):
    """Every risk's likelihood and potential impact (1-5) on one page: after a move from the April
    2014 template the proposed scores (from the old High/Medium/Low ratings) are confirmed here at once."""
    plan, roles, can_edit = _context(request, plan_id)
    section = plan.edition_def.section_of_kind(ed.RISKS)
    if section is None or plan.edition not in SCORED_EDITIONS:
        raise Http404("This plan's risks are not scored")
    risks = list(Risk.objects.filter(plan=plan).order_by("position", "pk"))
    if not can_edit:
        messages.error(request, locked_message(plan))
        return redirect("plans:section", plan.pk, section.slug)
    form = RiskScoresForm(request.POST if request.method == "POST" else None, risks=risks)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.risk_scores_save(
                plan=plan, user=request.user, revision=form.cleaned_data["revision"], scores=form.scores()
            )
        except (StaleSection, PlanNotEditable) as exc:
            form.add_error(None, refusal_message(exc))
        else:
            messages.success(request, f"Scores confirmed for {changed} risk{'s' if changed != 1 else ''}")
            return redirect("plans:section", plan.pk, section.slug)
    elif request.method == "GET":
        form.initial["revision"] = editing.section_revision(plan, section.slug)
    return render(
        request,
        "plans/risk_scores.html",
        {"plan": plan, "section": section, "form": form, "rows": form.rows()},
        status=400 if form.errors else 200,
    )
