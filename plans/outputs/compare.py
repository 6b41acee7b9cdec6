"""What changed between two versions of a plan, section by section (DOMAIN.md §7).

Works on `bcf-plan/1` documents: a submitted version's stored JSON (exactly what was sent) or a
draft's live document. Long text is compared word by word with difflib, added and removed words
marked with <ins>/<del>; table rows are matched by their key (scheme reference, milestone number,
provider) or, where rows have no key (risks, documents), by difflib over their text; figures are
shown old → new.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.safestring import mark_safe

from bcf.core.money import format_money
from plans import editions as ed
from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.editions import get_edition, tables
from plans.models import FileKind
from schemes.models import ANNEX1_FIELDS

TOKENS = re.compile(r"\s+|[^\s]+")
MONEY_PARTS = {ed.AMOUNT, ed.CARE_ACT_AMOUNT}


@dataclass
class Change:
    """One difference. kind: "text" (html holds the marked-up diff), "value" (old → new),
    "added" / "removed" (a row or answer), "changed" (a row; `fields` holds its own changes)."""

    kind: str
    label: str
    old: str = ""
    new: str = ""
    html: str = ""
    fields: list = field(default_factory=list)


@dataclass
class SectionChanges:
    heading: str
    changes: list

    @property
    def changed(self):
        return bool(self.changes)


def version_document(plan):
    """A version's plan document: the stored JSON of a submitted version, else the live draft."""
    submission = getattr(plan, "submission", None) if plan.status != "DRAFT" else None
    if submission is not None:
        stored = submission.files.filter(kind=FileKind.JSON).first()
        if stored is not None:
            return json.loads(bytes(stored.content).decode("utf-8"))
    return plan_document(plan_view(plan))


# --- pieces ------------------------------------------------------------------------------------------


def text_diff(old, new):
    """HTML of `new` against `old`, word by word: removed words in <del>, added words in <ins>.

    A run of changed words separated only by spaces is shown as one removed and one added phrase,
    not as alternating single words."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    pieces = []  # (changed?, old text, new text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal" and not (old_text.isspace() and pieces and pieces[-1][0]):
            pieces.append((False, old_text, new_text))
        elif pieces and pieces[-1][0]:
            _, before, after = pieces.pop()
            pieces.append((True, before + old_text, after + new_text))
        else:
            pieces.append((True, old_text, new_text))
    out = []
    for changed, old_text, new_text in pieces:
        if not changed:
            out.append(escape(old_text))
            continue
        if old_text.strip():
            out.append(
                '<del class="bcf-history-old"><span class="govuk-visually-hidden">removed: </span>'
                f"{escape(old_text)}</del>"
            )
        if new_text.strip():
            out.append(
                '<ins class="bcf-history-new"><span class="govuk-visually-hidden">added: </span>'
                f"{escape(new_text)}</ins>"
            )
        elif not old_text.strip():
            out.append(escape(new_text))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


PARAGRAPHS = re.compile(r"\n\s*\n")


def long_text_diff(old, new):
    """The changes to a long answer: changed paragraphs word by word, unchanged ones folded away
    (a note says how many), so a one-word change in a twenty-paragraph answer is easy to find."""
    a, b = PARAGRAPHS.split((old or "").strip()), PARAGRAPHS.split((new or "").strip())
    out = []

    def folded(count):
        noun = "paragraph" if count == 1 else "paragraphs"
        return f'<span class="bcf-diff-folded govuk-hint">[{count} unchanged {noun}]</span>'

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(folded(i2 - i1))
        else:
            out.append(str(text_diff("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2]))))
    return mark_safe("\n\n".join(out))  # noqa: S308 - text_diff escapes; the fold notes are ours


def show(value, part=None):
    """A value as the comparison shows it."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if part in MONEY_PARTS:
        try:
            return format_money(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
        return f"{value}%"
    if part == ed.BREAKDOWN:
        return "; ".join(f"{line.get('label', '')}: {show(line.get('amount'), ed.AMOUNT)}" for line in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _compare_value(label, old, new, part=None, long=False):
    if old == new or (old in (None, "", []) and new in (None, "", [])):
        return None
    if long:
        return Change("text", label, html=long_text_diff(old or "", new or ""))
    return Change("value", label, old=show(old, part), new=show(new, part))


def _field_changes(old, new, fields):
    """Changes between two rows over `fields`: (key, label, long text?, part)."""
    changes = []
    for key, label, long, part in fields:
        change = _compare_value(label, old.get(key), new.get(key), part, long)
        if change:
            changes.append(change)
    return changes


def _keyed_rows(old_rows, new_rows, key, label, fields, noun):
    old_by = {key(r): r for r in old_rows}
    new_by = {key(r): r for r in new_rows}
    changes = []
    for k, row in new_by.items():
        if k not in old_by:
            changes.append(Change("added", f"{noun} {label(row)} added", new=_summary(row, fields)))
        else:
            fields_changed = _field_changes(old_by[k], row, fields)
            if fields_changed:
                changes.append(Change("changed", f"{noun} {label(row)} changed", fields=fields_changed))
    for k, row in old_by.items():
        if k not in new_by:
            changes.append(Change("removed", f"{noun} {label(row)} removed", old=_summary(row, fields)))
    return changes


def _matched_rows(old_rows, new_rows, text_key, fields, noun):
    """Rows without a key: pair them by difflib over their main text."""
    a = [str(r.get(text_key, "")) for r in old_rows]
    b = [str(r.get(text_key, "")) for r in new_rows]
    changes = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(range(i1, i2), range(j1, j2))) if op in ("equal", "replace") else []
        for i, j in pairs:
            fields_changed = _field_changes(old_rows[i], new_rows[j], fields)
            if fields_changed:
                changes.append(Change("changed", f"{noun} {j + 1} changed", fields=fields_changed))
        for j in range(j1 + len(pairs), j2):
            changes.append(Change("added", f"{noun} {j + 1} added", new=_summary(new_rows[j], fields)))
        for i in range(i1 + len(pairs), i2):
            changes.append(Change("removed", f"{noun} {i + 1} removed", old=_summary(old_rows[i], fields)))
    return changes


def _summary(row, fields):
    parts = []
    for key, label, _long, part in fields:
        value = row.get(key)
        if value not in (None, "", []):
            text = show(value, part)
            parts.append(f"{label}: {text[:300]}{'…' if len(text) > 300 else ''}")
    return "; ".join(parts)


# --- the plan's tables -------------------------------------------------------------------------------


def _fields(columns):
    return [(column.key, column.label, column.long, None) for column in columns]


SCHEME_FIELDS = _fields(tables.SCHEME_COLUMNS)
ANNEX1 = [(name, f"Annex 1 – {label}", True, None) for name, label, _hint in ANNEX1_FIELDS]
RISK_FIELDS = _fields(tables.RISK_COLUMNS)
MILESTONE_FIELDS = _fields(tables.MILESTONE_COLUMNS)
DOCUMENT_FIELDS = _fields(tables.DOCUMENT_COLUMNS)
PROVIDER_FIELDS = _fields(tables.ANNEX2_DOCUMENT_COLUMNS)


def _schemes(old, new, annex1):
    def flat(scheme):
        return {**scheme, **(scheme.get("annex1") or {})}

    fields = SCHEME_FIELDS + (ANNEX1 if annex1 else [])
    return _keyed_rows(
        [flat(s) for s in old.get("schemes", [])],
        [flat(s) for s in new.get("schemes", [])],
        key=lambda s: str(s.get("ref", "")).lower(),
        label=lambda s: s.get("ref", ""),
        fields=fields,
        noun="Scheme",
    )


def _summary_section(old, new):
    changes = []
    o, n = old.get("summary", {}), new.get("summary", {})
    for key, label, long in (
        ("boundary_differences", "Boundary differences", True),
        ("date_agreed_at_hwb", "Date agreed at the Health and Wellbeing Board", False),
        ("date_agreed_note", "Note on the date agreed", True),
        ("total_agreed_note", "Note on the total agreed value", True),
    ):
        change = _compare_value(label, o.get(key), n.get(key), long=long)
        if change:
            changes.append(change)
    for key, label in (
        ("minimum_pooled_budget", "Minimum required value of the pooled budget"),
        ("total_agreed_pooled_budget", "Total agreed value of the pooled budget"),
    ):
        for year in ("2014/15", "2015/16"):
            change = _compare_value(
                f"{label} {year}", (o.get(key) or {}).get(year), (n.get(key) or {}).get(year), ed.AMOUNT
            )
            if change:
                changes.append(change)
    old_ccgs, new_ccgs = old.get("hwb", {}).get("ccgs", []), new.get("hwb", {}).get("ccgs", [])
    change = _compare_value("Clinical Commissioning Groups", old_ccgs, new_ccgs)
    if change:
        changes.append(change)
    return changes


def _signoff_section(old, new):
    def by_organisation(doc):
        return {(s.get("kind"), s.get("on_behalf_of")): s for s in doc.get("signatures", [])}

    changes = []
    o, n = by_organisation(old), by_organisation(new)
    for key in list(n) + [k for k in o if k not in n]:
        before, after = o.get(key, {}), n.get(key, {})

        def said(s):
            signed = ", ".join(p for p in (s.get("by"), s.get("position"), s.get("date")) if p)
            return signed or "Not signed"

        if said(before) != said(after):
            changes.append(Change("value", f"Signed on behalf of {key[1]}", old=said(before), new=said(after)))
    return changes


def _question_changes(question, old_answer, new_answer, label):
    changes = []
    for part in question.parts:
        long = part == ed.TEXT
        part_label = label if len(question.parts) == 1 else f"{label} – {question.label_for(part)}"
        change = _compare_value(part_label, (old_answer or {}).get(part), (new_answer or {}).get(part), part, long)
        if change:
            changes.append(change)
    return changes


def _part2(old, new):
    a, b = dict(_flatten(old.get("part2") or {})), dict(_flatten(new.get("part2") or {}))
    changes = []
    for path, value in b.items():
        if path not in a:
            if value not in (None, "", []):
                changes.append(Change("value", path, old="(empty)", new=show(value)))
        elif a[path] != value:
            changes.append(Change("value", path, old=show(a[path]), new=show(value)))
    for path, value in a.items():
        if path not in b and value not in (None, "", []):
            changes.append(Change("value", path, old=show(value), new="(empty)"))
    return changes


ROW_KEYS = ("code", "organisation", "kind", "scheme_ref", "measure", "area_of_spend", "label", "name")


def _flatten(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{path} › {key}" if path else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        seen = {}
        for index, item in enumerate(value, start=1):
            name = " / ".join(str(item[k]) for k in ROW_KEYS if item.get(k) not in (None, "")) or f"row {index}"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} ({seen[name]})"
            yield from _flatten(item, f"{path} › {name}")
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _flatten(item, f"{path} › {index}")
    else:
        yield path, value


# --- the whole comparison ----------------------------------------------------------------------------


def compare_documents(old, new):
    """Section by section changes from `old` to `new`, in the order of the newer version's template."""
    edition = get_edition(new["edition"])
    old_answers, new_answers = old.get("answers", {}), new.get("answers", {})
    sections = []
    for section in edition.sections:
        changes = []
        if section.kind == ed.SUMMARY:
            changes += _summary_section(old, new)
        elif section.kind == ed.SIGNOFF:
            changes += _signoff_section(old, new)
        elif section.kind == ed.DOCUMENTS:
            changes += _matched_rows(
                old.get("related_documents", []), new.get("related_documents", []), "title", DOCUMENT_FIELDS, "Document"
            )
        elif section.kind == ed.SCHEMES:
            changes += _schemes(old, new, annex1=True)
        elif section.kind == ed.MILESTONES:
            changes += _keyed_rows(
                old.get("milestones", []),
                new.get("milestones", []),
                key=lambda m: m.get("number"),
                label=lambda m: m.get("number"),
                fields=MILESTONE_FIELDS,
                noun="Milestone",
            )
        elif section.kind == ed.RISKS:
            changes += _matched_rows(old.get("risks", []), new.get("risks", []), "risk", RISK_FIELDS, "Risk")
        elif section.kind == ed.PROVIDERS:
            changes += _keyed_rows(
                old.get("provider_commentaries", []),
                new.get("provider_commentaries", []),
                key=lambda c: c.get("provider"),
                label=lambda c: c.get("provider"),
                fields=PROVIDER_FIELDS,
                noun="Provider commentary",
            )
        for question in section.questions:
            label = ed.question_label(section, question)
            changes += _question_changes(question, old_answers.get(question.key), new_answers.get(question.key), label)
        if "schemes" in section.tables:
            changes += _schemes(old, new, annex1=False)
        sections.append(SectionChanges(section.heading, changes))
    if old.get("edition") != new.get("edition"):
        keys = set(edition.question_keys)
        older = get_edition(old["edition"])
        gone = []
        for question in older.questions:
            answer = old_answers.get(question.key)
            if question.key not in keys and answer and any(v not in (None, "", []) for v in answer.values()):
                label = ed.question_label(older.section_for_question(question.key), question)
                text = show(answer.get(ed.TEXT)) if answer.get(ed.TEXT) else ""
                gone.append(Change("removed", label, old=text[:400] + ("…" if len(text) > 400 else "")))
        sections.append(SectionChanges(f"Questions only in the {older.name}", gone))
    sections.append(SectionChanges("Part 2: finance and metrics", _part2(old, new)))
    return sections
