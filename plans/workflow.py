"""The plan's workflow from draft to submitted version (DOMAIN.md §7): the only code that changes
Plan.status.

States, and what moves a plan between them:

- DRAFT: editors change any section. `plan_mark_ready` (editor, no check errors) → AWAITING_SIGN_OFF.
- AWAITING_SIGN_OFF: read-only. Every CCG's signatory and the council's signatory sign (`plan_sign`),
  each signature bound to the hash of the content signed; the HWB chair signs last, which makes the
  plan SIGNED_OFF. A signatory may decline with a reason (`plan_decline`) and an editor may reopen
  (`plan_reopen`): both return it to DRAFT and void every signature, each voiding recorded.
- SIGNED_OFF: read-only. `plan_submit` (editor or chair) stores an immutable Submission and queues
  the jobs that store its PDF, workbook and JSON (plans/file_jobs.py) → SUBMITTED. `plan_reopen` → DRAFT.
- SUBMITTED: `plan_return` (area team reviewer, with reasons) → RETURNED; `plan_assure` → ASSURED.
- RETURNED (or SUBMITTED/ASSURED, for the next round): `resubmission_start` (editor) copies the plan
  into a new version in DRAFT, optionally on the newer edition; the old version stays as it was.

Every transition runs in one transaction: lock the plan row, check the starting state and the user's
role, change the state with who/when, write the history (ChangeRecord, section "workflow"), and queue
the emails, which background jobs send once the transaction commits.
"""

import copy
import datetime
import hashlib
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import file_jobs, notifications, task_summary
from .checks import check_plan, errors
from .editions import get_edition
from .models import (
    Decline,
    Plan,
    PlanStatus,
    RelatedDocument,
    Role,
    RoleAssignment,
    Signature,
    SignatureKind,
    Submission,
)
from .selectors import plan_view, user_roles_for_plan
from .services import record

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
WORKFLOW = "workflow"  # ChangeRecord.section of every transition
ROUND_ORDER = ("first-draft", "final", "revised")
CHAIR_POSITION = "Chair of Health and Wellbeing Board"
FILE_TYPES = file_jobs.FILE_TYPES


def now():
    """Server time; every signature and submission is stamped with it, never with a typed date."""
    return timezone.now()


def round_deadline(edition, round_code):
    """The round's deadline as an aware datetime (the editions give it in Europe/London), or None."""
    for code, _label, deadline in get_edition(edition).rounds:
        if code == round_code:
            return datetime.datetime.fromisoformat(deadline).replace(tzinfo=LONDON)
    return None


# --- refusals ----------------------------------------------------------------------------------------


class WorkflowError(Exception):
    """A transition that cannot happen; the message is written for the person who tried."""


class WrongState(WorkflowError):
    pass


class NotAllowed(WorkflowError):
    pass


class PlanHasErrors(WorkflowError):
    def __init__(self, issues):
        count = len(issues)
        super().__init__(f"The plan has {count} error{'s' if count != 1 else ''} to put right first.")
        self.issues = issues


class AlreadySigned(WorkflowError):
    pass


class ChairSignsLast(WorkflowError):
    pass


class SignaturesInvalid(WorkflowError):
    pass


class ResubmissionExists(WorkflowError):
    def __init__(self, plan):
        super().__init__(f"A resubmission has already been started from this version: version {plan.version}.")
        self.plan = plan


# --- small reusable checks ---------------------------------------------------------------------------


def _lock(plan):
    """The plan row, locked until the transaction ends: concurrent transitions and saves queue here.
    Every caller goes on to change the plan, so its task list summary is renewed (task_summary.touch)."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    task_summary.touch(locked.pk)
    return locked


def _require_state(plan, *states, action):
    if plan.status not in states:
        raise WrongState(f"The plan is {plan.get_status_display().lower()}, so it cannot be {action}.")


def _require_role(user, plan, *roles, action):
    if not user_roles_for_plan(user, plan) & set(roles):
        raise NotAllowed(f"You cannot {action}.")


def _name(user):
    return user.get_full_name().strip() or user.email


def _set_status(plan, user, status, note=""):
    old = plan.get_status_display()
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    new = plan.get_status_display()
    record(plan=plan, user=user, section=WORKFLOW, field="Status", old=old, new=f"{new}: {note}" if note else new)


def _notify(function, **kwargs):
    """Queue the emails in the transition's own transaction (bcf/core/mail.py): they are sent by a
    background job once it commits, retried while the mail server refuses them, and never undo or
    slow the transition."""
    function(**kwargs)


# --- who signs for what ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """A sign-off block a user may sign: `key` is "ccg:<id>", "council" or "hwb"."""

    key: str
    kind: str
    name: str
    position: str
    ccg: object = None


def organisations_for(user, plan):
    """The blocks of this plan the user signs for, in template order (CCGs, council, chair)."""
    if not user.is_authenticated:
        return []
    assignments = RoleAssignment.objects.filter(
        user=user, hwb_id=plan.hwb_id, role__in=[Role.SIGNATORY, Role.CHAIR]
    ).select_related("ccg")
    by_key = {}
    for a in assignments:
        if a.role == Role.CHAIR:
            by_key["hwb"] = Organisation("hwb", SignatureKind.HWB, plan.hwb.name, a.position or CHAIR_POSITION)
        elif a.ccg_id is None:
            la = plan.hwb.local_authority.name
            by_key["council"] = Organisation("council", SignatureKind.COUNCIL, la, a.position)
        else:
            key = f"ccg:{a.ccg_id}"
            by_key[key] = Organisation(key, SignatureKind.CCG, a.ccg.name, a.position, a.ccg)
    order = [f"ccg:{c.pk}" for c in plan.ordered_ccgs()] + ["council", "hwb"]
    return [by_key[key] for key in order if key in by_key]


def _others(view):
    """The blocks that must be signed before the chair's: every CCG of the plan and the council."""
    return [b for b in view.signatures if b.kind != SignatureKind.HWB]


def _void_all(plan, user, why):
    """Void every signature of the plan, recording each voiding; return the signatures voided."""
    at = now()
    voided = list(Signature.objects.filter(plan=plan, voided_at__isnull=True).select_related("user"))
    for signature in voided:
        signature.voided_at, signature.voided_by, signature.void_reason = at, user, why[:300]
        signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
        signed = f"signed {timezone.localtime(signature.signed_at):%d/%m/%Y %H:%M}"
        record(
            plan=plan,
            user=user,
            section=WORKFLOW,
            field=f"Signature voided: {signature.on_behalf_of}",
            old=", ".join(p for p in (signature.name, signature.position, signed) if p),
            new=why,
        )
    return voided


# --- transitions -------------------------------------------------------------------------------------


@transaction.atomic
def plan_mark_ready(*, plan, user):
    """DRAFT → AWAITING_SIGN_OFF. Refused while the check page lists errors (PlanHasErrors has them)."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.DRAFT, action="marked ready for sign-off")
    _require_role(user, plan, Role.EDITOR, action="mark this plan ready for sign-off")
    problems = errors(check_plan(plan_view(plan)))
    if problems:
        raise PlanHasErrors(problems)
    _set_status(plan, user, PlanStatus.AWAITING_SIGN_OFF)
    _notify(notifications.sign_off_requested, plan=plan)
    return plan


@transaction.atomic
def plan_sign(*, plan, user, organisations):
    """Sign for one or more organisations (keys from `organisations_for`). The chair signs last, and
    the chair's signature makes the plan SIGNED_OFF. Name and position come from the account and the
    role, the time from the server, and the signature holds the hash of the content signed."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.AWAITING_SIGN_OFF, action="signed")
    allowed = {o.key: o for o in organisations_for(user, plan)}
    keys = list(dict.fromkeys(organisations))
    if not allowed or not keys or any(k not in allowed for k in keys):
        raise NotAllowed("You can only sign for the organisations you are the signatory of.")
    view = plan_view(plan)
    blocks = {b.key: b for b in view.signatures}
    for key in keys:
        if blocks[key].signed:
            raise AlreadySigned(f"{allowed[key].name} has already signed: {blocks[key].by} signed on its behalf.")
    name, at, content_hash = _name(user), now(), view.content_hash
    signed_now = set()
    for key in sorted(keys, key=lambda k: k == "hwb"):  # the chair's block after the user's others
        if key == "hwb":
            missing = [b.on_behalf_of for b in _others(view) if not b.signed and b.key not in signed_now]
            if missing:
                raise ChairSignsLast(
                    "The chair signs last. Still to sign: " + "; ".join(missing) + ".",
                )
            stale = [b.on_behalf_of for b in _others(view) if b.signed and not b.valid]
            if stale:
                raise SignaturesInvalid(
                    "The plan changed after these signed, so their signatures no longer hold: "
                    + "; ".join(stale)
                    + ". An editor must reopen the plan so it can be signed again."
                )
        organisation = allowed[key]
        try:
            with transaction.atomic():
                Signature.objects.create(
                    plan=plan,
                    kind=organisation.kind,
                    ccg=organisation.ccg,
                    on_behalf_of=organisation.name,
                    user=user,
                    name=name,
                    position=organisation.position,
                    signed_at=at,
                    content_hash=content_hash,
                )
        except IntegrityError:
            # The row lock makes this unreachable between our own processes; the constraint is the backstop.
            raise AlreadySigned(f"{organisation.name} has already signed.") from None
        signed_now.add(key)
        record(
            plan=plan,
            user=user,
            section=WORKFLOW,
            field=f"Signed on behalf of {organisation.name}",
            old="",
            new=", ".join(p for p in (name, organisation.position) if p),
        )
    if "hwb" in signed_now:
        _set_status(plan, user, PlanStatus.SIGNED_OFF)
        _notify(notifications.signed_off, plan=plan)
    elif all(b.signed or b.key in signed_now for b in _others(view)):
        _notify(notifications.chair_to_sign, plan=plan)
    return plan


@transaction.atomic
def plan_decline(*, plan, user, reason):
    """A signatory (or the chair) declines to sign: back to DRAFT, every signature voided."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.AWAITING_SIGN_OFF, action="declined")
    organisations = organisations_for(user, plan)
    if not organisations:
        raise NotAllowed("Only the plan's signatories and the chair can decline to sign it.")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Enter the reason you are declining to sign the plan.")
    on_behalf_of = "; ".join(o.name for o in organisations)
    Decline.objects.create(plan=plan, user=user, name=_name(user), on_behalf_of=on_behalf_of, reason=reason, at=now())
    voided = _void_all(plan, user, f"Declined by {_name(user)}")
    record(plan=plan, user=user, section=WORKFLOW, field=f"Declined on behalf of {on_behalf_of}", old="", new=reason)
    _set_status(plan, user, PlanStatus.DRAFT)
    _notify(notifications.declined, plan=plan, by=user, reason=reason, voided=voided)
    return plan


@transaction.atomic
def plan_reopen(*, plan, user, reason=""):
    """An editor takes the plan back to DRAFT to change it; every signature is voided and recorded."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.AWAITING_SIGN_OFF, PlanStatus.SIGNED_OFF, action="reopened")
    _require_role(user, plan, Role.EDITOR, action="reopen this plan")
    reason = (reason or "").strip()
    why = f"Plan reopened by {_name(user)}" + (f": {reason}" if reason else "")
    voided = _void_all(plan, user, why)
    _set_status(plan, user, PlanStatus.DRAFT, note=reason)
    _notify(notifications.reopened, plan=plan, by=user, reason=reason, voided=voided)
    return plan


@transaction.atomic
def plan_submit(*, plan, user):
    """SIGNED_OFF → SUBMITTED: store the version (JSON, and the PDF and workbook where their renderers
    exist) with each file's SHA-256, the round, the time, the user and the late flag."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.SIGNED_OFF, action="submitted")
    _require_role(user, plan, Role.EDITOR, Role.CHAIR, action="submit this plan")
    view = plan_view(plan)
    problems = errors(check_plan(view))
    if problems:
        raise PlanHasErrors(problems)
    not_holding = [b.on_behalf_of for b in view.signatures if not b.valid]
    if not_holding:
        raise SignaturesInvalid(
            "These signatures do not hold for the plan as it is now: "
            + "; ".join(not_holding)
            + ". An editor must reopen the plan so it can be signed again."
        )
    at = now()
    deadline = round_deadline(plan.edition, plan.round)
    plan.status, plan.date_submitted = PlanStatus.SUBMITTED, at
    plan.save(update_fields=["status", "date_submitted", "updated_at"])
    record(plan=plan, user=user, section=WORKFLOW, field="Status", old="Signed off", new="Submitted")
    submission = Submission.objects.create(
        plan=plan,
        version=plan.version,
        edition=plan.edition,
        round=plan.round,
        submitted_at=at,
        submitted_by=user,
        submitted_by_name=_name(user),
        deadline=deadline,
        is_late=deadline is not None and at > deadline,
        content_hash=view.content_hash,
    )
    # The files are made by background jobs queued in this transaction: the version and its jobs
    # commit together or not at all, and the reviewers are e-mailed once the files are stored.
    jobs = file_jobs.queue_version_files(submission)
    record(
        plan=plan,
        user=user,
        section=WORKFLOW,
        field=f"Version {plan.version} submitted",
        old="",
        new=f"{plan.get_round_display()} round{' (late)' if submission.is_late else ''}; files being prepared: "
        + ", ".join(file_jobs.version_filename(plan, job.kind) for job in jobs),
    )
    return submission


@transaction.atomic
def plan_return(*, plan, user, reasons):
    """SUBMITTED → RETURNED: an area team reviewer sends the plan back for resubmission."""
    plan = _lock(plan)
    _require_state(plan, PlanStatus.SUBMITTED, action="returned")
    _require_role(user, plan, Role.REVIEWER, action="return this plan")
    reasons = (reasons or "").strip()
    if not reasons:
        raise WorkflowError("Enter the reasons the plan is being returned.")
    record(plan=plan, user=user, section=WORKFLOW, field="Returned for resubmission", old="", new=reasons)
    _set_status(plan, user, PlanStatus.RETURNED)
    _notify(notifications.returned, plan=plan, by=user, reasons=reasons)
    return plan


ASSURANCE_OUTCOMES = ("Approved", "Approved with support", "Approved subject to conditions", "Not approved")


@transaction.atomic
def plan_assure(*, plan, user, outcome, comment="", conditions=""):
    """SUBMITTED → ASSURED with the area team's outcome, kept as an AssuranceOutcome (conditions
    are required when the plan is approved subject to conditions)."""
    from .models import AssuranceOutcome

    plan = _lock(plan)
    _require_state(plan, PlanStatus.SUBMITTED, action="assured")
    _require_role(user, plan, Role.REVIEWER, action="record the assurance outcome")
    if outcome not in ASSURANCE_OUTCOMES:
        raise WorkflowError("Choose the assurance outcome.")
    comment, conditions = (comment or "").strip(), (conditions or "").strip()
    if outcome == "Approved subject to conditions" and not conditions:
        raise WorkflowError("Enter the conditions the plan is approved subject to.")
    AssuranceOutcome.objects.create(
        plan=plan,
        outcome=outcome,
        conditions=conditions,
        comment=comment,
        recorded_by=user,
        recorded_by_name=_name(user),
        recorded_at=now(),
    )
    details = "; ".join(p for p in (f"Conditions: {conditions}" if conditions else "", comment) if p)
    record(
        plan=plan, user=user, section=WORKFLOW, field="Assurance outcome", old="", new=f"{outcome} {details}".strip()
    )
    _set_status(plan, user, PlanStatus.ASSURED, note=outcome)
    return plan


# --- resubmission ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    edition: str
    round: str
    label: str

    @property
    def value(self):
        return f"{self.edition}/{self.round}"


def resubmission_targets(plan):
    """Where a new version of this plan can go: the same round again once it was returned; any later
    round (on its own edition, never an older one) once it was submitted."""
    if plan.status not in (PlanStatus.RETURNED, PlanStatus.SUBMITTED, PlanStatus.ASSURED):
        return []
    from .editions import EDITION_CHOICES

    edition_names = dict(EDITION_CHOICES)
    current = ROUND_ORDER.index(plan.round)
    targets = []
    for code in edition_names:
        if code < plan.edition:
            continue
        for round_code, round_label, _deadline in get_edition(code).rounds:
            later = ROUND_ORDER.index(round_code) > current
            same = round_code == plan.round and code == plan.edition and plan.status == PlanStatus.RETURNED
            if later or same:
                label = f"{round_label} round, {edition_names[code]}"
                targets.append(Target(code, round_code, label))
    return targets


def _carry_over(doc, edition):
    """The plan document moved to another edition: answers carried over by key, and only the parts
    the question has there. Returns the document and what could not be carried."""
    doc = copy.deepcopy(doc)
    if doc["edition"] == edition.code:
        return doc, []
    dropped, answers = [], {}
    for key, parts in doc.get("answers", {}).items():
        filled = [p for p, v in parts.items() if v not in (None, "", [])]
        try:
            question = edition.question(key)
        except KeyError:
            if filled:
                dropped.append(key)
            continue
        answers[key] = {p: v for p, v in parts.items() if p in question.parts}
        lost = [p for p in filled if p not in question.parts]
        if lost:
            dropped.append(f"{key} ({', '.join(lost)})")
    doc["answers"] = answers
    doc["edition"] = edition.code
    return doc, dropped


DROPPABLE = re.compile(r"^part2\.(?P<table>[a-z0-9_]+)\[(?P<index>\d+)\]")


def _import_carrying_over(doc, user):
    """Import the document; a Part 2 row the new edition refuses (its metrics differ) is left behind."""
    from .plan_json import PlanImportError, import_plan

    dropped = []
    for _attempt in range(200):
        try:
            return import_plan(doc, user=user), dropped
        except PlanImportError as exc:
            match = DROPPABLE.match(exc.path or "")
            if match:
                rows = doc["part2"][match["table"]]
                dropped.append(f"Part 2 {match['table']} row {int(match['index']) + 1}: {exc.message}")
                del rows[int(match["index"])]
            elif (exc.path or "").startswith("part2.p4p") and doc.get("part2", {}).get("p4p") is not None:
                dropped.append(f"Part 2 P4P metric: {exc.message}")
                doc["part2"]["p4p"] = None
            else:
                raise
    raise WorkflowError("The plan could not be copied to the new edition.")


def _copy_files(old_view, new_plan):
    """Uploaded files are not part of the JSON: copy each into the new version's own storage, so
    removing it from the draft never removes the submitted version's file."""
    new_documents = list(RelatedDocument.objects.filter(plan=new_plan, question_key="").order_by("position", "pk"))
    for old, new in zip(old_view.documents, new_documents):
        if old.file:
            with old.file.open("rb") as handle:
                new.file.save(old.original_filename or "document", ContentFile(handle.read()), save=False)
            new.original_filename, new.content_type, new.size = old.original_filename, old.content_type, old.size
            new.save(update_fields=["file", "original_filename", "content_type", "size"])
    edition = new_plan.edition_def
    for key, images in old_view.images.items():
        try:
            edition.question(key)
        except KeyError:
            continue
        for old in images:
            image = RelatedDocument(
                plan=new_plan,
                position=old.position,
                ref=old.ref,
                title=old.title,
                synopsis=old.synopsis,
                question_key=key,
                original_filename=old.original_filename,
                content_type=old.content_type,
                size=old.size,
            )
            if old.file:
                with old.file.open("rb") as handle:
                    image.file.save(old.original_filename or "image", ContentFile(handle.read()), save=False)
            image.save()


@transaction.atomic
def resubmission_start(*, plan, user, edition=None, round=None):
    """A new version of the plan in DRAFT, copied from this one (moved to `edition`/`round` when
    given: answers carried over by key). The previous version stays exactly as it was."""
    from .plan_json import plan_document

    plan = _lock(plan)
    _require_state(plan, PlanStatus.RETURNED, PlanStatus.SUBMITTED, PlanStatus.ASSURED, action="resubmitted")
    _require_role(user, plan, Role.EDITOR, action="start a resubmission")
    existing = plan.next_versions.order_by("pk").first()
    if existing is not None:
        raise ResubmissionExists(existing)
    targets = {(t.edition, t.round): t for t in resubmission_targets(plan)}
    if edition is None and round is None and len(targets) >= 1:
        edition, round = next(iter(targets))
    if (edition, round) not in targets:
        raise WorkflowError("Choose which round the new version is for.")
    old_view = plan_view(plan)
    doc, dropped = _carry_over(plan_document(old_view, include_volatile=False), get_edition(edition))
    doc["round"] = round
    Plan.objects.filter(pk=plan.pk).update(is_current=False)
    new_plan, dropped_part2 = _import_carrying_over(doc, user)
    dropped += dropped_part2
    new_plan.previous, new_plan.version = plan, plan.version + 1
    new_plan.save(update_fields=["previous", "version", "updated_at"])
    _copy_files(old_view, new_plan)
    moved = f", moved to the {get_edition(edition).name}" if edition != plan.edition else ""
    record(
        plan=new_plan,
        user=user,
        section=WORKFLOW,
        field="Resubmission started",
        old=f"Version {plan.version} ({plan.get_round_display()}, {plan.get_status_display().lower()})",
        new=f"Version {new_plan.version} ({new_plan.get_round_display()}) in draft{moved}",
    )
    if dropped:
        record(
            plan=new_plan,
            user=user,
            section=WORKFLOW,
            field="Not carried over to the new edition",
            old="; ".join(dropped),
            new="",
        )
    record(
        plan=plan,
        user=user,
        section=WORKFLOW,
        field="Resubmission started",
        old="",
        new=f"Version {new_plan.version} ({new_plan.get_round_display()}) created in draft",
    )
    return new_plan


# --- versions ----------------------------------------------------------------------------------------


def plan_versions(plan):
    """Every version in the plan's line (first to newest), following `previous` links both ways."""
    root = plan
    seen = {root.pk}
    while root.previous_id and root.previous_id not in seen:
        root = Plan.objects.get(pk=root.previous_id)
        seen.add(root.pk)
    line, frontier = [], [root]
    while frontier:
        current = frontier.pop(0)
        line.append(current)
        frontier.extend(current.next_versions.order_by("version", "pk"))
    return sorted(line, key=lambda p: (p.version, p.pk))


def file_is_intact(stored):
    """The stored bytes still have the SHA-256 recorded when they were stored."""
    return hashlib.sha256(bytes(stored.content)).hexdigest() == stored.sha256
