"""The question registry: each template edition's sections and questions, as data (DOMAIN.md §3).

Forms, the task list, the checks, the PDF and the JSON all iterate over these definitions, so a
prompt is written once. Prompts are quoted word for word from the 2014 templates.
"""

from plans.editions import e2014_04, e2014_09
from plans.editions.base import *  # noqa: F403  (the registry's vocabulary: parts, kinds, Question, ...)
from plans.editions.base import EDITION_CHOICES, ROUND_CHOICES

EDITIONS = {e2014_04.EDITION.code: e2014_04.EDITION, e2014_09.EDITION.code: e2014_09.EDITION}


def get_edition(code):
    try:
        return EDITIONS[code]
    except KeyError:
        raise KeyError(f"Unknown template edition {code!r}") from None


__all__ = ["EDITIONS", "EDITION_CHOICES", "ROUND_CHOICES", "get_edition"]
