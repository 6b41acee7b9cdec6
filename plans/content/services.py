"""Writes to a plan. Each is atomic, locks the plan row, refuses a plan that is not editable or a
page that is stale, records every changed field in the plan's history and only then returns."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max

from plans.content import task_summary
from plans.models import Answer, ChangeRecord, Plan, PlanCCG, PlanStatus, SectionRevision


class PlanNotEditable(Exception):
    """The plan is not a draft (it is awaiting sign-off or later), so it is read-only."""


class StaleSection(Exception):
    """Someone else saved this section after the user opened it."""

    def __init__(self, section, current):
        super().__init__(section)
        self.section = section
        self.current = current


def display(value):
    """A value as the history page shows it."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(
            f"{item.get('label', '')}: {item.get('amount', '')}" if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def section_revision(plan, section):
    row = SectionRevision.objects.filter(plan=plan, section=section).only("revision").first()
    return row.revision if row else 0


def _lock(plan_id, section=None, revision=None):
    """Lock the plan row (and the section counter) for the rest of the transaction."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanNotEditable(plan.get_status_display())
    counter = None
    if section is not None:
        counter, _ = SectionRevision.objects.select_for_update().get_or_create(plan=plan, section=section)
        if revision is not None and int(revision) != counter.revision:
            raise StaleSection(section, counter.revision)
    task_summary.touch(plan.pk)
    plan.revision += 1  # as touch left it in the row, which this transaction holds locked
    return plan, counter


def _bump(counter):
    if counter is not None:
        SectionRevision.objects.filter(pk=counter.pk).update(revision=F("revision") + 1)
        counter.refresh_from_db()


def record(*, plan, user, section, field, old, new):
    ChangeRecord.objects.create(plan=plan, user=user, section=section, field=field, old=display(old), new=display(new))


def _record_diff(plan, user, section, prefix, old, new):
    changed = 0
    for name, new_value in new.items():
        old_value = old.get(name)
        if display(old_value) != display(new_value):
            record(plan=plan, user=user, section=section, field=f"{prefix}{name}", old=old_value, new=new_value)
            changed += 1
    return changed


@transaction.atomic
def answers_save(*, plan, user, section, revision, values):
    """Save the answers of one section page. `values`: {question key: {part: value}}."""
    plan, counter = _lock(plan.pk, section, revision)
    existing = {a.key: a for a in Answer.objects.filter(plan=plan, key__in=list(values))}
    changed = 0
    for key, parts in values.items():
        answer = existing.get(key) or Answer(plan=plan, key=key)
        old = {part: getattr(answer, part) for part in parts}
        for part, value in parts.items():
            setattr(answer, part, value)
        diff = _record_diff(plan, user, section, f"{key}.", old, parts)
        if diff or answer.pk is None:
            answer.save()
        changed += diff
    if changed:
        _bump(counter)
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
    plan, counter = _lock(plan.pk, "summary", revision)
    old = {name: getattr(plan, name) for name in values}
    changed = _record_diff(plan, user, "summary", "summary.", old, values)
    if changed:
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save(update_fields=[*values, "updated_at"])
        _bump(counter)
    return changed


def _row_values(instance, names):
    return {name: getattr(instance, name) for name in names}


@transaction.atomic
def row_save(*, plan, user, section, revision, instance, values, label):
    """Add or change one row of a structured table (document, risk, scheme, milestone, provider)."""
    plan, counter = _lock(plan.pk, section, revision)
    if instance.pk is not None and instance.plan_id != plan.pk:
        raise ValueError("row belongs to another plan")
    creating = instance.pk is None
    old = {} if creating else _row_values(type(instance).objects.get(pk=instance.pk), values)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.plan = plan
    if creating and hasattr(instance, "position") and not instance.position:
        top = type(instance).objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
        instance.position = top + 1
    instance.save()
    if creating:
        record(plan=plan, user=user, section=section, field=f"{label(instance)} added", old="", new=str(instance))
        changed = 1
    else:
        changed = _record_diff(plan, user, section, f"{label(instance)}.", old, values)
    if changed:
        _bump(counter)
    return instance


@transaction.atomic
def row_delete(*, plan, user, section, revision, instance, label):
    plan, counter = _lock(plan.pk, section, revision)
    if instance.plan_id != plan.pk:
        raise ValueError("row belongs to another plan")
    description = str(instance)
    name = label(instance)
    file = getattr(instance, "file", None)
    instance.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(file.name))
    record(plan=plan, user=user, section=section, field=f"{name} removed", old=description, new="")
    _bump(counter)


@transaction.atomic
def plan_create(*, hwb, edition, round, user, ccgs=()):
    """A new draft plan for an HWB; the HWB's current plan for the round stops being current."""
    Plan.objects.filter(hwb=hwb, round=round, is_current=True).update(is_current=False)
    plan = Plan.objects.create(hwb=hwb, edition=edition, round=round, created_by=user)
    for position, ccg in enumerate(ccgs):
        PlanCCG.objects.create(plan=plan, ccg=ccg, position=position)
    record(plan=plan, user=user, section="", field="plan created", old="", new=f"{edition} {round}")
    return plan
