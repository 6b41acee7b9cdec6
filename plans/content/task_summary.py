"""The task list's statuses, stored with the plan.

Working them out means loading the whole plan and running every check: tens of milliseconds for a
large plan, on the page people open most. So the result is stored on the plan row, tagged with the
plan's revision and the version of the code that worked it out:

- every write the application makes bumps `Plan.revision` in its own transaction (`touch`, called
  by the services' and the workflow's row locks, the admin and the reference data loader) and, once
  committed, stores a fresh summary, so the next task list finds it ready;
- the task list reads the summary with the plan row (no further query) and works it out again only
  when it is missing or its tag is not the plan's revision and the code's version;
- nothing that depends on today's date is stored (the deadline warning is added when read), and
  signature validity is never taken from here: it is always worked out from the live content.

A change made behind the application's back (raw SQL) shows on the task list at the plan's next
write; signing and submitting check the live content whatever the task list says.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

from metrics.checks import SOCIAL_CARE_QUESTION, part2_issues
from metrics.selectors import cached_part2_view
from metrics.tasks import part2_tasks
from plans import editions as ed
from plans.content import selectors
from plans.content.checks import (
    COMPLETED,
    READS_OTHER_ANSWERS,
    WARNING,
    check_content,
    check_deadline,
    check_section,
    section_status,
    section_statuses,
)
from plans.content.selectors import PlanView
from plans.editing import after_write
from plans.editions import get_edition
from plans.models import Answer, Decline, Plan

logger = logging.getLogger(__name__)

# The code that decides a status: the checks, the editions, the view-models and what they use.
RULES_SOURCES = ("plans", "metrics", "schemes", "bcf/core")


@lru_cache(maxsize=1)
def rules_version():
    """A digest of the application's Python source: a deployment that changes a check (or anything
    a check relies on) makes every stored summary stale."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for package in RULES_SOURCES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _tag(revision):
    return f"{revision}:{rules_version()}"


@dataclass(frozen=True)
class TaskSummary:
    tag: str  # "<revision>:<code version>": the revision of the plan the summary is valid for
    digest: str  # of the statuses alone: what a fragment rendered from them is keyed by
    statuses: dict  # section slug -> status (plans.content.checks.section_statuses)
    completed: int  # sections completed, sign-off not counted
    total: int
    errors: int  # content errors (the deadline only ever warns)
    warnings: int  # content warnings, plus the deadline's when read
    part2_tasks: list  # [{"page", "title", "url", "status"}] (metrics.tasks.part2_tasks)
    declined: bool  # someone has declined to sign a version of this plan: the workflow panel says who


@after_write
def refresh_after_commit(plan_id):
    try:
        plan = Plan.objects.only("revision", "task_summary").filter(pk=plan_id).first()
        if plan is not None and (plan.task_summary or {}).get("tag") != _tag(plan.revision):
            refresh(plan_id)
    except Exception:
        # The write has committed; a summary that could not be stored is worked out on the next read.
        logger.exception("task summary of plan %s not stored", plan_id)


def refresh(plan_id):
    """Work out the summary from the plan as it is now and store it, unless the plan has changed
    again meanwhile (the store is conditional on the revision it was worked out from)."""
    view = selectors.plan_view(plan_id)  # looked up when called: tests stand in a concurrent write
    part2 = cached_part2_view(view.plan)  # view.part2 is None for an empty Part 2; its tasks still show
    part2_found = part2_issues(view, part2)
    issues = check_content(view, part2_found)
    data = _totalled(
        view.edition,
        {
            "tag": _tag(view.plan.revision),
            "statuses": section_statuses(view, issues),
            "counts": _counts(issues),
            "part2_tasks": part2_tasks(part2, part2_found),
            "declined": Decline.objects.filter(plan_id=plan_id).exists(),
        },
    )
    # Not stored for a revision that is no longer the plan's: a write that committed while this ran
    # has already bumped it (and PostgreSQL re-checks the condition after waiting for that write's lock).
    Plan.objects.filter(pk=plan_id, revision=view.plan.revision).update(task_summary=data)
    return data


def _counts(issues):
    """{section slug (or Part 2's): [errors, warnings]}, for the sections that have issues."""
    counts = {}
    for issue in issues:
        counts.setdefault(issue.section, [0, 0])[0 if issue.is_error else 1] += 1
    return counts


def _totalled(edition, data):
    """`data` with the totals and the digest worked out from its statuses and counts."""
    countable = [s for s in edition.sections if s.kind != ed.SIGNOFF]
    data["completed"] = sum(1 for s in countable if data["statuses"][s.slug] == COMPLETED)
    data["total"] = len(countable)
    data["errors"] = sum(e for e, _w in data["counts"].values())
    data["warnings"] = sum(w for _e, w in data["counts"].values())
    shown = json.dumps([data["statuses"], data["part2_tasks"]], sort_keys=True).encode()
    data["digest"] = hashlib.sha256(shown).hexdigest()[:16]
    return data


def _reads(question):
    """The answers a question's checks read: its own, its `required_when` question's and any other."""
    keys = {question.key, *READS_OTHER_ANSWERS.get(question.key, ())}
    if question.required_when is not None:
        keys.add(question.required_when.key)
    return keys


@cache
def _self_contained(edition_code, slug):
    """Whether one section can be checked on its own after a save of its answers: a plain question
    section (no tables) whose answers no other section's checks, nor Part 2's, read."""
    edition = get_edition(edition_code)
    section = edition.section(slug)
    if section.kind != ed.QUESTIONS or section.tables:
        return False
    read_elsewhere = set(SOCIAL_CARE_QUESTION.values())
    for other in edition.sections:
        if other.slug != slug:
            read_elsewhere.update(key for question in other.questions for key in _reads(question))
    return not read_elsewhere & {question.key for question in section.questions}


def answers_saved(plan, slug):
    """Inside the transaction of a save of one section's answers (the plan row locked by the save and
    its revision already bumped): bring the stored summary up to the new revision by checking just
    that section, when the summary was current before the save and the section is self-contained.
    Otherwise nothing is done here and the whole summary is worked out after the commit."""
    data = plan.task_summary
    if not data or data.get("tag") != _tag(plan.revision - 1) or not _self_contained(plan.edition, slug):
        return False
    edition = plan.edition_def
    section = edition.section(slug)
    keys = {key for question in section.questions for key in _reads(question)}
    answers = {a.key: a for a in Answer.objects.filter(plan=plan, key__in=keys)}
    view = PlanView(plan, edition, answers, [], [], [], {}, [], [], [], [])
    issues = check_section(view, section)
    data["statuses"][slug] = section_status(view, section, issues)
    data["counts"].pop(slug, None)
    data["counts"].update(_counts(issues))
    data["tag"] = _tag(plan.revision)
    Plan.objects.filter(pk=plan.pk).update(task_summary=_totalled(edition, data))
    return True


def task_summary(plan):
    """The plan's task list summary: the stored one when it is current, else worked out afresh."""
    data = plan.task_summary
    if not data or data.get("tag") != _tag(plan.revision):
        data = refresh(plan.pk)
    deadline = check_deadline(plan)
    return TaskSummary(
        tag=data["tag"],
        digest=data["digest"],
        statuses=data["statuses"],
        completed=data["completed"],
        total=data["total"],
        errors=data["errors"],
        warnings=data["warnings"] + sum(1 for i in deadline if i.level == WARNING),
        part2_tasks=data["part2_tasks"],
        declined=data["declined"],
    )
