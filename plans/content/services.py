"""Writes to a plan. Each is atomic, locks the plan row, refuses a plan that is not editable or a
page that is stale, records every changed field in the plan's history and only then returns."""

from django.db import transaction

from plans import editions as ed
from plans.content import task_summary
from plans.editing import (
    bump_section,
    lock_for_edit,
    record,
    record_diff,
)
from plans.models import Answer, Plan, PlanCCG, Risk, Verb


@transaction.atomic
def answers_save(*, plan, user, section, revision, values):
    """Save the answers of one section page. `values`: {question key: {part: value}}."""
    plan, counter = lock_for_edit(plan.pk, section, revision)
    existing = {a.key: a for a in Answer.objects.filter(plan=plan, key__in=list(values))}
    changed = 0
    for key, parts in values.items():
        answer = existing.get(key) or Answer(plan=plan, key=key)
        old = {part: getattr(answer, part) for part in parts}
        for part, value in parts.items():
            setattr(answer, part, value)
        diff = record_diff(plan, user, section, f"{key}.", old, parts)
        if diff or answer.pk is None:
            answer.save()
        changed += diff
    if changed:
        bump_section(counter)
    task_summary.answers_saved(plan, section)
    return changed


SUMMARY_FIELDS = (
    "boundary_differences",
    "date_agreed_at_hwb",
    "date_agreed_note",
    "minimum_2014_15",
    "minimum_2015_16",
    "total_agreed_2014_15",
    "total_agreed_2015_16",
    "total_agreed_note",
)


@transaction.atomic
def summary_save(*, plan, user, revision, values):
    plan, counter = lock_for_edit(plan.pk, "summary", revision)
    old = {name: getattr(plan, name) for name in values}
    changed = record_diff(plan, user, "summary", "summary.", old, values)
    if changed:
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save(update_fields=[*values, "updated_at"])
        bump_section(counter)
    return changed


@transaction.atomic
def plan_create(*, hwb, edition, round, user, ccgs=()):
    """A new draft plan for an HWB; the HWB's current plan for the round stops being current."""
    Plan.objects.filter(hwb=hwb, round=round, is_current=True).update(is_current=False)
    plan = Plan.objects.create(hwb=hwb, edition=edition, round=round, created_by=user)
    for position, ccg in enumerate(ccgs):
        PlanCCG.objects.create(plan=plan, ccg=ccg, position=position)
    record(plan=plan, user=user, section="", field="plan created", old="", new=f"{edition} {round}", verb=Verb.CREATED)
    return plan


@transaction.atomic
def risk_scores_save(*, plan, user, revision, scores):
    """Every risk's likelihood and potential impact at once ({risk id: (likelihood, impact)}); any
    proposed scores are cleared, as they are now confirmed. Returns how many risks changed."""
    section = plan.edition_def.section_of_kind(ed.RISKS).slug
    plan, counter = lock_for_edit(plan.pk, section, revision)
    changed = 0
    for risk in Risk.objects.filter(plan=plan, pk__in=list(scores)).select_for_update():
        likelihood, impact = scores[risk.pk]
        if (risk.likelihood, risk.impact) != (likelihood, impact):
            record(
                plan=plan,
                user=user,
                section=section,
                field=f"Risk {risk.position} scores",
                old=f"likelihood {risk.likelihood or '–'}, impact {risk.impact or '–'}",
                new=f"likelihood {likelihood}, impact {impact}",
            )
            changed += 1
        risk.likelihood, risk.impact = likelihood, impact
        risk.proposed_likelihood = risk.proposed_impact = None
        risk.save(update_fields=["likelihood", "impact", "proposed_likelihood", "proposed_impact"])
    if changed:
        bump_section(counter)
    return changed
