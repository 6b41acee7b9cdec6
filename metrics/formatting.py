"""How Part 2 figures are written for people (pages, PDF, alt text): one place, so they agree."""

from decimal import ROUND_HALF_UP, Decimal

from bcf.core.money import format_money

__all__ = ["format_count", "format_money", "format_number", "format_percent", "format_metric_value"]


def format_count(value):
    return "" if value is None else f"{int(value):,}"


def format_number(value, places=1):
    """1,234.5: thousands separated, `places` decimals (rounded half up)."""
    if value is None:
        return ""
    value = Decimal(value)
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def format_percent(value, places=1, signed=False):
    """3.5% (from 3.4998); with signed=True, +2.0% / −13.0%."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,}%"
    if rounded < 0:
        return "−" + text
    return ("+" + text) if signed and rounded > 0 else text


def format_metric_value(definition, value):
    if value is None:
        return ""
    if definition.kind == "percent":
        return format_percent(value)
    if definition.kind == "rate":
        return f"{format_number(value)} {definition.unit}"
    return f"{Decimal(value).normalize():,f}"
