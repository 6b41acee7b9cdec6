"""The scheme pages schemes owns: Annex 1, the Detailed Scheme Description of one scheme (2014-09).
The schemes table itself is one of the plan's structured tables (plans.content.views)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from bcf.core.markup import render_markup
from plans import editing
from plans import editions as ed
from plans.access import Action, can, plan_for_user
from schemes.forms import Annex1Form
from schemes.models import ANNEX1_FIELDS, Scheme


@login_required
@require_http_methods(["GET", "POST"])
def annex1(request, plan_id, row_id):
    plan = plan_for_user(request.user, plan_id)
    can_edit = can(request.user, Action.EDIT, plan)
    scheme = get_object_or_404(Scheme, plan=plan, pk=row_id)
    section = plan.edition_def.section_of_kind(ed.SCHEMES)
    if section is None:
        raise Http404("This edition has no schemes table")
    if request.method == "POST" and can_edit:
        form = Annex1Form(request.POST, plan=plan)
        if form.is_valid():
            saved = editing.save_row_from(
                form,
                plan=plan,
                user=request.user,
                section=section.slug,
                instance=scheme,
                label=lambda s: f"Scheme {s.ref} Annex 1",
            )
            if saved is not None:
                messages.success(request, f"Annex 1 for scheme {scheme.ref} saved")
                return redirect("plans:section", plan.pk, section.slug)
    else:
        initial = scheme.annex1_values()
        initial["revision"] = editing.section_revision(plan, section.slug)
        form = Annex1Form(initial=initial, plan=plan)
    annex = [(label, hint, render_markup(getattr(scheme, name))) for name, label, hint in ANNEX1_FIELDS]
    return render(
        request,
        "schemes/annex1.html",
        {
            "plan": plan,
            "section": section,
            "scheme": scheme,
            "form": form,
            "can_edit": can_edit,
            "annex": annex,
            "investment": _investment(scheme),
        },
        status=400 if form.errors else 200,
    )


def _investment(scheme):
    """Annex 1 "Investment requirements": the scheme's lines of the Part 2 expenditure plan (tab 3) and
    their totals per year, read-only, as the PDF's Annex 1 shows them. Through the reverse relation, so
    schemes does not import metrics."""
    rows = list(scheme.expenditure_rows.order_by("position", "pk"))
    totals = {
        "2014_15": sum((r.amount_2014_15 for r in rows), Decimal(0)),
        "2015_16": sum((r.amount_2015_16 for r in rows), Decimal(0)),
    }
    return {"rows": rows, "totals": totals}
