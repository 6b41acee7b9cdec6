"""Parsing of money, percentages and financial years as officers type them (DOMAIN.md §5).

Money is stored as an exact Decimal in pounds and pence. Accepted: "£1,234,567.89", "1234567",
"£1.2m", "£450k". Refused, because a person could have meant two different sums: a thousands
separator together with a k/m suffix ("£1,228M"), more than two decimal places without a suffix
("1.209111"), badly placed thousands separators ("1,22,000").
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")

_SUFFIX = {"k": Decimal(1000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
# ASCII digits only: "\d" would also read Arabic-Indic or full-width digits ("١٢٣" as £123).
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_PLAIN = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class ParseError(ValueError):
    """Input that cannot be read as the intended kind of number; the message is for the user."""


def parse_money(raw, *, allow_negative=False):
    """Return a Decimal with two places, or None for blank input. Raise ParseError when unclear."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ParseError("Enter an amount in pounds, like £1,234,567.89 or £1.2m")
    if isinstance(raw, Decimal | int):
        if isinstance(raw, Decimal) and not raw.is_finite():
            raise ParseError(f"“{raw}” is not an amount of money")
        if isinstance(raw, int) and abs(raw) > MONEY_MAX:
            raise ParseError(f"“{raw}” is too large: amounts must be £{MONEY_MAX:,} or less")
        value = Decimal(raw)
        return _finish(value, allow_negative, str(raw))
    if isinstance(raw, float):
        raise ParseError("Enter the amount as text or a decimal, not a floating-point number")
    text = str(raw).strip().replace("\u00a0", " ")
    if not text:
        return None
    negative = False
    if len(text) > 40:
        raise ParseError("Enter an amount in pounds, like £1,234,567.89 or £1.2m")
    if text.startswith("-") or text.startswith("−"):
        negative = True
        text = text[1:].strip()
    elif text.startswith("(") and text.endswith(")"):
        negative = True
        text = text[1:-1].strip()
    text = text.replace("£", "").replace(" ", "")
    if text.lower().startswith("gbp"):
        text = text[3:]
    suffix = None
    lowered = text.lower()
    for name in ("bn", "k", "m"):
        if lowered.endswith(name):
            suffix = name
            text = text[: -len(name)]
            break
    if not text:
        raise ParseError("Enter an amount in pounds, like £1,234,567.89 or £1.2m")
    if suffix:
        if "," in text:
            raise ParseError(f"“{raw}” is ambiguous: use either commas (£1,228,000) or a suffix (£1.228m), not both")
        if not _PLAIN.match(text):
            raise ParseError(f"“{raw}” is not an amount of money")
        value = Decimal(text) * _SUFFIX[suffix]
        if value > MONEY_MAX:
            raise ParseError(f"“{raw}” is too large: amounts must be £{MONEY_MAX:,} or less")
        if value != value.quantize(PENNY):
            raise ParseError(f"“{raw}” has more precision than a penny")
    else:
        if "," in text:
            if not _GROUPED.match(text):
                raise ParseError(f"“{raw}” has commas in the wrong places")
            text = text.replace(",", "")
        if not _PLAIN.match(text):
            raise ParseError(f"“{raw}” is not an amount of money: enter pounds and pence, like £1,234.56")
        if "." in text and len(text.split(".")[1]) > 2:
            raise ParseError(
                f"“{raw}” has more than two decimal places: enter pounds and pence, or millions with an m (£1.209m)"
            )
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
            raise ParseError(f"“{raw}” is not an amount of money") from exc
    if negative:
        value = -value
    return _finish(value, allow_negative, raw)


def _finish(value, allow_negative, raw):
    if value < 0 and not allow_negative:
        raise ParseError(f"“{raw}” is negative: amounts cannot be below £0")
    if abs(value) > MONEY_MAX:
        raise ParseError(f"“{raw}” is too large: amounts must be £{MONEY_MAX:,} or less")
    return value.quantize(PENNY, rounding=ROUND_HALF_UP) + 0  # "-0" is £0.00, not "-£0.00"


def parse_percent(raw, *, minimum=Decimal(0), maximum=Decimal(100)):
    """Return a Decimal percentage ("3.5%", "3.5" → 3.5) or None for blank input."""
    if raw is None:
        return None
    text = str(raw).strip().replace(" ", "")
    if not text:
        return None
    text = text.removesuffix("%")
    if len(text) > 20 or not re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", text):
        raise ParseError(f"“{raw}” is not a percentage: enter a number like 3.5%")
    value = Decimal(text) + 0  # "-0" is 0
    if minimum is not None and value < minimum:
        raise ParseError(f"Enter a percentage of {minimum}% or more")
    if maximum is not None and value > maximum:
        raise ParseError(f"Enter a percentage of {maximum}% or less")
    return value


def format_money(value, *, pence=True):
    """£1,234,567.89 (or £1,234,568 with pence=False); an empty string for None."""
    if value is None:
        return ""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    if pence:
        return f"{sign}£{abs(value):,.2f}"
    return f"{sign}£{abs(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def financial_year(first_year):
    """2014 → "2014/15"."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"
