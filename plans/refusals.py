"""Plain-English refusals of an action the plan's state does not allow, written in one place.

"You cannot sign the plan yet: its editors are still working on it…" rather than "The plan is draft,
so it cannot be signed now": what the person wanted, why not, and what happens next.
"""

from .models import PlanStatus

ACTIONS = {
    "sign": "sign the plan",
    "decline": "decline to sign the plan",
    "reopen": "reopen the plan",
    "submit": "submit the plan",
    "return": "return the plan",
    "resubmit": "start a new version of the plan",
    "mark_ready": "mark the plan ready for sign-off",
    "outcome": "record an assurance outcome",
}

WHY = {
    PlanStatus.DRAFT: "its editors are still working on it and have not sent it for sign-off",
    PlanStatus.AWAITING_SIGN_OFF: "it is waiting for its signatures",
    PlanStatus.SIGNED_OFF: "everyone has signed it and it is waiting to be submitted",
    PlanStatus.SUBMITTED: "it has been submitted to the area team",
    PlanStatus.RETURNED: "the area team has returned it",
    PlanStatus.ASSURED: "the area team has recorded its assurance outcome",
}

NEXT = {
    ("sign", PlanStatus.DRAFT): "You will be emailed when it is ready for you to sign.",
    ("decline", PlanStatus.DRAFT): "You will be emailed when it is ready for you to sign.",
    ("submit", PlanStatus.DRAFT): "Mark it ready for sign-off first; it can be submitted once everyone has signed.",
    ("submit", PlanStatus.AWAITING_SIGN_OFF): "It can be submitted once everyone has signed.",
    ("reopen", PlanStatus.SUBMITTED): "If it needs to change, the area team can return it.",
    ("resubmit", PlanStatus.DRAFT): "Carry on editing this version instead.",
    ("mark_ready", PlanStatus.AWAITING_SIGN_OFF): "Nothing more is needed from you until everyone has signed.",
}


def refusal(action, status):
    """Why `action` cannot be done to a plan in `status`, and what happens next."""
    first = "yet" if status == PlanStatus.DRAFT else "now"
    text = f"You cannot {ACTIONS[action]} {first}: {WHY.get(status, 'its state does not allow it')}."
    follow = NEXT.get((action, status))
    return f"{text} {follow}" if follow else text
