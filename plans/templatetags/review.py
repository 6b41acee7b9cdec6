"""The comment threads of a plan section, shown on the section's page to everyone who reads it."""

from django import template

from plans.access import Action, can, user_roles_for_plan
from plans.models import Role
from plans.review.selectors import asked_for, section_comments

register = template.Library()


@register.inclusion_tag("plans/review/_comments.html", takes_context=True)
def section_comment_threads(context, plan, slug):
    user = context["request"].user
    roles = user_roles_for_plan(user, plan)
    carried = context.get("carried_error") or {}

    def box(field_id):
        """The comment box's error and kept text when a comment posted from it was refused."""
        if carried.get("field_id") == field_id:
            return {"id": field_id, "error": carried.get("message"), "value": carried.get("value", "")}
        return {"id": field_id, "error": None, "value": ""}

    threads = [(thread, replies, box(f"reply-{thread.pk}")) for thread, replies in section_comments(plan).get(slug, [])]
    return {
        "plan": plan,
        "slug": slug,
        "threads": threads,
        "new_box": box("new-comment"),
        "can_start": can(user, Action.START_COMMENT, plan, roles),
        "can_reply": can(user, Action.REPLY, plan, roles),
        "can_answer": can(user, Action.ANSWER_COMMENT, plan, roles),
        "is_reviewer": Role.REVIEWER in roles,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("plans/review/_commented_sections.html")
def commented_sections(plan):
    """What the area team asked for on earlier versions (return reasons, conditions, open comments)
    and the sections it has commented on."""
    threads = section_comments(plan)
    sections = [s for s in plan.edition_def.sections if s.slug in threads]
    return {
        "plan": plan,
        "asked": asked_for(plan),
        "sections": [{"section": s, "count": sum(1 + len(r) for _t, r in threads[s.slug])} for s in sections],
    }
