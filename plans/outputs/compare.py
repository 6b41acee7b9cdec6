"""What changed between two versions of a plan, section by section (DOMAIN.md §7).

Works on `bcf-plan/1` documents: a submitted version's stored JSON (exactly what was sent) or a
draft's live document. Long text is compared word by word (bcf.core.textdiff), unchanged paragraphs
folded away; table rows are matched by their key (scheme reference, milestone number, provider) or,
where rows have no key (risks, documents), by difflib over their text; figures are shown old → new.
Part 2 is compared as tables of the rows that changed, money formatted. Each section says in a line
what changed ("3 paragraphs changed, 1 risk added"), so the page can show it folded.
"""

import difflib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bcf.core.money import format_money
from bcf.core.textdiff import paragraph_diff, paragraphs_changed, phrase_diff
from plans import editions as ed
from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.editions import get_edition, tables
from plans.models import FileKind
from schemes.models import ANNEX1_FIELDS

MONEY_PARTS = {ed.AMOUNT, ed.CARE_ACT_AMOUNT}


@dataclass
class Change:
    """One difference. kind: "text" (`blocks` from bcf.core.textdiff.paragraph_diff), "value"
    (old → new), "added" / "removed" (a row or answer), "changed" (a row; `fields` holds its own
    changes). `noun` names what a row is ("risk"), for the section's one-line summary."""

    kind: str
    label: str
    old: str = ""
    new: str = ""
    blocks: list = field(default_factory=list)
    fields: list = field(default_factory=list)
    noun: str = ""

    @property
    def paragraphs(self):
        own = paragraphs_changed(self.blocks) if self.kind == "text" else 0
        return own + sum(f.paragraphs for f in self.fields)


@dataclass
class RowChange:
    """A Part 2 row that changed: `cells` are (column, old, new) of the columns that differ."""

    label: str
    status: str  # "added", "removed" or "changed"
    cells: list


@dataclass
class TableChanges:
    title: str
    rows: list


@dataclass
class SectionChanges:
    heading: str
    changes: list
    tables: list = field(default_factory=list)  # Part 2 only

    @property
    def changed(self):
        return bool(self.changes or self.tables)

    @property
    def summary(self):
        """What changed, in one line: "3 paragraphs changed, 2 answers changed, 1 risk added"."""
        counts = {}

        def add(noun, verb, n=1):
            if n:
                counts[(noun, verb)] = counts.get((noun, verb), 0) + n

        for change in self.changes:
            if change.kind == "text":
                add("paragraph", "changed", change.paragraphs or 1)
            elif change.kind == "value":
                add(change.noun or "answer", "changed")
            else:
                add(change.noun or "answer", change.kind)
        for table in self.tables:
            for row in table.rows:
                add("row", row.status)
        parts = []
        for (noun, verb), n in counts.items():
            plural = noun if n == 1 else ("rows" if noun == "row" else f"{noun}s")
            parts.append(f"{n} {plural} {verb}")
        return ", ".join(parts)


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
    """HTML of `new` against `old`, word by word (removed words in <del>, added in <ins>), escaped."""
    return mark_safe(render_to_string("includes/textdiff.html", {"runs": phrase_diff(old, new)}).strip())  # noqa: S308


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
        return Change("text", label, blocks=paragraph_diff(str(old or ""), str(new or "")))
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
            changes.append(Change("added", f"{noun} {label(row)} added", new=_summary(row, fields), noun=noun.lower()))
        else:
            fields_changed = _field_changes(old_by[k], row, fields)
            if fields_changed:
                changes.append(
                    Change("changed", f"{noun} {label(row)} changed", fields=fields_changed, noun=noun.lower())
                )
    for k, row in old_by.items():
        if k not in new_by:
            changes.append(
                Change("removed", f"{noun} {label(row)} removed", old=_summary(row, fields), noun=noun.lower())
            )
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
                changes.append(Change("changed", f"{noun} {j + 1} changed", fields=fields_changed, noun=noun.lower()))
        for j in range(j1 + len(pairs), j2):
            changes.append(
                Change("added", f"{noun} {j + 1} added", new=_summary(new_rows[j], fields), noun=noun.lower())
            )
        for i in range(i1 + len(pairs), i2):
            changes.append(
                Change("removed", f"{noun} {i + 1} removed", old=_summary(old_rows[i], fields), noun=noun.lower())
            )
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
            changes.append(
                Change("value", f"Signed on behalf of {key[1]}", old=said(before), new=said(after), noun="signature")
            )
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


def _money_cell(value):
    return show(value, ed.AMOUNT)


def _rows_compared(title, old_rows, new_rows, key, label, columns):
    """A Part 2 table's rows that changed. `columns(row)` gives {column: shown value} in order; rows
    are paired by `key` (with a count for rows sharing one), so a moved row is not shown as changed."""

    def keyed(rows):
        out, seen = {}, {}
        for row in rows or []:
            k = key(row)
            seen[k] = seen.get(k, 0) + 1
            out[(k, seen[k])] = row
        return out

    a, b = keyed(old_rows), keyed(new_rows)
    changed = []
    for k, row in b.items():
        after = columns(row)
        if k not in a:
            cells = [(c, "", v) for c, v in after.items() if v not in ("", "(empty)")]
            changed.append(RowChange(label(row), "added", cells))
            continue
        before = columns(a[k])
        cells = [(c, before.get(c, "(empty)"), v) for c, v in after.items() if before.get(c, "(empty)") != v]
        cells += [(c, v, "(empty)") for c, v in before.items() if c not in after]
        if cells:
            changed.append(RowChange(label(row), "changed", cells))
    for k, row in a.items():
        if k not in b:
            cells = [(c, v, "") for c, v in columns(row).items() if v not in ("", "(empty)")]
            changed.append(RowChange(label(row), "removed", cells))
    return TableChanges(title, changed) if changed else None


def _funding_columns(row):
    return {year: _money_cell(row.get(year)) for year in ("2014/15", "2015/16")}


def _expenditure_columns(row):
    return {
        "NHS share": show(row.get("nhs_share_percent"), ed.PERCENT),
        "2014/15": _money_cell(row.get("2014/15")),
        "2015/16": _money_cell(row.get("2015/16")),
        "New or existing": show(row.get("new_or_existing")),
    }


def _expenditure_label(row):
    parts = [
        f"Scheme {row['scheme_ref']}" if row.get("scheme_ref") else "No scheme",
        row.get("area_of_spend"),
        f"commissioner {row['commissioner']}" if row.get("commissioner") else "",
        f"provider {row['provider']}" if row.get("provider") else "",
        f"funded by {row['source_of_funding']}" if row.get("source_of_funding") else "",
    ]
    return ", ".join(p for p in parts if p)


def _benefit_columns(row):
    columns = {"Unit": show(row.get("unit"))}
    for index, value in enumerate(row.get("quarters") or [], start=1):
        columns[f"2015/16 Q{index}"] = show(value)
    columns["Value per unit"] = _money_cell(row.get("value_per_unit"))
    columns["Total benefit"] = _money_cell(row.get("total_benefit"))
    return columns


def _p4p_columns(row):
    columns = {"Population": show(row.get("population"))}
    for name, key in (("Baseline", "baseline"), ("Plan", "plan")):
        for index, value in enumerate(row.get(key) or [], start=1):
            columns[f"{name} quarter {index}"] = show(value)
    columns["Performance-related element"] = _money_cell(row.get("performance_element"))
    columns["Saving per admission"] = _money_cell(row.get("unit_saving"))
    computed = row.get("computed") or {}
    columns["Reduction"] = show(computed.get("percent_reduction"), ed.PERCENT)
    columns["Value of admissions avoided"] = _money_cell(computed.get("value"))
    columns["Justification"] = show(row.get("justification"))
    return columns


def _metric_columns(row):
    columns = {}
    base = row.get("baseline") or {}
    for key, name in (("numerator", "numerator"), ("denominator", "denominator"), ("value", "value")):
        columns[f"Baseline {name}"] = show(base.get(key))
    for index, target in enumerate(row.get("targets") or [], start=1):
        label = target.get("label") or f"Target {index}"
        for key, name in (
            ("numerator", "numerator"),
            ("denominator", "denominator"),
            ("value", "value"),
            ("percent_change", "% change"),
        ):
            columns[f"{label} {name}"] = show(target.get(key))
    columns["Comment"] = show(row.get("comment"))
    return columns


def _part2(old, new):
    """Part 2 as tables of the rows that changed (funding, expenditure, benefits, P4P, metrics)."""
    o, n = old.get("part2") or {}, new.get("part2") or {}
    tables = [
        _rows_compared(
            "Funding sources",
            o.get("funding"),
            n.get("funding"),
            key=lambda r: (r.get("organisation"), r.get("kind")),
            label=lambda r: " – ".join(str(x) for x in (r.get("organisation"), r.get("kind")) if x),
            columns=_funding_columns,
        ),
        _rows_compared(
            "Expenditure plan",
            o.get("expenditure"),
            n.get("expenditure"),
            key=lambda r: tuple(
                r.get(k) for k in ("scheme_ref", "area_of_spend", "commissioner", "provider", "source_of_funding")
            ),
            label=_expenditure_label,
            columns=_expenditure_columns,
        ),
        _rows_compared(
            "Benefits plan",
            o.get("benefits"),
            n.get("benefits"),
            key=lambda r: (r.get("scheme_ref"), r.get("measure")),
            label=lambda r: ", ".join(
                x for x in (f"Scheme {r['scheme_ref']}" if r.get("scheme_ref") else "", r.get("measure")) if x
            ),
            columns=_benefit_columns,
        ),
        _rows_compared(
            "Pay-for-performance metric",
            [o["p4p"]] if o.get("p4p") else [],
            [n["p4p"]] if n.get("p4p") else [],
            key=lambda r: "p4p",
            label=lambda r: "Non-elective admissions",
            columns=_p4p_columns,
        ),
        _rows_compared(
            "Metrics",
            o.get("metrics"),
            n.get("metrics"),
            key=lambda r: r.get("code"),
            label=lambda r: " ".join(str(x) for x in (r.get("code"), r.get("name")) if x),
            columns=_metric_columns,
        ),
    ]
    return [t for t in tables if t]


def edition_change(old, new):
    """A line saying the template edition itself changed between the two versions, or ""."""
    if old.get("edition") == new.get("edition"):
        return ""
    before, after = get_edition(old["edition"]), get_edition(new["edition"])
    return (
        f"The template edition changed from {before.name} to {after.name}. Answers to questions both "
        "editions ask are compared; answers to questions only the older edition asked are listed at the end."
    )


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
                gone.append(Change("removed", label, old=text[:400] + ("…" if len(text) > 400 else ""), noun="answer"))
        sections.append(SectionChanges(f"Questions only in the {older.name}", gone))
    sections.append(SectionChanges("Part 2: finance and metrics", [], tables=_part2(old, new)))
    return sections
