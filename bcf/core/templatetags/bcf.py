"""Template filters shared by the pages and the PDF."""

from django import template
from django.utils.html import format_html

from bcf.core.markup import render_markup
from bcf.core.money import format_money

register = template.Library()


@register.filter
def markup(text):
    return render_markup(text)


@register.filter
def money(value):
    return format_money(value)


@register.filter
def money_pounds(value):
    return format_money(value, pence=False)


@register.filter
def count(value):
    """A whole number with thousands separators (19,850); "–" when there is none."""
    return "–" if value is None else f"{value:,}"


@register.filter
def yesno_text(value):
    return {True: "Yes", False: "No"}.get(value, "Not answered")


@register.filter
def percent(value):
    if value is None:
        return ""
    return f"{value.normalize():f}%"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


STATUS_TAGS = {
    "Completed": "",
    "In progress": "govuk-tag--light-blue",
    "Not started": "govuk-tag--blue",
    "Has errors": "govuk-tag--red",
    "Cannot start yet": "govuk-tag--grey",
}


@register.simple_tag
def status_tag(status, ident=""):
    if status == "Completed":
        return format_html('<div class="govuk-task-list__status" id="{}">{}</div>', ident, status)
    return format_html(
        '<div class="govuk-task-list__status" id="{}"><strong class="govuk-tag {}">{}</strong></div>',
        ident,
        STATUS_TAGS.get(status, ""),
        status,
    )


@register.filter
def label_for(question, part):
    return question.label_for(part)


@register.filter
def proposed_count(risks):
    """How many risks carry proposed scores still to be confirmed."""
    return sum(1 for risk in risks if getattr(risk, "proposed_likelihood", None) is not None)
