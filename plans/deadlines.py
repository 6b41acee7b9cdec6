"""The clock and the rounds' deadlines: every signature and submission is stamped with server time,
and a submission after its round's deadline is late (a warning, DOMAIN.md §6)."""

import contextvars
import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone

from plans.editions import EDITIONS, get_edition

LONDON = ZoneInfo("Europe/London")


_PAST = contextvars.ContextVar("bcf_past", default=None)


def now():
    """Server time; every signature and submission is stamped with it, never with a typed date."""
    return _PAST.get() or timezone.now()


@contextmanager
def as_of(moment):
    """Stamp what happens inside with `moment` rather than the server time: only for loading a past
    that happened before the service existed (the demo's year of returns). Pages never use it."""
    token = _PAST.set(moment)
    try:
        yield
    finally:
        _PAST.reset(token)


def round_deadline(edition, round_code):
    """The round's deadline as an aware datetime (the editions give it in Europe/London), or None."""
    for code, _label, deadline in get_edition(edition).rounds:
        if code == round_code:
            return datetime.datetime.fromisoformat(deadline).replace(tzinfo=LONDON)
    return None


ROUND_ORDER = ("first-draft", "final", "revised")


def rounds():
    """Every submission round of every edition, in order: (code, label, deadline as an aware datetime)."""
    found = {}
    for edition in EDITIONS.values():
        for code, label, _deadline in edition.rounds:
            found.setdefault(code, (code, label, round_deadline(edition.code, code)))
    return [found[code] for code in ROUND_ORDER if code in found]
