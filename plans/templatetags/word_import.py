"""`{% if request.user|can_start_from_word %}`: the "Start from a Word document" button's condition."""

from django import template

register = template.Library()


@register.filter
def can_start_from_word(user):
    from plans.word.views import can_start_from_word as allowed

    return allowed(user)
