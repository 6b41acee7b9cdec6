"""Everything that changes a quarterly return (DOMAIN.md §10), each in one transaction with the
return row locked: start it from the Board's latest submitted plan, save a section, sign it off,
reopen it, submit it (an immutable version whose files are made by jobs), and the area team's
accept or return; a returned return is resubmitted as a new version. Permissions and transitions
come from plans.access (RULES), as for plans."""

from django.db import IntegrityError, transaction
from django.db.models import F

from bcf.core.issues import errors
from bcf.core.people import display_name
from metrics.definitions import FundingKind, part2_edition
from metrics.models import ExpenditureRow, FundingRow, Metric
from metrics.selectors import metric_views
from plans import deadlines
from plans.access import RULES, Action, NotAllowed, require
from plans.models import (
    AdmissionsRevision,
    QuarterlyReturn,
    ReturnCondition,
    ReturnDecision,
    ReturnEvent,
    ReturnExpenditure,
    ReturnIncome,
    ReturnMetric,
    ReturnSignature,
    ReturnStatus,
    ReturnSubmission,
    Role,
)
from plans.returns import files, notifications
from plans.returns.checks import check_return
from plans.returns.conditions import conditions_for
from plans.returns.document import content_hash
from plans.returns.selectors import current_return, earlier_return, latest_submitted_plan, return_view

STALE_MESSAGE = (
    "Someone else saved this return after you opened it, so your changes have not been saved. "
    "What you entered is still below: open the section again to see their changes."
)


class ReturnError(Exception):
    """Something that cannot be done to a return, in words for the person who tried."""


class NoSubmittedPlan(ReturnError):
    def __init__(self, hwb):
        super().__init__(
            f"{hwb.name} has no submitted plan, so a return cannot be started: a return reports on the "
            "Board's latest submitted plan."
        )


class ReturnExists(ReturnError):
    def __init__(self, existing):
        super().__init__(f"A return for {existing.period_id} has already been started.")
        self.existing = existing


class ReturnHasErrors(ReturnError):
    def __init__(self, problems):
        super().__init__("The return cannot be signed off until its errors are put right.")
        self.problems = problems


class StaleReturn(ReturnError):
    def __init__(self):
        super().__init__(STALE_MESSAGE)


def event(ret, user, what, detail=""):
    ReturnEvent.objects.create(
        quarterly_return=ret,
        at=deadlines.now(),
        user=user,
        user_name=display_name(user) if user else "",
        what=what,
        detail=detail,
    )


def _lock(ret):
    return QuarterlyReturn.objects.select_for_update().select_related("period", "hwb", "plan").get(pk=ret.pk)


def _touch(ret):
    QuarterlyReturn.objects.filter(pk=ret.pk).update(revision=F("revision") + 1)
    ret.revision += 1


# --- starting a return ---------------------------------------------------------------------------


def _may_start(user, hwb):
    return user is None or any(r.role == Role.EDITOR and r.hwb_id == hwb.pk for r in user.roles.all())


def _metric_rows(plan):
    definition = part2_edition(plan.edition)
    rows = Metric.objects.filter(plan=plan).prefetch_related("figures")
    out = []
    for view in metric_views(definition, rows):
        if view.metric is None:
            continue
        target = next((t for t in reversed(view.targets) if t.value is not None), None)
        out.append(
            {
                "code": view.code,
                "name": view.name,
                "baseline": view.baseline.value,
                "target": target.value if target else None,
                "target_label": target.label if target else "",
            }
        )
    return out


@transaction.atomic
def return_start(*, hwb, period, user):
    """A new DRAFT return of the Board for the period, reporting on its latest submitted plan, with
    the plan's funding rows, schemes, conditions and metrics, and earlier quarters' actual admissions
    carried over from the Board's previous return."""
    if not _may_start(user, hwb):
        raise NotAllowed("You cannot start a return for this Board.")
    existing = current_return(hwb, period)
    if existing is not None:
        raise ReturnExists(existing)
    plan = latest_submitted_plan(hwb)
    if plan is None:
        raise NoSubmittedPlan(hwb)
    before = earlier_return(hwb, period)
    carried = before.actuals if before is not None else [None] * 4
    cover = {}
    if user is not None:
        position = next((r.position for r in user.roles.all() if r.hwb_id == hwb.pk and r.position), "")
        cover = {"cover_name": display_name(user), "cover_email": user.email, "cover_role": position}
    try:
        with transaction.atomic():
            ret = QuarterlyReturn.objects.create(
                hwb=hwb,
                period=period,
                plan=plan,
                created_by=user,
                actual_1=carried[0],
                actual_2=carried[1],
                actual_3=carried[2],
                actual_4=carried[3],
                **cover,
            )
    except IntegrityError:
        raise ReturnExists(current_return(hwb, period)) from None
    _prefill(ret, plan)
    event(ret, user, "Return started", f"Reporting on {plan}")
    return ret


def _prefill(ret, plan):
    ReturnCondition.objects.bulk_create(
        ReturnCondition(quarterly_return=ret, position=i, key=key, label=label)
        for i, (key, label) in enumerate(conditions_for(plan.edition))
    )
    kinds = dict(FundingKind.choices)
    ReturnIncome.objects.bulk_create(
        ReturnIncome(
            quarterly_return=ret,
            position=i,
            organisation=row.organisation,
            kind=row.kind,
            kind_label=kinds.get(row.kind, row.kind),
            planned=row.amount_2015_16,
        )
        for i, row in enumerate(FundingRow.objects.filter(plan=plan))
    )
    schemes = {}
    for row in ExpenditureRow.objects.filter(plan=plan).select_related("scheme"):
        ref = row.scheme.ref if row.scheme_id else "No scheme"
        name = row.scheme.name if row.scheme_id else ""
        entry = schemes.setdefault(ref, {"name": name, "planned": 0})
        entry["planned"] += row.amount_2015_16
    ReturnExpenditure.objects.bulk_create(
        ReturnExpenditure(
            quarterly_return=ret, position=i, scheme_ref=ref, scheme_name=e["name"][:300], planned=e["planned"]
        )
        for i, (ref, e) in enumerate(schemes.items())
    )
    ReturnMetric.objects.bulk_create(
        ReturnMetric(quarterly_return=ret, position=i, **values) for i, values in enumerate(_metric_rows(plan))
    )


# --- saving ---------------------------------------------------------------------------------------


def _for_edit(ret, user, revision):
    ret = _lock(ret)
    require(user, Action.RETURN_EDIT, ret)
    if revision is not None and int(revision) != ret.revision:
        raise StaleReturn()
    return ret


@transaction.atomic
def return_update(*, ret, user, values, revision=None, what="Changed"):
    """Save fields of the return itself (cover, budget arrangements, narrative): {field: value}."""
    ret = _for_edit(ret, user, revision)
    changed = [name for name, value in values.items() if getattr(ret, name) != value]
    for name in changed:
        setattr(ret, name, values[name])
    if changed:
        ret.save(update_fields=[*changed, "updated_at"])
        _touch(ret)
        event(ret, user, what, ", ".join(QuarterlyReturn._meta.get_field(n).verbose_name for n in changed))
    return ret


@transaction.atomic
def return_rows_update(*, ret, user, model, rows, revision=None, what="Changed"):
    """Save rows of one of the return's tables (conditions, income, expenditure, metrics):
    {row id: {field: value}}; a row id that is not the return's is ignored."""
    ret = _for_edit(ret, user, revision)
    mine = {row.pk: row for row in model.objects.filter(quarterly_return=ret)}
    changed = 0
    for pk, values in rows.items():
        row = mine.get(pk)
        if row is None:
            continue
        names = [name for name, value in values.items() if getattr(row, name) != value]
        for name in names:
            setattr(row, name, values[name])
        if names:
            row.save(update_fields=names)
            changed += 1
    if changed:
        _touch(ret)
        event(ret, user, what, f"{changed} row{'s' if changed != 1 else ''} changed")
    return ret


@transaction.atomic
def return_save_admissions(*, ret, user, actuals, revision=None):
    """Save the actual admissions ({quarter 1..4: int or None}); an earlier quarter's figure that
    changes is a revision, recorded with what was reported before."""
    ret = _for_edit(ret, user, revision)
    own = ret.period.p4p_quarter
    at = deadlines.now()
    names = []
    for k, value in actuals.items():
        name = f"actual_{k}"
        old = getattr(ret, name)
        if old == value:
            continue
        if own is not None and k < own and old is not None:
            AdmissionsRevision.objects.create(
                quarterly_return=ret, quarter=k, old=old, new=value, at=at, by_name=display_name(user) if user else ""
            )
            event(ret, user, "Earlier quarter revised", f"Quarter {k}: {old} → {value}")
        setattr(ret, name, value)
        names.append(name)
    if names:
        ret.save(update_fields=[*names, "updated_at"])
        _touch(ret)
        event(ret, user, "Admissions changed")
    return ret


# --- workflow ------------------------------------------------------------------------------------


def _set_status(ret, user, status, note=""):
    old = ret.get_status_display()
    ret.status = status
    ret.save(update_fields=["status", "updated_at"])
    _touch(ret)
    event(ret, user, f"Status: {old} → {ret.get_status_display()}", note)


def _position(user, ret):
    roles = [r for r in user.roles.all() if r.hwb_id == ret.hwb_id and r.role in (Role.CHAIR, Role.RETURN_SIGNATORY)]
    return next((r.position for r in roles if r.position), roles[0].get_role_display() if roles else "")


@transaction.atomic
def return_sign(*, ret, user):
    """DRAFT → SIGNED_OFF: the chair or a return signatory signs the return as it is now."""
    ret = _lock(ret)
    require(user, Action.RETURN_SIGN, ret)
    view = return_view(ret)
    problems = errors(check_return(view))
    if problems:
        raise ReturnHasErrors(problems)
    ReturnSignature.objects.create(
        quarterly_return=ret,
        user=user,
        name=display_name(user),
        position=_position(user, ret),
        signed_at=deadlines.now(),
        content_hash=content_hash(view),
    )
    _set_status(ret, user, ReturnStatus.SIGNED_OFF, f"Signed off by {display_name(user)}")
    return ret


def _void(ret, user, why):
    ReturnSignature.objects.filter(quarterly_return=ret, voided_at__isnull=True).update(
        voided_at=deadlines.now(), void_reason=why[:300]
    )


@transaction.atomic
def return_reopen(*, ret, user, reason=""):
    """SIGNED_OFF → DRAFT so it can be changed; the signature no longer holds."""
    ret = _lock(ret)
    require(user, Action.RETURN_REOPEN, ret)
    _void(ret, user, f"Reopened by {display_name(user)}" + (f": {reason}" if reason else ""))
    _set_status(ret, user, ReturnStatus.DRAFT, reason)
    return ret


@transaction.atomic
def return_submit(*, ret, user):
    """SIGNED_OFF → SUBMITTED: an immutable version, its files made by jobs queued in this transaction."""
    ret = _lock(ret)
    require(user, Action.RETURN_SUBMIT, ret)
    view = return_view(ret)
    signature = view.valid_signature
    if signature is None:
        raise ReturnError(
            "The signature does not hold for the return as it is now: reopen it so it can be signed again."
        )
    at = deadlines.now()
    due = ret.period.due
    ret.submitted_at = at
    ret.save(update_fields=["submitted_at"])
    submission = ReturnSubmission.objects.create(
        quarterly_return=ret,
        version=ret.version,
        submitted_at=at,
        submitted_by=user,
        submitted_by_name=display_name(user),
        due=due,
        is_late=at.date() > due,
        content_hash=signature.content_hash,
    )
    _set_status(ret, user, ReturnStatus.SUBMITTED, "late" if submission.is_late else "")
    files.queue_return_files(submission)
    notifications.submitted(ret=ret, submission=submission)
    return submission


def _decide(ret, user, action, decision, comment):
    """The area team's decision on a submitted return: recorded, the state the transitions table gives
    the action, and the Board told."""
    ret = _lock(ret)
    require(user, action, ret)
    decided = ReturnDecision.objects.create(
        quarterly_return=ret,
        decision=decision,
        comment=comment,
        decided_by=user,
        decided_by_name=display_name(user),
        decided_at=deadlines.now(),
    )
    _set_status(ret, user, RULES[action].to, comment)
    notifications.decided(ret=ret, decision=decided)
    return ret


@transaction.atomic
def return_accept(*, ret, user, comment=""):
    """SUBMITTED → ACCEPTED, with the area team's comments if any."""
    return _decide(ret, user, Action.RETURN_ACCEPT, ReturnDecision.ACCEPTED, comment)


@transaction.atomic
def return_send_back(*, ret, user, comment):
    """SUBMITTED → RETURNED with the area team's comments (required)."""
    if not (comment or "").strip():
        raise ReturnError("Say what the Board needs to change.")
    return _decide(ret, user, Action.RETURN_SEND_BACK, ReturnDecision.RETURNED, comment)


@transaction.atomic
def return_resubmit(*, ret, user):
    """A returned return's new version, in DRAFT, copied from it; the returned one keeps its state."""
    ret = _lock(ret)
    require(user, Action.RETURN_RESUBMIT, ret)
    QuarterlyReturn.objects.filter(pk=ret.pk).update(is_current=False)
    old_pk = ret.pk
    new = QuarterlyReturn.objects.get(pk=old_pk)
    new.pk = None
    new.status, new.version, new.previous_id, new.is_current = ReturnStatus.DRAFT, ret.version + 1, old_pk, True
    new.revision, new.submitted_at, new.created_by = 0, None, user
    new.save(force_insert=True)
    for model in (ReturnCondition, ReturnIncome, ReturnExpenditure, ReturnMetric):
        rows = list(model.objects.filter(quarterly_return_id=old_pk))
        for row in rows:
            row.pk, row.quarterly_return = None, new
        model.objects.bulk_create(rows)
    event(new, user, f"Version {new.version} started", f"From version {ret.version}, returned by the area team")
    event(ret, user, "New version started", f"Version {new.version}")
    return new
