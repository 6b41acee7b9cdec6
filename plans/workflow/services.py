"""The plan's workflow from draft to submitted version (DOMAIN.md §7): the only code that changes
Plan.status.

States, and what moves a plan between them:

- DRAFT: editors change any section. `plan_mark_ready` (editor, no check errors) → AWAITING_SIGN_OFF.
- AWAITING_SIGN_OFF: read-only. Every CCG's signatory and the council's signatory sign (`plan_sign`),
  each signature bound to the hash of the content signed; the HWB chair signs last, which makes the
  plan SIGNED_OFF. A signatory may decline with a reason (`plan_decline`) and an editor may reopen
  (`plan_reopen`): both return it to DRAFT and void every signature, each voiding recorded.
- SIGNED_OFF: read-only. `plan_submit` (editor or chair) stores an immutable Submission and queues
  the jobs that store its PDF, workbook and JSON (plans/workflow/files.py) → SUBMITTED.
  `plan_reopen` → DRAFT.
- SUBMITTED: `plan_return` (area team reviewer, with reasons) → RETURNED; `plan_assure` → ASSURED.
- RETURNED (or SUBMITTED/ASSURED, for the next round): `resubmission_start` (editor) copies the plan
  into a new version in DRAFT, optionally on the newer edition; the old version stays as it was.

Every transition runs in one transaction: lock the plan row, check the starting state and the user's
role, change the state with who/when, write the history (ChangeRecord, section "workflow"), and queue
the emails, which background jobs send once the transaction commits.

Long because it holds every transition of the workflow in one place, each a short function around
plans.access.require; splitting them would split the one transitions story.
"""

import copy
import datetime
import logging
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from bcf.core.imports import PlanImportError
from bcf.core.issues import errors
from bcf.core.people import display_name
from plans import deadlines
from plans.access import Action, NotAllowed, Refused, require, require_state
from plans.content.checks import check_plan
from plans.content.document import plan_document
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.content.services import record
from plans.deadlines import ROUND_ORDER
from plans.editing import touch
from plans.editions import EDITION_CHOICES, get_edition
from plans.editions.moves import SCORED_EDITIONS, move_answers, proposed_score
from plans.editions.moves import display as display_answer
from plans.models import (
    SUBMITTED_STATES,
    AssuranceOutcome,
    AssuranceOutcomeChoice,
    Decline,
    Plan,
    PlanStatus,
    RelatedDocument,
    Role,
    RoleAssignment,
    Signature,
    SignatureKind,
    Submission,
    UnplacedAnswer,
    Verb,
)
from plans.outputs.jobs import FILE_TYPES, version_filename  # noqa: F401 - FILE_TYPES read by the views
from plans.workflow import files, notifications
from plans.workflow.seals import file_holds

log = logging.getLogger(__name__)

WORKFLOW = "workflow"  # ChangeRecord.section of every transition
CHAIR_POSITION = "Chair of Health and Wellbeing Board"


# --- refusals ----------------------------------------------------------------------------------------


# The refusal family is plans.access.Refused; a workflow refusal is one of them.
WorkflowError = Refused


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


class FilesChanged(WorkflowError):
    pass


def _require_files_intact(view):
    """Every uploaded file still has the bytes it was uploaded with: the version reference that
    signatures bind holds each file's SHA-256, so a file replaced in storage is refused, not signed."""
    uploaded = [*view.documents, *(image for images in view.images.values() for image in images)]
    changed = [d.original_filename or d.title for d in uploaded if d.file and not d.file_is_intact()]
    if changed:
        raise FilesChanged(
            "These uploaded files are not the ones that were uploaded (their contents have changed in "
            "storage): " + "; ".join(changed) + ". An editor must upload them again, and the plan be signed again."
        )


class ResubmissionExists(WorkflowError):
    def __init__(self, plan):
        super().__init__(f"A resubmission has already been started from this version: version {plan.version}.")
        self.plan = plan


# --- small reusable checks ---------------------------------------------------------------------------


def _lock(plan):
    """The plan row, locked until the transaction ends: concurrent transitions and saves queue here.
    Every caller goes on to change the plan, so its task list summary is renewed (task_summary.touch)."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    touch(locked.pk)
    return locked


def _history(*, plan, user, verb, field, old="", new="", payload=None):
    """One line of the plan's workflow history."""
    record(plan=plan, user=user, section=WORKFLOW, field=field, old=old, new=new, verb=verb, payload=payload)


def _set_status(plan, user, status, note=""):
    old = plan.get_status_display()
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    new = plan.get_status_display()
    _history(
        plan=plan,
        user=user,
        field="Status",
        old=old,
        new=f"{new}: {note}" if note else new,
        verb=Verb.STATUS_CHANGED,
        payload={"to": status},
    )


def _notify(function, **kwargs):
    """Queue the emails in the transition's own transaction (bcf/core/mail.py): a background job sends
    them once it commits, retried while the mail server refuses them; they never undo or slow it."""
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


def still_to_sign(view, organisations):
    """What the user can sign now, of their `organisations`, and who the chair still waits for.

    The chair signs last: the chair's block is offered only once every other block is signed, or
    will be signed by the same person at the same time. Returns (blocks to offer, names the chair
    waits for; empty unless the user is the chair)."""
    blocks = {b.key: b for b in view.signatures}
    to_sign = [o for o in organisations if not blocks[o.key].signed]
    mine = {o.key for o in to_sign}
    waiting = [b.on_behalf_of for b in _others(view) if not b.signed and b.key not in mine]
    if waiting:
        to_sign = [o for o in to_sign if o.key != "hwb"]
    return to_sign, waiting if "hwb" in mine else []


def _void_all(plan, user, why):
    """Void every signature of the plan, recording each voiding; return the signatures voided."""
    at = deadlines.now()
    voided = list(Signature.objects.filter(plan=plan, voided_at__isnull=True).select_related("user"))
    for signature in voided:
        signature.voided_at, signature.voided_by, signature.void_reason = at, user, why[:300]
        signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
        signed = f"signed {timezone.localtime(signature.signed_at):%d/%m/%Y %H:%M}"
        _history(
            plan=plan,
            user=user,
            field=f"Signature voided: {signature.on_behalf_of}",
            verb=Verb.SIGNATURE_VOIDED,
            old=", ".join(p for p in (signature.name, signature.position, signed) if p),
            new=why,
        )
    return voided


# --- transitions -------------------------------------------------------------------------------------


@transaction.atomic
def plan_mark_ready(*, plan, user):
    """DRAFT → AWAITING_SIGN_OFF. Refused while the check page lists errors (PlanHasErrors has them)."""
    plan = _lock(plan)
    require(user, Action.MARK_READY, plan)
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
    require_state(Action.SIGN, plan)
    allowed = {o.key: o for o in organisations_for(user, plan)}
    keys = list(dict.fromkeys(organisations))
    if not allowed or not keys or any(k not in allowed for k in keys):
        raise NotAllowed("You can only sign for the organisations you are the signatory of.")
    view = plan_view(plan)
    _require_files_intact(view)
    blocks = {b.key: b for b in view.signatures}
    for key in keys:
        if blocks[key].signed:
            raise AlreadySigned(f"{allowed[key].name} has already signed: {blocks[key].by} signed on its behalf.")
    name, at, content_hash = display_name(user), deadlines.now(), view.content_hash
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
        _history(
            plan=plan,
            user=user,
            field=f"Signed on behalf of {organisation.name}",
            verb=Verb.SIGNED,
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
    require_state(Action.DECLINE, plan)
    organisations = organisations_for(user, plan)
    if not organisations:
        raise NotAllowed("Only the plan's signatories and the chair can decline to sign it.")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Enter the reason you are declining to sign the plan.")
    on_behalf_of = "; ".join(o.name for o in organisations)
    Decline.objects.create(
        plan=plan, user=user, name=display_name(user), on_behalf_of=on_behalf_of, reason=reason, at=deadlines.now()
    )
    voided = _void_all(plan, user, f"Declined by {display_name(user)}")
    _history(
        plan=plan,
        user=user,
        field=f"Declined on behalf of {on_behalf_of}",
        old="",
        new=reason,
        verb=Verb.DECLINED,
    )
    _set_status(plan, user, PlanStatus.DRAFT)
    _notify(notifications.declined, plan=plan, by=user, reason=reason, voided=voided)
    return plan


@transaction.atomic
def plan_reopen(*, plan, user, reason=""):
    """An editor takes the plan back to DRAFT to change it; every signature is voided and recorded."""
    plan = _lock(plan)
    require(user, Action.REOPEN, plan)
    reason = (reason or "").strip()
    why = f"Plan reopened by {display_name(user)}" + (f": {reason}" if reason else "")
    voided = _void_all(plan, user, why)
    _set_status(plan, user, PlanStatus.DRAFT, note=reason)
    _notify(notifications.reopened, plan=plan, by=user, reason=reason, voided=voided)
    return plan


@transaction.atomic
def plan_submit(*, plan, user):
    """SIGNED_OFF → SUBMITTED: store the version (JSON, and the PDF and workbook where their renderers
    exist) with each file's SHA-256, the round, the time, the user and the late flag."""
    plan = _lock(plan)
    require(user, Action.SUBMIT, plan)
    view = plan_view(plan)
    problems = errors(check_plan(view))
    if problems:
        raise PlanHasErrors(problems)
    _require_files_intact(view)
    not_holding = [b.on_behalf_of for b in view.signatures if not b.valid]
    if not_holding:
        raise SignaturesInvalid(
            "These signatures do not hold for the plan as it is now: "
            + "; ".join(not_holding)
            + ". An editor must reopen the plan so it can be signed again."
        )
    _history(
        plan=plan,
        user=user,
        field="Status",
        old="Signed off",
        new="Submitted",
        verb=Verb.STATUS_CHANGED,
        payload={"to": PlanStatus.SUBMITTED},
    )
    submission, jobs = _store_version(plan, view, user, deadlines.now())
    _history(
        plan=plan,
        user=user,
        field=f"Version {plan.version} submitted",
        verb=Verb.VERSION_STORED,
        old="",
        new=f"{plan.get_round_display()} round{' (late)' if submission.is_late else ''}; files being prepared: "
        + ", ".join(version_filename(plan, job.kind) for job in jobs),
    )
    return submission


def _store_version(plan, view, user, at):
    """The plan SUBMITTED at `at` and its version stored (round, deadline and late flag, content hash),
    with one background job per file queued in this transaction: the version and its jobs commit
    together or not at all, and the reviewers are e-mailed once the files are stored."""
    deadline = deadlines.round_deadline(plan.edition, plan.round)
    plan.status, plan.date_submitted = PlanStatus.SUBMITTED, at
    plan.save(update_fields=["status", "date_submitted", "updated_at"])
    submission = Submission.objects.create(
        plan=plan,
        version=plan.version,
        edition=plan.edition,
        round=plan.round,
        submitted_at=at,
        submitted_by=user,
        submitted_by_name=display_name(user) if user else "Imported",
        deadline=deadline,
        is_late=deadline is not None and at > deadline,
        content_hash=view.content_hash,
    )
    return submission, files.queue_version_files(submission)


def submitted_at_from(doc, plan):
    """When an already submitted plan was submitted (DOMAIN.md §11): the document's `date_submitted`
    (an ISO date or date-time; `x_date_submitted` in older files), else its round's deadline."""
    for key in ("date_submitted", "x_date_submitted"):
        value = doc.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        try:
            if len(value) == 10:  # a date alone: midday of that day in London
                parsed = datetime.datetime.combine(datetime.date.fromisoformat(value), datetime.time(12))
            else:
                parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            continue  # "<dd/mm/yyyy>": a template placeholder, not a date
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=deadlines.LONDON)
    return deadlines.round_deadline(plan.edition, plan.round) or deadlines.now()


@transaction.atomic
def plan_store_submitted(*, plan, submitted_at, user=None):
    """Store a plan submitted before the service existed (`import_plan --submitted`, DOMAIN.md §11) as
    its submitted version: the round and date kept, its files made by the version file jobs. Its
    checks are shown but do not block: it was submitted as it is."""
    plan = _lock(plan)
    submission, jobs = _store_version(plan, plan_view(plan), user, submitted_at)
    _history(
        plan=plan,
        user=user,
        field=f"Version {plan.version} stored as submitted",
        verb=Verb.VERSION_STORED,
        old="",
        new=f"{plan.get_round_display()} round, submitted {timezone.localtime(submitted_at):%-d %B %Y} before the "
        "service existed; files being prepared: " + ", ".join(version_filename(plan, job.kind) for job in jobs),
        payload={"imported": True},
    )
    return submission


@transaction.atomic
def plan_return(*, plan, user, reasons):
    """SUBMITTED → RETURNED: an area team reviewer sends the plan back for resubmission."""
    plan = _lock(plan)
    require(user, Action.RETURN, plan)
    reasons = (reasons or "").strip()
    if not reasons:
        raise WorkflowError("Enter the reasons the plan is being returned.")
    _history(
        plan=plan,
        user=user,
        field="Returned for resubmission",
        old="",
        new=reasons,
        verb=Verb.RETURNED,
    )
    _set_status(plan, user, PlanStatus.RETURNED)
    _notify(notifications.returned, plan=plan, by=user, reasons=reasons)
    return plan


def _checked_outcome(outcome, conditions, comment):
    if outcome not in AssuranceOutcomeChoice.values:
        raise WorkflowError("Choose the assurance outcome.")
    comment, conditions = (comment or "").strip(), (conditions or "").strip()
    if outcome == AssuranceOutcomeChoice.APPROVED_SUBJECT_TO_CONDITIONS and not conditions:
        raise WorkflowError("Enter the conditions the plan is approved subject to.")
    return AssuranceOutcomeChoice(outcome), conditions, comment


def _outcome_words(outcome, conditions, comment):
    details = "; ".join(p for p in (f"Conditions: {conditions}" if conditions else "", comment) if p)
    return f"{outcome.label} {details}".strip()


def _state_for(outcome):
    """Not approved returns the plan for resubmission; every other outcome assures it."""
    return PlanStatus.RETURNED if outcome == AssuranceOutcomeChoice.NOT_APPROVED else PlanStatus.ASSURED


@transaction.atomic
def plan_assure(*, plan, user, outcome, comment="", conditions=""):
    """SUBMITTED → the area team's outcome, kept as an AssuranceOutcome and on the plan row: Approved
    and Approved with support close the round; Approved subject to conditions lists the conditions
    (the plan can then be returned to meet them); Not approved returns the plan for resubmission."""
    plan = _lock(plan)
    require(user, Action.ASSURE, plan)
    outcome, conditions, comment = _checked_outcome(outcome, conditions, comment)
    AssuranceOutcome.objects.create(
        plan=plan,
        outcome=outcome,
        conditions=conditions,
        comment=comment,
        recorded_by=user,
        recorded_by_name=display_name(user),
        recorded_at=deadlines.now(),
    )
    _history(
        plan=plan,
        user=user,
        field="Assurance outcome",
        new=_outcome_words(outcome, conditions, comment),
        verb=Verb.ASSURED,
    )
    if outcome == AssuranceOutcomeChoice.NOT_APPROVED:
        _history(
            plan=plan, user=user, field="Returned for resubmission", new=comment or outcome.label, verb=Verb.RETURNED
        )
    plan.outcome = outcome
    plan.save(update_fields=["outcome", "updated_at"])
    _set_status(plan, user, _state_for(outcome), note=outcome.label)
    _notify(notifications.outcome_recorded, plan=plan)
    return plan


@transaction.atomic
def plan_correct_outcome(*, plan, user, outcome, reason, comment="", conditions=""):
    """A reviewer puts right an outcome recorded in error: the outcome, conditions and comment are
    replaced, the old ones kept in the history with the reason, and the plan moves to the state the
    new outcome gives. Not once a new version has been started from this one."""
    plan = _lock(plan)
    require(user, Action.CORRECT_OUTCOME, plan)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Enter why the outcome is being corrected.")
    outcome, conditions, comment = _checked_outcome(outcome, conditions, comment)
    recorded = AssuranceOutcome.objects.select_for_update().get(plan=plan)
    before = _outcome_words(AssuranceOutcomeChoice(recorded.outcome), recorded.conditions, recorded.comment)
    recorded.outcome, recorded.conditions, recorded.comment = outcome, conditions, comment
    recorded.recorded_by, recorded.recorded_by_name, recorded.recorded_at = user, display_name(user), deadlines.now()
    recorded.save()
    _history(
        plan=plan,
        user=user,
        field=f"Assurance outcome corrected: {reason}",
        old=before,
        new=_outcome_words(outcome, conditions, comment),
        verb=Verb.OUTCOME_CORRECTED,
        payload={"reason": reason},
    )
    plan.outcome = outcome
    plan.save(update_fields=["outcome", "updated_at"])
    if plan.status != _state_for(outcome):
        _set_status(plan, user, _state_for(outcome), note=outcome.label)
    _notify(notifications.outcome_recorded, plan=plan, corrected=True)
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
    if plan.status not in SUBMITTED_STATES:
        return []
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


def move_preview(plan, edition):
    """What a move of this plan to `edition` does, before it is made: (placed, unplaced, risks with a
    proposed score). Nothing is written."""
    doc = plan_document(plan_view(plan), include_volatile=False)
    _answers, placed, unplaced = move_answers(doc.get("answers", {}), get_edition(plan.edition), get_edition(edition))
    proposed = [r for r in doc.get("risks", []) if r.get("likelihood") is None and proposed_score(r)]
    return placed, unplaced, proposed


def _carry_over(doc, edition):
    """The plan document moved to another edition (plans.editions.moves): every answer goes to its
    place there, and those with none are returned to be kept beside the plan."""
    doc = copy.deepcopy(doc)
    if doc["edition"] == edition.code:
        return doc, []
    doc["answers"], _placed, unplaced = move_answers(doc.get("answers", {}), get_edition(doc["edition"]), edition)
    doc["edition"] = edition.code
    return doc, unplaced


def _keep_unplaced(new_plan, from_edition, unplaced):
    for item in unplaced:
        UnplacedAnswer.objects.create(
            plan=new_plan,
            from_edition=from_edition,
            key=item.key,
            part=item.part,
            label=item.label[:300],
            value=display_answer(item.value, item.part),
        )


def _propose_risk_scores(old_doc, new_plan):
    """Each risk that had a High/Medium/Low rating gets proposed 1-5 scores for the editor to confirm."""
    if new_plan.edition not in SCORED_EDITIONS:
        return 0
    risks = list(new_plan.risks.order_by("position", "pk"))
    proposed = 0
    for risk, old in zip(risks, old_doc.get("risks", [])):
        score = proposed_score(old) if risk.likelihood is None and risk.impact is None else None
        if score:
            risk.proposed_likelihood, risk.proposed_impact = score
            risk.save(update_fields=["proposed_likelihood", "proposed_impact"])
            proposed += 1
    return proposed


DROPPABLE = re.compile(r"^part2\.(?P<table>[a-z0-9_]+)\[(?P<index>\d+)\]")


def _import_carrying_over(doc, user):
    """Import the document; a Part 2 row the new edition refuses (its metrics differ) is left behind."""
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
            new.sha256 = old.sha256
            new.save(update_fields=["file", "original_filename", "content_type", "size", "sha256"])
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
                sha256=old.sha256,
            )
            if old.file:
                with old.file.open("rb") as handle:
                    image.file.save(old.original_filename or "image", ContentFile(handle.read()), save=False)
            image.save()


@transaction.atomic
def resubmission_start(*, plan, user, edition=None, round=None):
    """A new version of the plan in DRAFT, copied from this one (moved to `edition`/`round` when
    given: answers carried over by key). The previous version stays exactly as it was."""
    plan = _lock(plan)
    require(user, Action.RESUBMIT, plan)
    existing = plan.next_versions.order_by("pk").first()
    if existing is not None:
        raise ResubmissionExists(existing)
    targets = {(t.edition, t.round): t for t in resubmission_targets(plan)}
    if edition is None and round is None and len(targets) >= 1:
        edition, round = next(iter(targets))
    if (edition, round) not in targets:
        raise WorkflowError("Choose which round the new version is for.")
    old_view = plan_view(plan)
    old_doc = plan_document(old_view, include_volatile=False)
    doc, unplaced = _carry_over(old_doc, get_edition(edition))
    dropped = [f"{item.label}: kept on the plan page" for item in unplaced]
    doc["round"] = round
    Plan.objects.filter(pk=plan.pk).update(is_current=False)
    new_plan, dropped_part2 = _import_carrying_over(doc, user)
    dropped += dropped_part2
    new_plan.previous, new_plan.version = plan, plan.version + 1
    new_plan.save(update_fields=["previous", "version", "updated_at"])
    _copy_files(old_view, new_plan)
    if edition != plan.edition:
        _keep_unplaced(new_plan, plan.edition, unplaced)
        _propose_risk_scores(old_doc, new_plan)
    moved = f", moved to the {get_edition(edition).name}" if edition != plan.edition else ""
    _history(
        plan=new_plan,
        user=user,
        field="Resubmission started",
        verb=Verb.RESUBMISSION_STARTED,
        old=f"Version {plan.version} ({plan.get_round_display()}, {plan.get_status_display().lower()})",
        new=f"Version {new_plan.version} ({new_plan.get_round_display()}) in draft{moved}",
    )
    if dropped:
        _history(
            plan=new_plan,
            user=user,
            field="Not carried over to the new edition",
            verb=Verb.NOT_CARRIED_OVER,
            old="; ".join(dropped),
            new="",
        )
    _history(
        plan=plan,
        user=user,
        field="Resubmission started",
        verb=Verb.RESUBMISSION_STARTED,
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
    """The stored bytes still have the SHA-256 recorded when they were stored, and are the ones its
    version was sealed with (plans.workflow.seals)."""
    return file_holds(stored)
