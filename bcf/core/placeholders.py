"""Template placeholders left in an answer ("xx", "<date>", "tbc", "Error! Reference source not found.")."""

import re
from functools import lru_cache

PLACEHOLDER_PATTERNS = [
    re.compile(r"<\s*(?:date|dd/mm/yyyy|name of [^<>\n]{1,40}|job title|insert[^<>\n]{0,40})\s*>", re.I),
    # "xx", "Xxx", "yy" or "£1xxk" standing where a figure should be.
    re.compile(r"(?<![A-Za-z0-9])£?\d*(?:[xX]{2,6}|yy|YY)\d*(?:k|m|bn|%)?(?![A-Za-z])"),
    re.compile(r"\btbc\b", re.I),
    # Case-sensitive: "due to be completed by June" is prose, "To be completed" is the template's.
    re.compile(r"\bTo be completed\b"),
    re.compile(r"\bInsert\b[^.\n]{0,40}"),
    re.compile(r"\bto insert here\b[^.\n]{0,40}", re.I),
    re.compile(r"Error! Reference source not found\.?", re.I),
]


# One pass over the text instead of one per pattern: the check page reads every answer of the plan.
_PLACEHOLDERS = re.compile(
    "|".join(f"(?{'i' if pattern.flags & re.IGNORECASE else ''}:{pattern.pattern})" for pattern in PLACEHOLDER_PATTERNS)
)


def find_placeholders(text):
    """Template placeholders left in `text`, as the strings found."""
    if not text:
        return []
    return list(_placeholders_in(text))


@lru_cache(maxsize=2048)
def _placeholders_in(text):
    # Cached by the text itself: the task list and check page scan the same long answers on every view.
    found = []
    for match in _PLACEHOLDERS.finditer(text):
        value = match.group(0).strip()
        if len(value) > 30:
            value = value[:30].rsplit(" ", 1)[0] + "…"
        if value and value not in found:
            found.append(value)
    return tuple(found)
