"""The plan's history as people read it: each line named by its question ("2 a) Vision", not
`vision.vision`), money as money, and a long text's change as the words added and removed."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bcf.core.money import format_money
from bcf.core.textdiff import changed_words, word_diff
from plans import editions as ed
from plans.models import Plan, Verb

LONG_TEXT = 200  # characters: above this on both sides, a change is shown as a word-level difference
MONEY_PARTS = {ed.AMOUNT, ed.CARE_ACT_AMOUNT}
MONEY_SUMMARY_FIELDS = {"minimum_2014_15", "minimum_2015_16", "total_agreed_2014_15", "total_agreed_2015_16"}


@dataclass
class HistoryLine:
    change: object
    what: str
    old: str
    new: str
    is_workflow: bool
    diff: list = field(default_factory=list)  # [(op, text)] for long texts
    added: int = 0
    removed: int = 0


def _money(value):
    try:
        return format_money(Decimal(value)) if value not in ("", None) else value
    except InvalidOperation:
        return value


def _describe(edition, change):
    """(what changed, whether the values are money)."""
    if change.verb != Verb.CHANGED:
        return change.field, False
    name, _, part = change.field.rpartition(".")
    if name == "summary":
        label = Plan._meta.get_field(part).verbose_name if part in {f.name for f in Plan._meta.fields} else part
        return f"1 a) Summary of plan: {label}", part in MONEY_SUMMARY_FIELDS
    try:
        question = edition.question(name)
        section = edition.section_for_question(name)
    except KeyError:
        return change.field, False
    what = ed.question_label(section, question)
    if part and (len(question.parts) > 1 or part != ed.TEXT):
        what = f"{what}: {question.label_for(part).lower()}" if part in question.parts else f"{what} ({part})"
    return what, part in MONEY_PARTS


def history_lines(plan, changes):
    edition = plan.edition_def
    lines = []
    for change in changes:
        what, money = _describe(edition, change)
        old, new = (_money(change.old), _money(change.new)) if money else (change.old, change.new)
        line = HistoryLine(change, what, old, new, change.section == "workflow")
        if len(change.old) > LONG_TEXT and len(change.new) > LONG_TEXT:
            line.diff = word_diff(change.old, change.new)
            line.added, line.removed = changed_words(change.old, change.new)
        lines.append(line)
    return lines
