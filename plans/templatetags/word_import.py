"""`{% if request.user|can_start_from_word %}`: the "Start from a Word document" button's condition."""

from django import template

from plans.word.views import can_start_from_word as allowed

register = template.Library()


@register.filter
def can_start_from_word(user):
    return allowed(user)
