"""Template filters for Part 2: figures written for people."""

from decimal import Decimal

from django import template

from metrics.formatting import format_count, format_metric_value, format_number, format_percent

register = template.Library()


@register.filter
def count(value):
    return format_count(value)


@register.filter
def number(value, places=1):
    return format_number(value, places)


@register.filter
def plain_number(value):
    """1,234.5 with no trailing zeros (a numerator or denominator as it was typed)."""
    return "" if value is None else f"{Decimal(value).normalize():,f}"


@register.filter
def pct(value, places=1):
    return format_percent(value, places)


@register.filter
def signed_pct(value):
    return format_percent(value, signed=True)


@register.filter
def metric_value(value, definition):
    return format_metric_value(definition, value)


@register.filter
def field_of(form, name):
    return form[name]
