"""The e-mails of quarterly returns, queued in the transition's transaction and sent by a background
job (bcf/core/mail.py), through the plans' own sender (plans.workflow.notifications): one e-mail per
person, naming the return and linking to the page where they act."""

from plans.models import Role, RoleAssignment
from plans.workflow.notifications import link, people, send


def _board(ret):
    return people(
        RoleAssignment.objects.filter(
            hwb_id=ret.hwb_id, role__in=[Role.EDITOR, Role.CHAIR, Role.RETURN_SIGNATORY], user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "pk")
    )


def _reviewers(ret):
    if not ret.hwb.area_team_id:
        return []
    return people(
        RoleAssignment.objects.filter(role=Role.REVIEWER, area_team_id=ret.hwb.area_team_id, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "pk")
    )


def _context(ret):
    return {"ret": ret, "hwb": ret.hwb, "return_url": link("returns:overview", ret.pk)}


def submitted(*, ret, submission):
    """Submitted: the Board's area team reviewers get the return to accept or return."""
    return send("return_submitted", _reviewers(ret), {**_context(ret), "submission": submission})


def decided(*, ret, decision):
    """Accepted, or returned with comments: the Board's editors, chair and return signatories are told."""
    return send("return_decided", _board(ret), {**_context(ret), "decision": decision})
