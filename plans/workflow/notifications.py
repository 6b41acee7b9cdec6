"""The emails the workflow sends, through Django's email backend (the console in development).

Each is queued (bcf/core/mail.py) in the caller's transaction and sent by a background job, retried
with backoff while the mail server refuses it; one that never goes is shown to administrators.

Each email goes to one person (no one sees the others' addresses), names the plan and links to the
page where they act. Templates: templates/emails/<name>.txt, first line "Subject: …".
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bcf.core.mail import queue_email
from plans.models import Role, RoleAssignment


def link(name, *args):
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _assignments(plan, roles):
    return (
        RoleAssignment.objects.filter(hwb_id=plan.hwb_id, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "ccg")
        .order_by("user__email", "pk")
    )


def people(assignments):
    """Each person once, with the organisations they hold the role for."""
    people = {}
    for a in assignments:
        people.setdefault(a.user_id, (a.user, []))[1].append(a)
    return list(people.values())


def send(template, recipients, context):
    messages = []
    for user, assignments in recipients:
        text = render_to_string(
            f"emails/{template}.txt",
            {**context, "recipient": user, "name": user.get_full_name() or user.email, "assignments": assignments},
        )
        subject_line, _, body = text.lstrip().partition("\n")
        subject = subject_line.removeprefix("Subject:").strip()
        messages.append(queue_email(to=user.email, subject=subject, body=body.strip() + "\n", purpose=template))
    return messages


def _base(plan):
    # The plan's one address: it opens the newest version, so the link still works after a resubmission.
    return {"plan": plan, "hwb": plan.hwb, "plan_url": link("plans:line", plan.pk)}


def _signatories(plan):
    ccgs = {c.pk for c in plan.ordered_ccgs()}
    assignments = [a for a in _assignments(plan, [Role.SIGNATORY]) if a.ccg_id is None or a.ccg_id in ccgs]
    return people(assignments)


def _editors_and_chairs(plan):
    return people(_assignments(plan, [Role.EDITOR, Role.CHAIR]))


def sign_off_requested(*, plan):
    """Marked ready: each CCG's and the council's signatory is asked to sign."""
    return send("sign_off_requested", _signatories(plan), {**_base(plan), "sign_url": link("workflow:sign", plan.pk)})


def chair_to_sign(*, plan):
    """Every CCG and the council have signed: the chair signs last."""
    chairs = people(_assignments(plan, [Role.CHAIR]))
    return send("chair_to_sign", chairs, {**_base(plan), "sign_url": link("workflow:sign", plan.pk)})


def signed_off(*, plan):
    """The chair has signed: the editors and the chair can submit."""
    return send(
        "signed_off", _editors_and_chairs(plan), {**_base(plan), "submit_url": link("workflow:submit", plan.pk)}
    )


def declined(*, plan, by, reason, voided):
    """A signatory declined: the editors, and everyone whose signature was voided, are told why."""
    voided_ids = {s.user_id for s in voided if s.user_id}
    assignments = list(_assignments(plan, [Role.EDITOR]))
    assignments += [a for a in _assignments(plan, [Role.SIGNATORY, Role.CHAIR]) if a.user_id in voided_ids]
    context = {**_base(plan), "by": by.get_full_name() or by.email, "reason": reason}
    return send("declined", people(assignments), context)


def reopened(*, plan, by, reason, voided):
    """An editor reopened the plan: those whose signatures were voided will need to sign again."""
    voided_ids = {s.user_id for s in voided if s.user_id and s.user_id != by.pk}
    assignments = [a for a in _assignments(plan, [Role.SIGNATORY, Role.CHAIR]) if a.user_id in voided_ids]
    context = {**_base(plan), "by": by.get_full_name() or by.email, "reason": reason}
    return send("reopened", people(assignments), context)


def submitted(*, plan, submission):
    """Submitted: the HWB's area team reviewers get the version to assure."""
    reviewers = []
    if plan.hwb.area_team_id:
        reviewers = people(
            RoleAssignment.objects.filter(role=Role.REVIEWER, area_team_id=plan.hwb.area_team_id, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user__email", "pk")
        )
    context = {
        **_base(plan),
        "submission": submission,
        "versions_url": link("workflow:versions", plan.pk),
        "files": list(submission.files.all()),
    }
    return send("submitted", reviewers, context)


def returned(*, plan, by, reasons):
    """Returned for resubmission: the editors are told why."""
    context = {
        **_base(plan),
        "by": by.get_full_name() or by.email,
        "reasons": reasons,
        "resubmit_url": link("workflow:resubmit", plan.pk),
    }
    return send("returned", people(_assignments(plan, [Role.EDITOR])), context)


def outcome_recorded(*, plan, corrected=False):
    """The area team's outcome (or its correction): the Board's editors and chair are told what it
    is, its conditions and comment, and where to read it and download the outcome letter."""
    context = {
        **_base(plan),
        "assurance": plan.assurance,
        "corrected": corrected,
        "letter_url": link("outputs:outcome_letter", plan.pk),
        "resubmit_url": link("workflow:resubmit", plan.pk),
    }
    return send("outcome_recorded", _editors_and_chairs(plan), context)
