"""Who else has a section open for editing: "Sam Walters is also editing this section".

Each editor's open section page says so on loading and then every HEARTBEAT_SECONDS (static/bcf/
presence.js); an entry not renewed within PRESENT_SECONDS is dropped. Kept in the default cache (the
database cache table shared by every instance in production), so there is no extra server. It only
informs: two saves of one section are still kept apart by the section's revision (a stale save is
refused and the typed text kept).
"""

import time

from django.core.cache import cache

HEARTBEAT_SECONDS = 15
PRESENT_SECONDS = 45


def _key(plan_id, slug):
    return f"presence:{plan_id}:{slug}"


def _name(user):
    return user.get_full_name().strip() or user.email


def _present(key, now):
    entries = cache.get(key) or {}
    return {uid: (name, seen) for uid, (name, seen) in entries.items() if now - seen < PRESENT_SECONDS}


def section_opened(*, plan_id, slug, user):
    """Record that `user` has the section open; return the names of the other editors who have it open.

    Read-modify-write without a lock: two heartbeats at the same instant can drop one entry until its
    next heartbeat, which only delays the notice by a few seconds."""
    now = time.time()
    key = _key(plan_id, slug)
    present = _present(key, now)
    present[user.pk] = (_name(user), now)
    cache.set(key, present, PRESENT_SECONDS)
    return sorted(name for uid, (name, _seen) in present.items() if uid != user.pk)


def section_closed(*, plan_id, slug, user):
    key = _key(plan_id, slug)
    present = _present(key, time.time())
    if present.pop(user.pk, None) is not None:
        cache.set(key, present, PRESENT_SECONDS)


def others_message(names):
    """ "Sam Walters is also editing this section", or "" when nobody else is."""
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is also editing this section"
    return f"{', '.join(names[:-1])} and {names[-1]} are also editing this section"
