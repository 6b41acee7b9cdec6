"""The write toolkit every part of a plan uses: lock the plan row (refusing a plan that is not a
draft or a page that is stale), record each changed field in the history, save or remove one row
of a structured table, and renew the plan's revision so its stored task list summary is worked out
again once the write commits.

Part 1 (plans.content), schemes and Part 2 (metrics) all write through here; what happens after a
write commits (the task list summary) registers itself with `after_write`.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max

from bcf.core.validation import is_ascii_digits
from plans.models import SUBMITTED_STATES, ChangeRecord, Plan, PlanStatus, SectionRevision, Verb

STALE_MESSAGE = (
    "Someone else saved this section after you opened it, so your changes have not been saved. "
    "Your text is still below: copy anything you need, then open the section again to see their changes."
)
LOCKED_MESSAGE = "This plan is {status}, so it cannot be changed. An editor can reopen it to make changes."
SUBMITTED_MESSAGE = (
    "This plan is {status}, so it cannot be changed. An editor can start a new version of it to make changes."
)

_AFTER_WRITE = []


def after_write(callback):
    """Run `callback(plan_id)` once each transaction that writes to a plan commits."""
    _AFTER_WRITE.append(callback)
    return callback


def touch(plan_id):
    """Call inside the transaction of every write to the plan: a new revision, and once the
    transaction commits, the `after_write` callbacks."""
    Plan.objects.filter(pk=plan_id).update(revision=F("revision") + 1)
    for callback in _AFTER_WRITE:
        transaction.on_commit(lambda callback=callback: callback(plan_id))


def touch_all(plans):
    """`touch` for a queryset of plans (reference data changed under them); worked out lazily."""
    plans.update(revision=F("revision") + 1)


class PlanNotEditable(Exception):
    """The plan is not a draft (it is awaiting sign-off or later), so it is read-only."""

    def __init__(self, plan):
        super().__init__(plan.status_label)
        self.plan = plan


def locked_message(plan):
    """Why the plan cannot be changed, and what would let it: reopening before submission, a new
    version after."""
    template = SUBMITTED_MESSAGE if plan.status in SUBMITTED_STATES else LOCKED_MESSAGE
    return template.format(status=plan.status_label.lower())


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


# Internal writers that replace a section whole (the workbook import) pass this instead of a revision.
SKIP_STALE_CHECK = object()


def parse_revision(raw):
    """The revision a page was opened at, or None when it is missing or malformed ("abc", "", "-1",
    "1e308"): such a page is treated as stale, never as "no check"."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str) and is_ascii_digits(raw.strip()) and len(raw.strip()) <= 18:
        return int(raw.strip())
    return None


def lock_for_edit(plan_id, section=None, revision=SKIP_STALE_CHECK):
    """Lock the plan row (and the section counter) for the rest of the transaction. With a section,
    `revision` must be the section's current revision (see parse_revision), or StaleSection is raised."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanNotEditable(plan)
    counter = None
    if section is not None:
        counter, _ = SectionRevision.objects.select_for_update().get_or_create(plan=plan, section=section)
        if revision is not SKIP_STALE_CHECK and parse_revision(revision) != counter.revision:
            raise StaleSection(section, counter.revision)
    touch(plan.pk)
    plan.revision += 1  # as touch left it in the row, which this transaction holds locked
    return plan, counter


def bump_section(counter):
    if counter is not None:
        SectionRevision.objects.filter(pk=counter.pk).update(revision=F("revision") + 1)
        counter.refresh_from_db()


def record(*, plan, user, section, field, old, new, verb=Verb.CHANGED, payload=None):
    """One line of the plan's history; code reads it back by `verb` (and `payload`), never by its words."""
    ChangeRecord.objects.create(
        plan=plan,
        user=user,
        verb=verb,
        section=section,
        field=field,
        old=display(old),
        new=display(new),
        payload=payload or {},
    )


def record_diff(plan, user, section, prefix, old, new):
    changed = 0
    for name, new_value in new.items():
        old_value = old.get(name)
        if display(old_value) != display(new_value):
            record(plan=plan, user=user, section=section, field=f"{prefix}{name}", old=old_value, new=new_value)
            changed += 1
    return changed


def refusal_message(exc):
    """The words for a refused save: a stale page, or a plan that is no longer a draft."""
    if isinstance(exc, StaleSection):
        return STALE_MESSAGE
    return locked_message(exc.plan)


def _row_values(instance, names):
    return {name: getattr(instance, name) for name in names}


@transaction.atomic
def row_save(*, plan, user, section, revision, instance, values, label):
    """Add or change one row of a structured table (document, risk, scheme, milestone, provider)."""
    plan, counter = lock_for_edit(plan.pk, section, revision)
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
        record(
            plan=plan,
            user=user,
            section=section,
            field=f"{label(instance)} added",
            old="",
            new=str(instance),
            verb=Verb.ADDED,
        )
        changed = 1
    else:
        changed = record_diff(plan, user, section, f"{label(instance)}.", old, values)
    if changed:
        bump_section(counter)
    return instance


@transaction.atomic
def row_delete(*, plan, user, section, revision, instance, label):
    plan, counter = lock_for_edit(plan.pk, section, revision)
    if instance.plan_id != plan.pk:
        raise ValueError("row belongs to another plan")
    description = str(instance)
    name = label(instance)
    file = getattr(instance, "file", None)
    instance.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(file.name))
    record(plan=plan, user=user, section=section, field=f"{name} removed", old=description, new="", verb=Verb.REMOVED)
    bump_section(counter)


def save_row_from(form, *, plan, user, section, instance, label):
    """Save one table row from a valid row form (bcf.core.fields.RowForm). A stale page or a plan that
    is no longer a draft becomes the form's error, with the typed text kept in the form. Returns the
    saved row, or None when the save was refused."""
    try:
        return row_save(
            plan=plan,
            user=user,
            section=section,
            revision=form.cleaned_data["revision"],
            instance=instance,
            values=form.values(),
            label=label,
        )
    except (StaleSection, PlanNotEditable) as exc:
        form.add_error(None, refusal_message(exc))
        return None
