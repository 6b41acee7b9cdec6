"""The sign-off and submission panel of the plan overview: the state, what this user can do next,
and the signatures with their validity."""

from django import template

from plans.access import Action, allowed_actions, user_roles_for_plan
from plans.content.selectors import plan_view
from plans.models import (
    SUBMITTED_STATES,
    AssuranceOutcome,
    AssuranceOutcomeChoice,
    ChangeRecord,
    Decline,
    PlanStatus,
    Role,
    Submission,
    Verb,
)
from plans.workflow import services as workflow

register = template.Library()

STATUS_TAG_CLASSES = {
    PlanStatus.DRAFT: "govuk-tag--grey",
    PlanStatus.AWAITING_SIGN_OFF: "govuk-tag--yellow",
    PlanStatus.SIGNED_OFF: "govuk-tag--turquoise",
    PlanStatus.SUBMITTED: "govuk-tag--blue",
    PlanStatus.RETURNED: "govuk-tag--orange",
    PlanStatus.ASSURED: "govuk-tag--green",
}


OUTCOME_TAG_CLASSES = {
    AssuranceOutcomeChoice.APPROVED: "govuk-tag--green",
    AssuranceOutcomeChoice.APPROVED_WITH_SUPPORT: "govuk-tag--turquoise",
    AssuranceOutcomeChoice.APPROVED_SUBJECT_TO_CONDITIONS: "govuk-tag--yellow",
    AssuranceOutcomeChoice.NOT_APPROVED: "govuk-tag--red",
}


@register.filter
def status_tag_class(status):
    return STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")


@register.filter
def plan_tag_class(plan):
    """The tag colour of the plan's state in words (`Plan.status_label`): an outcome's own colour."""
    if plan.outcome and plan.status in (PlanStatus.ASSURED, PlanStatus.RETURNED):
        return OUTCOME_TAG_CLASSES.get(plan.outcome, "govuk-tag--grey")
    return status_tag_class(plan.status)


@register.simple_tag(takes_context=True)
def workflow_panel(context, plan):
    user = context["request"].user
    roles = context.get("roles")
    if roles is None:
        roles = user_roles_for_plan(user, plan)
    status = plan.status
    is_editor = Role.EDITOR in roles
    allowed = allowed_actions(user, plan, roles)
    panel = {
        "status": status,
        "is_editor": is_editor,
        "can_mark_ready": Action.MARK_READY in allowed,
        "can_reopen": Action.REOPEN in allowed,
        "can_submit": Action.SUBMIT in allowed,
        "can_return": Action.RETURN in allowed,
        "blocks": [],
        "to_sign": [],
    }
    if status != PlanStatus.DRAFT:
        view = plan_view(plan)
        panel["blocks"] = view.signatures
        if status == PlanStatus.AWAITING_SIGN_OFF:
            organisations = workflow.organisations_for(user, plan)
            panel["to_sign"], waiting = workflow.still_to_sign(view, organisations)
            if waiting:
                # The chair signs last: until the others have signed there is nothing for them to do.
                panel["chair_waiting"] = waiting
            panel["can_decline"] = bool(organisations)
            panel["invalid"] = [b for b in view.signatures if b.invalid]
        elif status == PlanStatus.SIGNED_OFF:
            panel["invalid"] = [b for b in view.signatures if not b.valid]
    # The task list knows from the plan's stored summary whether anyone has declined (no query then).
    if status == PlanStatus.DRAFT and context.get("declined", True):
        last_decline = Decline.objects.filter(plan=plan).first()
        if last_decline is not None:
            ready_since = (
                ChangeRecord.objects.filter(
                    plan=plan, verb=Verb.STATUS_CHANGED, payload__to=PlanStatus.AWAITING_SIGN_OFF
                )
                .order_by("-at", "-pk")
                .values_list("at", flat=True)
                .first()
            )
            if ready_since is None or last_decline.at >= ready_since:
                panel["last_decline"] = last_decline
    if status in SUBMITTED_STATES:
        panel["submission"] = Submission.objects.filter(plan=plan).first()
        next_version = plan.next_versions.order_by("pk").first()
        panel["next_version"] = next_version
        panel["can_resubmit"] = is_editor and next_version is None and bool(workflow.resubmission_targets(plan))
    if plan.outcome:
        panel["assurance"] = AssuranceOutcome.objects.filter(plan=plan).first()
    if status == PlanStatus.RETURNED:
        panel["returned"] = ChangeRecord.objects.filter(plan=plan, verb=Verb.RETURNED).select_related("user").first()
    panel["has_versions"] = plan.previous_id is not None or "submission" in panel and panel["submission"] is not None
    return panel
