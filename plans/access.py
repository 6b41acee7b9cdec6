"""Who may do what to a plan: the one table that services, views, template tags and menus read.

`RULES` maps each action to the roles that may take it and the plan states it may be taken from;
for a workflow transition it also names the state the plan moves to (the transitions table). A plan
the user holds no role for is not found at all (`plan_for_user` raises 404), so "missing" and
"forbidden" look the same from outside.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.http import Http404

from plans.models import (
    RETURN_SUBMITTED_STATES,
    SIGN_OFF_STATES,
    SUBMITTED_STATES,
    AssuranceOutcomeChoice,
    Plan,
    PlanStatus,
    QuarterlyReturn,
    ReturnStatus,
    Role,
    RoleAssignment,
)

HWB_ROLES = frozenset({Role.EDITOR, Role.SIGNATORY, Role.CHAIR, Role.RETURN_SIGNATORY})
BOARD_AND_AREA_TEAM = frozenset({Role.REVIEWER, Role.EDITOR, Role.SIGNATORY, Role.CHAIR})


class Action(StrEnum):
    EDIT = "edit"
    MARK_READY = "mark_ready"
    SIGN = "sign"
    DECLINE = "decline"
    REOPEN = "reopen"
    SUBMIT = "submit"
    RETURN = "return"
    ASSURE = "assure"
    CORRECT_OUTCOME = "correct_outcome"
    RESUBMIT = "resubmit"
    REVIEW = "review"
    START_COMMENT = "start_comment"
    REPLY = "reply"
    ANSWER_COMMENT = "answer_comment"
    # Quarterly returns (DOMAIN.md §10), taken on a QuarterlyReturn rather than a plan.
    RETURN_EDIT = "return_edit"
    RETURN_SIGN = "return_sign"
    RETURN_REOPEN = "return_reopen"
    RETURN_SUBMIT = "return_submit"
    RETURN_ACCEPT = "return_accept"
    RETURN_SEND_BACK = "return_send_back"
    RETURN_RESUBMIT = "return_resubmit"


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    states: frozenset
    to: str | None = None  # the state a transition moves the plan to; None when it depends (signing)
    verb: str = ""  # what the refusal says cannot be done to the plan ("marked ready for sign-off")
    doing: str = ""  # what the user is told they cannot do ("mark this plan ready for sign-off")
    when: object = None  # plan -> bool: a further condition on the plan beyond its state
    unless: str = ""  # the refusal when `when` does not hold
    subject: type = Plan  # what the action is taken on: a plan, or a quarterly return

    def allows(self, plan):
        return isinstance(plan, self.subject) and plan.status in self.states and (self.when is None or self.when(plan))


ANY_STATE = frozenset(PlanStatus)

RULES = {
    Action.EDIT: Rule(frozenset({Role.EDITOR}), frozenset({PlanStatus.DRAFT}), None, "changed", "change this plan"),
    Action.MARK_READY: Rule(
        frozenset({Role.EDITOR}),
        frozenset({PlanStatus.DRAFT}),
        PlanStatus.AWAITING_SIGN_OFF,
        "marked ready for sign-off",
        "mark this plan ready for sign-off",
    ),
    # The chair's signature, given last, moves the plan to SIGNED_OFF; the others leave it awaiting.
    Action.SIGN: Rule(
        frozenset({Role.SIGNATORY, Role.CHAIR}),
        frozenset({PlanStatus.AWAITING_SIGN_OFF}),
        None,
        "signed now",
        "sign this plan",
    ),
    Action.DECLINE: Rule(
        frozenset({Role.SIGNATORY, Role.CHAIR}),
        frozenset({PlanStatus.AWAITING_SIGN_OFF}),
        PlanStatus.DRAFT,
        "declined now",
        "decline to sign this plan",
    ),
    Action.REOPEN: Rule(frozenset({Role.EDITOR}), SIGN_OFF_STATES, PlanStatus.DRAFT, "reopened", "reopen this plan"),
    Action.SUBMIT: Rule(
        frozenset({Role.EDITOR, Role.CHAIR}),
        frozenset({PlanStatus.SIGNED_OFF}),
        PlanStatus.SUBMITTED,
        "submitted",
        "submit this plan",
    ),
    # Returned for resubmission; an approved-subject-to-conditions version can be returned to meet them.
    Action.RETURN: Rule(
        frozenset({Role.REVIEWER}),
        frozenset({PlanStatus.SUBMITTED, PlanStatus.ASSURED}),
        PlanStatus.RETURNED,
        "returned",
        "return this plan",
        when=lambda plan: (
            plan.status == PlanStatus.SUBMITTED or plan.outcome == AssuranceOutcomeChoice.APPROVED_SUBJECT_TO_CONDITIONS
        ),
        unless="The plan has been approved, so it cannot be returned.",
    ),
    Action.ASSURE: Rule(
        frozenset({Role.REVIEWER}),
        frozenset({PlanStatus.SUBMITTED}),
        PlanStatus.ASSURED,
        "assured",
        "record the assurance outcome",
    ),
    # A reviewer puts right an outcome recorded in error; the plan moves to the state the new one gives.
    Action.CORRECT_OUTCOME: Rule(
        frozenset({Role.REVIEWER}),
        frozenset({PlanStatus.ASSURED, PlanStatus.RETURNED}),
        None,
        "given another outcome",
        "correct the assurance outcome",
        when=lambda plan: bool(plan.outcome) and not plan.next_versions.exists(),
        unless="No outcome can be corrected: none was recorded, or a new version has been started from this one.",
    ),
    # A new version in DRAFT; the old one keeps its state.
    Action.RESUBMIT: Rule(frozenset({Role.EDITOR}), SUBMITTED_STATES, None, "resubmitted", "start a resubmission"),
    Action.REVIEW: Rule(frozenset({Role.REVIEWER}), ANY_STATE, None, "reviewed", "review this plan"),
    Action.START_COMMENT: Rule(
        frozenset({Role.REVIEWER}), SUBMITTED_STATES, None, "commented on", "comment on this plan"
    ),
    Action.REPLY: Rule(BOARD_AND_AREA_TEAM, ANY_STATE, None, "replied to", "reply here"),
    # The Board's editors mark what the area team asked for as answered while they change the plan.
    Action.ANSWER_COMMENT: Rule(
        frozenset({Role.EDITOR}), frozenset({PlanStatus.DRAFT}), None, "changed", "mark comments answered"
    ),
    # Quarterly returns: the chair or a return signatory signs (bound to the content), the area team
    # accepts or returns with comments, and a returned return is resubmitted as a new version.
    Action.RETURN_EDIT: Rule(
        frozenset({Role.EDITOR}),
        frozenset({ReturnStatus.DRAFT}),
        None,
        "changed",
        "change this return",
        subject=QuarterlyReturn,
    ),
    Action.RETURN_SIGN: Rule(
        frozenset({Role.CHAIR, Role.RETURN_SIGNATORY}),
        frozenset({ReturnStatus.DRAFT}),
        ReturnStatus.SIGNED_OFF,
        "signed off now",
        "sign off this return",
        subject=QuarterlyReturn,
    ),
    Action.RETURN_REOPEN: Rule(
        frozenset({Role.EDITOR, Role.CHAIR, Role.RETURN_SIGNATORY}),
        frozenset({ReturnStatus.SIGNED_OFF}),
        ReturnStatus.DRAFT,
        "reopened",
        "reopen this return",
        subject=QuarterlyReturn,
    ),
    Action.RETURN_SUBMIT: Rule(
        frozenset({Role.EDITOR, Role.CHAIR, Role.RETURN_SIGNATORY}),
        frozenset({ReturnStatus.SIGNED_OFF}),
        ReturnStatus.SUBMITTED,
        "submitted",
        "submit this return",
        subject=QuarterlyReturn,
    ),
    Action.RETURN_ACCEPT: Rule(
        frozenset({Role.REVIEWER}),
        frozenset({ReturnStatus.SUBMITTED}),
        ReturnStatus.ACCEPTED,
        "accepted",
        "accept this return",
        subject=QuarterlyReturn,
    ),
    Action.RETURN_SEND_BACK: Rule(
        frozenset({Role.REVIEWER}),
        frozenset({ReturnStatus.SUBMITTED}),
        ReturnStatus.RETURNED,
        "returned",
        "return this return to the Board",
        subject=QuarterlyReturn,
    ),
    # A new version in DRAFT; the returned one keeps its state.
    Action.RETURN_RESUBMIT: Rule(
        frozenset({Role.EDITOR}),
        frozenset({ReturnStatus.RETURNED}),
        None,
        "resubmitted",
        "start a new version of this return",
        when=lambda ret: not ret.next_versions.exists(),
        unless="A new version of this return has already been started.",
        subject=QuarterlyReturn,
    ),
}

TRANSITIONS = {action: rule for action, rule in RULES.items() if rule.to is not None}


class Refused(Exception):
    """Something a user cannot do; the message is written for the person who tried."""


class WrongState(Refused):
    pass


class NotAllowed(Refused):
    pass


# --- whose plans -------------------------------------------------------------------------------------


def roles_for_user(user):
    """The user's role assignments, read once per user object (a request's `request.user`): a page
    asks for them for its plan lookup, the user's roles on the plan and the menu."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._role_assignments = cached
    return cached


def plans_for_user(user):
    """Every plan the user may read: their HWBs', their area teams', and (national) submitted ones.
    An administrator may read every plan (to support people), but acts on none without a role."""
    return _readable(user, Plan, SUBMITTED_STATES)


def _readable(user, model, submitted_states):
    """What of `model` (plans or returns) the user may read: their HWBs', their area teams', and
    (national) those in `submitted_states`; everything for an administrator, nothing when signed out."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if user.is_superuser:
        return model.objects.all()
    roles = roles_for_user(user)
    condition = Q(pk__in=[])
    hwb_ids = {r.hwb_id for r in roles if r.role in HWB_ROLES}
    if hwb_ids:
        condition |= Q(hwb_id__in=hwb_ids)
    area_ids = {r.area_team_id for r in roles if r.role == Role.REVIEWER}
    if area_ids:
        condition |= Q(hwb__area_team_id__in=area_ids)
    if any(r.role == Role.NATIONAL for r in roles):
        condition |= Q(status__in=submitted_states)
    return model.objects.filter(condition)


def plan_for_user(user, plan_id, related=("hwb__local_authority", "hwb__area_team")):
    """The plan if the user may read it, else 404. `related`: what to join (the task list needs only the HWB)."""
    try:
        return plans_for_user(user).select_related(*related).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("No such plan") from None


def returns_for_user(user):
    """Every quarterly return the user may read, on the same terms as plans: their HWBs', their area
    teams', and (national) the submitted ones."""
    return _readable(user, QuarterlyReturn, RETURN_SUBMITTED_STATES)


def return_for_user(user, return_id, related=("hwb__local_authority", "hwb__area_team", "period", "plan")):
    """The return if the user may read it, else 404 (missing and forbidden look the same)."""
    try:
        return returns_for_user(user).select_related(*related).get(pk=return_id)
    except (QuarterlyReturn.DoesNotExist, ValueError, TypeError):
        raise Http404("No such return") from None


def user_roles_for_plan(user, plan):
    """The roles the user holds on this plan: on its HWB, in its area team, or national. An
    administrator holds none by being one: they administer, and acting on a plan needs its role."""
    roles = set()
    for r in roles_for_user(user):
        on_this_hwb = r.role in HWB_ROLES and r.hwb_id == plan.hwb_id
        in_this_area = r.role == Role.REVIEWER and r.area_team_id == plan.hwb.area_team_id
        if on_this_hwb or in_this_area or r.role == Role.NATIONAL:
            roles.add(r.role)
    return roles


# --- may this user do this ---------------------------------------------------------------------------


def can(user, action, plan, roles=None):
    """Whether the user may take the action on the plan as it is now. `roles`: the user's roles on
    the plan when the caller has them already."""
    rule = RULES[action]
    if not rule.allows(plan):
        return False
    if roles is None:
        roles = user_roles_for_plan(user, plan)
    return bool(roles & rule.roles)


def allowed_actions(user, plan, roles=None):
    """Every action the user may take on the plan now (what a page shows buttons for)."""
    if roles is None:
        roles = user_roles_for_plan(user, plan)
    return {action for action in RULES if can(user, action, plan, roles)}


# Why nothing but reading can happen to a plan in each state, in the words of the person refused.
STATE_REASONS = {
    PlanStatus.DRAFT: "its editors are still working on it and have not sent it for sign-off",
    PlanStatus.AWAITING_SIGN_OFF: "it is waiting for its signatures",
    PlanStatus.SIGNED_OFF: "everyone has signed it and it is waiting to be submitted",
    PlanStatus.SUBMITTED: "it has been submitted to the area team",
    PlanStatus.RETURNED: "the area team has returned it",
    PlanStatus.ASSURED: "the area team has recorded its assurance outcome",
}
RETURN_STATE_REASONS = {
    ReturnStatus.DRAFT: "it has not been signed off yet",
    ReturnStatus.SIGNED_OFF: "it has been signed off and is waiting to be submitted",
    ReturnStatus.SUBMITTED: "it has been submitted to the area team",
    ReturnStatus.RETURNED: "the area team has returned it",
    ReturnStatus.ACCEPTED: "the area team has accepted it",
}
# What happens next, where there is something to say.
NEXT_STEPS = {
    (Action.SIGN, PlanStatus.DRAFT): "You will be emailed when it is ready for you to sign.",
    (Action.DECLINE, PlanStatus.DRAFT): "You will be emailed when it is ready for you to sign.",
    (Action.SUBMIT, PlanStatus.DRAFT): "Mark it ready for sign-off; it can be submitted once everyone has signed.",
    (Action.SUBMIT, PlanStatus.AWAITING_SIGN_OFF): "It can be submitted once everyone has signed.",
    (Action.MARK_READY, PlanStatus.AWAITING_SIGN_OFF): "Nothing more is needed until everyone has signed.",
    (Action.REOPEN, PlanStatus.SUBMITTED): "If it needs to change, the area team can return it.",
    (Action.EDIT, PlanStatus.AWAITING_SIGN_OFF): "An editor can reopen it to make changes.",
    (Action.EDIT, PlanStatus.SIGNED_OFF): "An editor can reopen it to make changes.",
}


def refusal(action, plan):
    """Plain English for an action the plan's state does not allow: what the person wanted, why not,
    and what happens next ("You cannot sign this plan yet: its editors are still working on it…")."""
    rule = RULES[action]
    if isinstance(plan, QuarterlyReturn):
        status = ReturnStatus(plan.status)
        reason = RETURN_STATE_REASONS[status]
    else:
        status = PlanStatus(plan.status)
        reason = STATE_REASONS[status]
    text = f"You cannot {rule.doing} {'yet' if status == PlanStatus.DRAFT else 'now'}: {reason}."
    follow = NEXT_STEPS.get((action, status))
    return f"{text} {follow}" if follow else text


def require_state(action, plan):
    """Raise WrongState, with words for the person, unless the action can be taken in the plan's state."""
    rule = RULES[action]
    if not isinstance(plan, rule.subject):
        raise TypeError(f"{action} is taken on a {rule.subject.__name__}")
    if plan.status not in rule.states:
        raise WrongState(refusal(action, plan))
    if rule.when is not None and not rule.when(plan):
        raise WrongState(rule.unless)


def require(user, action, plan):
    """Raise WrongState or NotAllowed, with words for the person, unless the user may take the action."""
    require_state(action, plan)
    if not user_roles_for_plan(user, plan) & RULES[action].roles:
        raise NotAllowed(f"You cannot {RULES[action].doing}.")


def can_edit(user, plan, roles=None):
    return can(user, Action.EDIT, plan, roles)
