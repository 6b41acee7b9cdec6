"""Area team review services (DOMAIN.md §7): comments per section, and the check counts of each
submitted version. The outcome itself is recorded by plans.workflow.services.plan_assure with the state."""

from django.db import transaction

from bcf.core.issues import errors, warnings
from bcf.core.people import display_name
from plans.access import RULES, Action, require, user_roles_for_plan
from plans.content.checks import check_plan
from plans.content.selectors import plan_view
from plans.deadlines import now
from plans.editing import lock_for_edit, record
from plans.models import Role, SectionComment, Submission, SubmissionCheck, Verb
from plans.review.selectors import earlier_versions
from plans.workflow.services import NotAllowed, WorkflowError

COMMENT_MAX = 5000
# The role a comment is written as, when its author holds several on the plan.
AS_ROLE = (Role.REVIEWER, Role.EDITOR, Role.SIGNATORY, Role.CHAIR)


@transaction.atomic
def comment_add(*, plan, user, section, text, parent=None):
    """A comment on a section of the plan version: a new thread (reviewers), or a reply to one."""
    rule = RULES[Action.REPLY if parent is not None else Action.START_COMMENT]
    roles = user_roles_for_plan(user, plan)
    role = next((r for r in AS_ROLE if r in roles and r in rule.roles), None)
    if role is None:
        raise NotAllowed("You cannot comment on this plan." if parent is None else "You cannot reply here.")
    if plan.status not in rule.states:
        raise WorkflowError("The area team comments on submitted versions; this one has not been submitted.")
    try:
        plan.edition_def.section(section)
    except KeyError:
        raise WorkflowError("There is no such section in this plan.") from None
    text = (text or "").strip()
    if not text:
        raise WorkflowError("Enter your comment.")
    if len(text) > COMMENT_MAX:
        raise WorkflowError(f"The comment must be {COMMENT_MAX:,} characters or fewer.")
    if parent is not None:
        if parent.plan_id != plan.pk or parent.section != section:
            raise WorkflowError("That comment is not on this section.")
        parent = parent.parent or parent  # one level of replies: an answer to a reply joins the thread
    return SectionComment.objects.create(
        plan=plan,
        section=section,
        parent=parent,
        text=text,
        author=user,
        author_name=display_name(user),
        author_role=role,
        created_at=now(),
    )


def submission_check_record(submission):
    """Count the errors and warnings of a submitted version once (its content no longer changes)."""
    existing = SubmissionCheck.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    view = plan_view(submission.plan_id)
    issues = check_plan(view)
    check, _created = SubmissionCheck.objects.get_or_create(
        submission=submission,
        defaults={
            "errors": len(errors(issues)),
            "warnings": len(warnings(issues)),
            "content_hash": view.content_hash,
            "checked_at": now(),
        },
    )
    return check


def submission_checks_fill(plans):
    """Count the checks of those plans' submitted versions that have never been counted. Runs the
    checks once per version ever; the lists read the stored counts afterwards."""
    missing = Submission.objects.filter(plan__in=plans, check_summary__isnull=True).only("pk", "plan_id")
    return [submission_check_record(s) for s in missing]


@transaction.atomic
def comment_mark_answered(*, plan, user, thread):
    """An editor marks an area team thread answered while changing the plan: it stops following the
    plan to later versions. The thread itself is kept as written; who marked it and when is recorded."""
    plan = lock_for_edit(plan.pk)[0]
    require(user, Action.ANSWER_COMMENT, plan)
    line = {plan.pk, *earlier_versions(plan)}
    if thread.plan_id not in line or thread.parent_id is not None:
        raise WorkflowError("That comment is not one of the area team's on this plan.")
    if thread.answered_at is not None:
        return thread
    thread.answered_at, thread.answered_by, thread.answered_by_name = now(), user, display_name(user)
    thread.save(update_fields=["answered_at", "answered_by", "answered_by_name"])
    record(
        plan=plan,
        user=user,
        section=thread.section,
        field=f"Area team comment of {thread.created_at:%d/%m/%Y} marked answered",
        old=thread.text[:300],
        new="",
        verb=Verb.COMMENT_ANSWERED,
        payload={"comment": thread.pk},
    )
    return thread
