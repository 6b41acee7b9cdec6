"""Part 2 pages. Every plan lookup goes through plans.content.selectors.plan_for_user, so another HWB's plan
is a 404; only editors change a draft plan. Views parse input with a form, call one service, and
render the figures metrics.calculations computes (also live, as the user types, through the same
view with action=calculate)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from metrics import calculations as calc
from metrics import services
from metrics.charts import expenditure_chart, metric_chart, p4p_chart
from metrics.checks import BENEFITS, EXPENDITURE, FUNDING, METRICS, P4P, issues_for
from metrics.definitions import YEARS
from metrics.forms import BenefitForm, ExpenditureForm, FundingForm, MetricForm, P4PForm, WorkbookUploadForm
from metrics.imports.workbook import WorkbookError, read_workbook
from metrics.models import BenefitRow, ExpenditureRow, P4PMetric
from metrics.selectors import build_part2_view, metric_view, p4p_figures, p4p_inputs
from metrics.tasks import part2_tasks
from plans import editing
from plans.access import can_edit, plan_for_user, user_roles_for_plan
from plans.editing import PlanNotEditable, StaleSection, locked_message, refusal_message, section_revision

LIVE_HEADER = "HTTP_X_BCF_LIVE"


def _context(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    roles = user_roles_for_plan(request.user, plan)
    return plan, can_edit(request.user, plan, roles)


def _locked(request, plan, to):
    messages.error(request, locked_message(plan))
    return redirect(to, plan.pk)


def _live(request, template, context):
    """The computed figures alone, for the page's script to put beside the inputs."""
    return HttpResponse(render_to_string(template, context, request=request))


def _wants_live(request):
    return request.META.get(LIVE_HEADER) == "1"


def _page_issues(part2, page):
    return [found.issue for found in issues_for(part2.plan, part2) if found.page == page] if not part2.is_empty else []


@login_required
def summary(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    found = issues_for(plan, part2)
    return render(
        request,
        "metrics/summary.html",
        {
            "plan": plan,
            "part2": part2,
            "tasks": part2_tasks(part2, found),
            "errors": [f.issue for f in found if f.issue.is_error],
            "warnings": [f.issue for f in found if not f.issue.is_error],
            "can_edit": can_edit,
        },
    )


# --- funding sources ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def funding(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    kwargs = {"organisations": part2.organisations, "existing": part2.funding}
    if request.method == "POST":
        if not can_edit:
            return _locked(request, plan, "metrics:funding")
        form = FundingForm(request.POST, **kwargs)
        action = request.POST.get("action", "save")
        if action != "calculate" and form.is_valid():
            try:
                changed = services.funding_save(
                    plan=plan, user=request.user, revision=form.cleaned_data["revision"], values=form.values()
                )
            except (StaleSection, PlanNotEditable) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(
                    request, "Funding sources saved" if changed else "Funding sources: nothing had changed"
                )
                return redirect("metrics:summary", plan.pk)
    else:
        form = FundingForm(initial={"revision": section_revision(plan, services.FUNDING)}, **kwargs)
    totals = {year: calc.money_sum(amounts) for year, amounts in form.totals_inputs().items()}
    figures = [
        {
            "year": year,
            "anchor": f"total-{year.replace('/', '-')}",
            "total": totals[year],
            "agreed": part2.agreed[year],
            "difference": calc.difference(totals[year], part2.agreed[year]),
            "minimum": part2.minimum[year],
            "below_minimum": part2.minimum[year] is not None and totals[year] < part2.minimum[year],
        }
        for year in YEARS
    ]
    context = {"plan": plan, "part2": part2, "form": form, "figures": figures, "can_edit": can_edit}
    if request.method == "POST" and _wants_live(request):
        return _live(request, "metrics/_funding_figures.html", context)
    context["issues"] = _page_issues(part2, FUNDING)
    return render(request, "metrics/funding.html", context, status=400 if form.errors else 200)


# --- expenditure and benefit lines ("Add another") ---------------------------------------------------


@dataclass(frozen=True)
class Lines:
    page: str
    model: type
    form: type
    section: str
    noun: str
    label: object

    def list_url(self, plan):
        return reverse(f"metrics:{self.page}", args=[plan.pk])


LINES = {
    EXPENDITURE: Lines(
        EXPENDITURE,
        ExpenditureRow,
        ExpenditureForm,
        services.EXPENDITURE,
        "expenditure line",
        services.expenditure_label,
    ),
    BENEFITS: Lines(BENEFITS, BenefitRow, BenefitForm, services.BENEFITS, "benefit line", services.benefit_label),
}


@login_required
def expenditure(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    return render(
        request,
        "metrics/expenditure.html",
        {
            "plan": plan,
            "part2": part2,
            "can_edit": can_edit,
            "differences": {
                year: calc.difference(part2.expenditure_totals[year], part2.funding_totals[year]) for year in YEARS
            },
            "chart": _chart(part2, "spend"),
            "issues": _page_issues(part2, EXPENDITURE),
            "revision": section_revision(plan, services.EXPENDITURE),
        },
    )


@login_required
def benefits(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    return render(
        request,
        "metrics/benefits.html",
        {"plan": plan, "part2": part2, "can_edit": can_edit, "issues": _page_issues(part2, BENEFITS)},
    )


def _chart(part2, slug):
    if slug == "spend":
        return expenditure_chart(part2.expenditure_by_area)
    if slug == "p4p":
        return p4p_chart(part2.p4p)
    return None


def _lines(page):
    try:
        return LINES[page]
    except KeyError:
        raise Http404("No such table") from None


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, plan_id, page, row_id=None):
    plan, can_edit = _context(request, plan_id)
    lines = _lines(page)
    instance = get_object_or_404(lines.model, plan=plan, pk=row_id) if row_id else None
    if not can_edit:
        return _locked(request, plan, f"metrics:{page}")
    if not plan.schemes.exists():
        messages.error(request, "Add the plan's schemes first: each line belongs to a scheme")
        return redirect(f"metrics:{page}", plan.pk)
    if request.method == "POST":
        form = lines.form(request.POST, plan=plan)
        action = request.POST.get("action", "save")
        if action != "calculate" and form.is_valid():
            saved = editing.save_row_from(
                form,
                plan=plan,
                user=request.user,
                section=lines.section,
                instance=instance or lines.model(plan=plan),
                label=lines.label,
            )
            if saved is not None:
                messages.success(request, f"{lines.label(saved)} has been {'changed' if instance else 'added'}")
                if action == "save-add":
                    return redirect(f"metrics:{page}_add", plan.pk)
                return redirect(f"{lines.list_url(plan)}#{page}-{saved.pk}")
    else:
        initial = {}
        if instance is not None:
            initial = {f.name: getattr(instance, f.name) for f in instance._meta.fields}
            initial["scheme"] = instance.scheme_id
        elif page == EXPENDITURE:
            initial["new_or_existing"] = "new"
        initial["revision"] = section_revision(plan, lines.section)
        form = lines.form(initial=initial, plan=plan)
    context = {"plan": plan, "form": form, "lines": lines, "instance": instance, "page": page}
    if page == BENEFITS:
        given = form.inputs()
        quarters = [given.get(q) for q in ("q1", "q2", "q3", "q4")]
        context["benefit"] = {
            "change": calc.benefit_change(quarters),
            "total": calc.benefit_total(quarters, given.get("value_per_unit")),
        }
        if request.method == "POST" and _wants_live(request):
            return _live(request, "metrics/_benefit_figures.html", context)
    return render(request, "metrics/line_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def line_remove(request, plan_id, page, row_id):
    plan, can_edit = _context(request, plan_id)
    lines = _lines(page)
    instance = get_object_or_404(lines.model, plan=plan, pk=row_id)
    if not can_edit:
        return _locked(request, plan, f"metrics:{page}")
    error = None
    if request.method == "POST":
        try:
            services.row_delete(
                plan=plan,
                user=request.user,
                section=lines.section,
                revision=request.POST.get("revision"),
                instance=instance,
                label=lines.label,
            )
        except StaleSection:
            error = "Someone else changed these lines after you opened the page. Check the list again before removing."
        except PlanNotEditable as exc:
            error = refusal_message(exc)
        else:
            messages.success(request, f"{lines.label(instance)} has been removed")
            return redirect(f"metrics:{page}", plan.pk)
    return render(
        request,
        "metrics/line_remove.html",
        {
            "plan": plan,
            "lines": lines,
            "instance": instance,
            "error": error,
            "revision": section_revision(plan, lines.section),
            "page": page,
        },
    )


# --- the pay-for-performance metric --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def p4p(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    if not part2.definition.has_p4p:
        raise Http404("Edition 2014-04 has no pay-for-performance metric")
    row = part2.p4p_row
    reference = part2.reference
    if request.method == "POST":
        if not can_edit:
            return _locked(request, plan, "metrics:p4p")
        form = P4PForm(request.POST, reference=reference)
        action = request.POST.get("action", "save")
        if action != "calculate" and form.is_valid():
            try:
                services.row_save(
                    plan=plan,
                    user=request.user,
                    section=services.P4P,
                    revision=form.cleaned_data["revision"],
                    instance=row or P4PMetric(plan=plan),
                    values=form.values(),
                    label=services.p4p_label,
                )
            except (StaleSection, PlanNotEditable) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, "Pay-for-performance metric saved")
                return redirect("metrics:summary", plan.pk)
        figures = p4p_figures(form.inputs(), reference)
    else:
        if row is not None:
            inputs = p4p_inputs(row)
        else:
            inputs = {"performance_element": reference.performance_element, "unit_saving": reference.unit_saving}
        initial = {
            "population": inputs.get("population"),
            "performance_element": inputs.get("performance_element"),
            "unit_saving": inputs.get("unit_saving"),
            "justification": inputs.get("justification", ""),
            "revision": section_revision(plan, services.P4P),
        }
        for i in range(4):
            initial[f"baseline_q{i + 1}"] = (inputs.get("baseline") or [None] * 4)[i]
            initial[f"plan_q{i + 1}"] = (inputs.get("plan") or [None] * 4)[i]
        form = P4PForm(initial=initial, reference=reference)
        figures = p4p_figures(inputs, reference)
    context = {"plan": plan, "part2": part2, "form": form, "figures": figures, "can_edit": can_edit}
    if request.method == "POST" and _wants_live(request):
        return _live(request, "metrics/_p4p_live.html", context)
    context["issues"] = _page_issues(part2, P4P)
    context["quarters"] = [(q, form[f"baseline_q{q.number}"], form[f"plan_q{q.number}"]) for q in figures.quarters]
    context["chart"] = _chart(part2, "p4p")
    return render(request, "metrics/p4p.html", context, status=400 if form.errors else 200)


# --- supporting / outcome metrics ---------------------------------------------------------------------


@login_required
def metrics(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    charts = {m.code: metric_chart(m, f"metric-{m.code.lower()}") for m in part2.metrics}
    return render(
        request,
        "metrics/metrics.html",
        {
            "plan": plan,
            "part2": part2,
            "can_edit": can_edit,
            "rows": [(m, charts[m.code]) for m in part2.metrics],
            "issues": _page_issues(part2, METRICS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def metric(request, plan_id, code):
    plan, can_edit = _context(request, plan_id)
    part2 = build_part2_view(plan)
    try:
        definition = part2.definition.metric(code.upper())
    except KeyError:
        raise Http404("No such metric") from None
    current = next(m for m in part2.metrics if m.code == definition.code)
    kwargs = {"definition": definition, "target_labels": part2.definition.target_labels}
    if request.method == "POST":
        if not can_edit:
            return _locked(request, plan, "metrics:metrics")
        form = MetricForm(request.POST, **kwargs)
        action = request.POST.get("action", "save")
        if action != "calculate" and form.is_valid():
            try:
                services.metric_save(
                    plan=plan,
                    user=request.user,
                    revision=form.cleaned_data["revision"],
                    code=definition.code,
                    values=form.metric_values(),
                    figures=form.figure_values(),
                )
            except (StaleSection, PlanNotEditable) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, f"{definition.code} {definition.name} saved")
                return redirect(f"{reverse('metrics:metrics', args=[plan.pk])}#metric-{definition.code}")
        shown = metric_view(definition, current.metric, form.inputs(), part2.definition.target_labels)
    else:
        initial = {"revision": section_revision(plan, services.METRICS)}
        if current.metric is not None:
            for name in ("name", "definition", "source", "comment"):
                initial[name] = getattr(current.metric, name)
        for position, figure in enumerate(current.figures):
            initial[f"f{position}_label"] = figure.label
            for part in ("numerator", "denominator", "stated_value", "percent_change"):
                initial[f"f{position}_{part}"] = getattr(figure, part)
        form = MetricForm(initial=initial, **kwargs)
        shown = current
    rows = []
    for row, figure in zip(form.rows, shown.figures, strict=True):
        rows.append({"row": row, "figure": figure, "fields": {part: form[name] for part, name in row["names"].items()}})
    context = {
        "plan": plan,
        "part2": part2,
        "form": form,
        "definition": definition,
        "metric": shown,
        "rows": rows,
        "can_edit": can_edit,
    }
    if request.method == "POST" and _wants_live(request):
        return _live(request, "metrics/_metric_figures.html", context)
    return render(request, "metrics/metric_form.html", context, status=400 if form.errors else 200)


# --- the workbook -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request, plan_id):
    plan, can_edit = _context(request, plan_id)
    if not can_edit:
        return _locked(request, plan, "metrics:summary")
    problems = []
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                read = read_workbook(plan, form.cleaned_data["file"])
                changed = services.part2_replace(
                    plan=plan,
                    user=request.user,
                    data=read.data,
                    expected_revisions=None if form.cleaned_data["replace"] else read.revisions,
                )
            except WorkbookError as exc:
                problems = exc.problems
                form.add_error("file", f"The workbook was not imported: {exc.summary}")
            except services.StalePart2 as exc:
                form.add_error(
                    "file",
                    "The workbook was not imported: the "
                    + ", ".join(exc.sections)
                    + " changed in the service after this workbook was downloaded. Download it again, or tick "
                    "“Replace the changes…” and upload it again to overwrite them.",
                )
            except PlanNotEditable as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(
                    request,
                    f"Part 2 has been updated from the workbook: {changed} change{'s' if changed != 1 else ''}"
                    if changed
                    else "The workbook was read: no figure had changed",
                )
                return redirect("metrics:summary", plan.pk)
    else:
        form = WorkbookUploadForm()
    return render(
        request,
        "metrics/workbook_upload.html",
        {"plan": plan, "form": form, "problems": problems},
        status=400 if form.errors else 200,
    )
