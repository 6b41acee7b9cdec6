"""Place a Word draft's text into the questions of a template edition (DOMAIN.md §11).

The document's blocks (plans.word.reader) are read in order. A block that matches one of the
edition's headings or prompts, fuzzily (officers renumber and reword headings, conversion mangles
them), moves the "current place"; the blocks that follow go there: a question's answer, or the
summary, sign-off, related documents or risk table, which are read into their fields. What lands
nowhere is kept as unplaced items for the editor to assign or discard. `draft_document` then builds
a `bcf-plan/1` document that the one importer (`plans.content.plan_json.import_plan`) stores.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from bcf.core.fields import LONG_TEXT_MAX  # the answer forms' limit: an import holds no more
from bcf.core.money import ParseError, parse_money

from .. import editions as ed
from ..content.document import FORMAT
from ..editions import get_edition
from .reader import Block, DocumentError

SUMMARY = "@summary"
SIGNOFF = "@signoff"
DOCUMENTS = "@documents"
RISKS = "@risks"
STRUCTURED = {
    ed.SUMMARY: SUMMARY,
    ed.SIGNOFF: SIGNOFF,
    ed.DOCUMENTS: DOCUMENTS,
    ed.RISKS: RISKS,
    ed.SCHEMES: "@schemes",
    ed.MILESTONES: "@milestones",
    ed.PROVIDERS: "@providers",
}
ANNEX1 = "@annex1"
STRUCTURED_LABELS = {
    "@schemes": "the list of schemes",
    "@milestones": "the milestones table",
    "@providers": "Annex 2 (provider commentary)",
    ANNEX1: "Annex 1 (detailed scheme descriptions)",
}
ANNEX1_HEADINGS = ("annex 1 detailed scheme description", "detailed scheme description")
PREAMBLE = "the start of the document"

# --- text normalisation -------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:(?:section|part)\s+)?"
    r"(?:\d{1,2}\s*\(\s*(?:[a-h]|[ivx]{1,4})\s*\)|\d{1,2}(?:\.\d{1,2})*\s*[a-h]?\s*[).:]|\d{1,2}\s*[a-h]\s*[).]"
    r"|[a-h]\s*[).]|[ivx]{1,4}\s*[).]|\(\s*(?:\d{1,2}|[a-h]|[ivx]{1,4})\s*\))"
    r"(?:\s*(?:\(\s*(?:[a-h]|[ivx]{1,4})\s*\)|(?:[a-h]|[ivx]{1,4})\s*[).]))*(?:\s*[-:]\s)?\s*",
    re.I,
)
_WORD = re.compile(r"[a-z0-9£%/]+")


def strip_marks(text):
    """Text without the markup and debris that says nothing about which heading it is."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"^\s*#{1,6}\s*", "", text)
    text = text.replace("**", "").replace("__", "")
    return re.sub(r"^\s*[•\-*]\s+", "", text).strip()


def strip_numbering(text):
    text = strip_marks(text)
    match = _NUMBERING.match(text)
    if match and match.end() < len(text):
        return match.group(0).strip(), text[match.end() :].strip()
    return "", text


def words(text):
    return _WORD.findall(strip_marks(text).lower().replace("well-being", "wellbeing").replace("-", " "))


def _covered(a, b, min_block=2):
    """How many of the words of `a` appear, in order and in runs of at least min_block words, in `b`."""
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= min_block)


# --- anchors: the edition's headings and prompts ----------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    target: str | None  # a question key, a structured target ("@risks"), or None (a part heading)
    order: int
    label: str  # how the review page names the place ("2 c) Description of planned changes")
    heading: tuple = ()  # words of a heading (title)
    prompt: tuple = ()  # words of the whole prompt, with its quoted points
    sentences: tuple = ()  # words of each prompt sentence long enough to recognise alone


def _sentences(text):
    # "(i.e. secure email …)" is not a sentence end: a sentence ends before a capital letter.
    return [s for s in re.split(r"(?<=[.?!:])\s+(?=[A-Z])|\s+(?=[ivx]{1,3}\)\s)", text) if len(words(s)) >= 6]


@lru_cache(maxsize=4)
def anchors(edition_code):
    edition = get_edition(edition_code)
    out = []
    order = 0
    parts_seen = set()
    for section in edition.sections:
        first = STRUCTURED.get(section.kind) or (section.questions[0].key if section.questions else None)
        label = section.heading
        if section.part and section.part not in parts_seen:
            parts_seen.add(section.part)
            _, part_title = strip_numbering(section.part)
            same = words(part_title) == words(section.title)
            out.append(Anchor(first if same else None, order, section.part, heading=tuple(words(part_title))))
        out.append(Anchor(first, order, label, heading=tuple(words(section.title))))
        if section.prompt:
            out.append(
                Anchor(
                    first,
                    order,
                    label,
                    prompt=tuple(words(section.prompt)),
                    sentences=tuple(tuple(words(s)) for s in _sentences(section.prompt)),
                )
            )
        for question in section.questions:
            order += 1
            q_label = ed.question_label(section, question)
            text = " ".join([question.prompt, *question.points])
            sentences = [*_sentences(question.prompt), *question.points]
            out.append(
                Anchor(
                    question.key,
                    order,
                    q_label,
                    prompt=tuple(words(text)),
                    sentences=tuple(tuple(words(s)) for s in sentences if len(words(s)) >= 4),
                )
            )
            if question.title:
                out.append(Anchor(question.key, order, q_label, heading=tuple(words(question.title))))
        if "schemes" in section.tables:  # 2014-04 lists its schemes under 2 c), as the Word export does
            order += 1
            out.append(Anchor("@schemes", order, f"{label}: schemes", heading=("schemes",)))
        order += 1
    for heading in ANNEX1_HEADINGS:
        out.append(Anchor(ANNEX1, order, "Annex 1", heading=tuple(heading.split())))
    return tuple(out)


@lru_cache(maxsize=4)
def _vocabulary(edition_code):
    return frozenset(w for a in anchors(edition_code) for w in (*a.heading, *a.prompt))


def heading_score(text, anchor, *, styled):
    number, rest = strip_numbering(text)
    got = words(rest)
    want = list(anchor.heading)
    if not got or not want or len(got) > len(want) + 40:
        return 0.0
    short = len(want) <= 2
    if not (number or styled):
        # A bold line in an answer may repeat a title ("Joint Assessment and Accountable Lead
        # Professional"): only a numbered or heading-styled paragraph is taken as a heading.
        return 0.0
    if got == want:
        return 1.0
    if len(want) >= 2 and got[: len(want)] == want:
        return 0.92 if len(got) <= len(want) + 30 else 0.0
    if len(got) > len(want) + 3:
        return 0.0
    ratio = SequenceMatcher(None, " ".join(got), " ".join(want), autojunk=False).ratio()
    return ratio if ratio >= (0.9 if short else 0.82) else 0.0


def prompt_score(text, anchor, got=None):
    got = words(text) if got is None else got
    if len(got) < 4 or len(got) > len(anchor.prompt) + 25:
        return 0.0
    vocabulary = _anchor_words(anchor)
    if sum(1 for w in got if w in vocabulary) < 0.72 * len(got):
        return 0.0
    precision = _covered(got, list(anchor.prompt)) / len(got)
    if precision < 0.72:
        return 0.0
    recall = max((_covered(list(s), got) / len(s) for s in anchor.sentences), default=0.0)
    whole = _covered(list(anchor.prompt), got) / len(anchor.prompt)
    recall = max(recall, whole)
    if recall < 0.7:
        return 0.0
    return (precision + recall) / 2


@lru_cache(maxsize=512)
def _anchor_words(anchor):
    return frozenset(anchor.prompt)


@dataclass
class Match:
    anchor: Anchor
    score: float
    kind: str  # "heading" | "prompt"


def match_block(text, edition_code, *, styled=False, current_order=-1, current_target=None):
    """The heading or prompt this paragraph is, if any: the best score, ties broken by template order."""
    tokens = words(text)
    got = {w for w in words(strip_numbering(text)[1]) if not w.isdigit()}
    if not got:
        return None
    vocabulary = _vocabulary(edition_code)
    if len(got & vocabulary) < 0.6 * len(got):
        return None
    found = []
    for anchor in anchors(edition_code):
        if anchor.heading:
            score = heading_score(text, anchor, styled=styled)
            if score:
                found.append(Match(anchor, score, "heading"))
        if anchor.prompt:
            score = prompt_score(text, anchor, tokens)
            if score:
                found.append(Match(anchor, score, "prompt"))
    if not found:
        return None
    best = max(m.score for m in found)
    close = [m for m in found if m.score >= best - 0.03]
    staying = [m for m in close if current_target is not None and m.anchor.target == current_target]
    if staying:  # a prompt several questions share (8 b) i)–iii)) under its own question's heading
        return staying[0]
    # Equal prompts (8 b) i)–iii) share one) and repeated titles: take the next one in template order.
    ahead = [m for m in close if m.anchor.order > current_order]
    pool = ahead or close
    return min(pool, key=lambda m: (m.anchor.order, m.anchor.target is None))


# --- the parse ------------------------------------------------------------------------------------------


@dataclass
class Item:
    """A paragraph run or a table of the document, as Markdown, and the question it is placed in."""

    id: int
    text: str
    target: str | None
    found_under: str
    note: str = ""


@dataclass
class Draft:
    """What was read from a document: placed and unplaced items and the structured fields."""

    edition: str
    round: str
    filename: str = ""
    hwb_name: str = ""
    local_authority: str = ""
    ccgs: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    related_documents: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    items: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    matched: list = field(default_factory=list)  # question keys whose heading or prompt was found
    preamble_hwb: str = ""  # the Board's name as the document's title or cover gives it

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["items"] = [Item(**item) for item in data.get("items", [])]
        return cls(**data)

    def items_for(self, key):
        return [item for item in self.items if item.target == key]

    @property
    def unplaced(self):
        return [item for item in self.items if item.target is None]


def _is_styled_heading(block):
    return bool(block.heading) or bool(re.match(r"^\s*#{1,6}\s", block.text))


def _table_markdown(rows):
    width = max(len(r) for r in rows)

    def cell(value):
        return " ".join(strip_marks(line) if line.startswith("#") else line for line in value.splitlines()).replace(
            "|", "\\|"
        )

    lines = []
    for i, row in enumerate(rows):
        padded = [cell(v) for v in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(padded) + " |")
        if i == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


# What the Word export writes where there is nothing: not text to bring back in.
EXPORT_PLACEHOLDERS = {
    "Not answered",
    "No related documents.",
    "No schemes listed.",
    "No milestones listed.",
    "No risks listed.",
    "No provider commentary.",
    "This is a draft: it has not been signed off.",
}


EMPTY_VALUES = {"Not answered", "Not yet submitted", "Not signed", "None"}


def _paragraph_markdown(block):
    text = block.text.strip()
    if strip_marks(text) in EXPORT_PLACEHOLDERS or _NUMBERING.fullmatch(strip_marks(text)):
        return ""  # nothing, or a bare number such as "7 c) i)" over a question
    if re.match(r"^#{1,6}\s", text) or (block.heading and not block.bullet):
        inner = strip_marks(text)
        return f"**{inner}**" if inner else ""
    if block.bullet:
        text = re.sub(r"^[•*]\s+", "- ", text)
        if not re.match(r"^(-|\d{1,2}[.)])\s+", text):
            text = f"- {text}"
    elif text.startswith("• ") or text.startswith(" "):
        text = "- " + text[2:].strip()
    return text


def _join(paragraphs):
    """Markdown of consecutive paragraphs: lists kept together, sentences broken by conversion mended."""
    out = []
    for text in paragraphs:
        if not text:
            continue
        is_item = bool(re.match(r"^\s*(-|\d{1,2}[.)])\s+", text))
        if out:
            prev = out[-1]
            prev_item = bool(re.match(r"^\s*(-|\d{1,2}[.)])\s+", prev.split("\n")[-1]))
            if (
                not is_item
                and not prev.endswith("|")
                and re.match(r"^[a-z(]", text)
                and not re.search(r"[.!?:;]$", prev)
            ):
                out[-1] = f"{prev} {text}"
                continue
            if is_item and prev_item:
                out[-1] = f"{prev}\n{text}"
                continue
        out.append(text)
    return "\n\n".join(out)


def _prompt_rows(block, edition_code, current_order, current_target):
    """A table holding a prompt (a shaded box, or prompt | answer rows): its cells as paragraphs.

    Only where a prompt can sit is looked at: the first row, and the first column of a two-column
    table; a risk or scheme table whose text echoes a prompt stays a table."""
    if len(block.rows) == 1 and len(block.rows[0]) == 1:
        return [Block(text=line) for line in block.rows[0][0].splitlines() if line.strip()]
    width = max(len(r) for r in block.rows)
    candidates = list(block.rows[0]) + ([row[0] for row in block.rows[1:]] if width <= 2 else [])
    for value in candidates:
        if not value.strip():
            continue
        match = match_block(value, edition_code, current_order=current_order, current_target=current_target)
        if match and match.kind == "prompt" and match.score >= 0.85:
            out = []
            for row in block.rows:
                for cell in row:
                    out.extend(Block(text=line) for line in cell.splitlines() if line.strip())
            return out
    return None


def parse_blocks(blocks, edition_code, *, round=None, filename=""):
    """Place each block; return a Draft. Raise DocumentError when no heading or prompt is found."""
    edition = get_edition(edition_code)
    draft = Draft(edition=edition.code, round=round or edition.rounds[-1][0], filename=filename)
    regions = []  # (target, label, [blocks])
    current = (None, PREAMBLE, [])
    regions.append(current)
    order = -1
    matched = set()
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        if block.is_table:
            exploded = _prompt_rows(block, edition.code, order, current[0])
            if exploded:
                queue[:0] = exploded
                continue
            current[2].append(block)
            continue
        match = match_block(
            block.text, edition.code, styled=_is_styled_heading(block), current_order=order, current_target=current[0]
        )
        if match is None:
            current[2].append(block)
            continue
        anchor = match.anchor
        if anchor.target is not None and anchor.target == current[0] and match.kind == "prompt" and match.score < 0.9:
            current[2].append(block)  # an answer that echoes its own prompt ("We are committed to adopting …")
            continue
        if anchor.target is not None and anchor.target == current[0]:
            # The place's own prompt or sub-heading again: a heading inside the answer is content.
            if match.kind == "heading" and any(not b.is_table for b in current[2]):
                current[2].append(block)
            continue
        if anchor.target and not anchor.target.startswith("@"):
            matched.add(anchor.target)
        order = anchor.order
        current = (anchor.target, anchor.label, [])
        regions.append(current)
    if not matched and not any(t in (SUMMARY, RISKS, DOCUMENTS) for t, _, _ in regions):
        raise DocumentError(
            f"None of the {edition.name} template's headings or prompts were found in the document, so nothing "
            "could be placed: check that you chose the right file and template edition"
        )
    draft.matched = sorted(matched)
    _fill(draft, regions)
    return draft


def _fill(draft, regions):
    item_id = 0
    lengths = {}
    summary_rows, signoff_rows = [], []

    def store(text, target, label, note):
        nonlocal item_id
        if text.strip():
            item_id += 1
            draft.items.append(Item(id=item_id, text=text, target=target, found_under=label, note=note))

    def add(text, target, label, note=""):
        if target is None:
            store(text, None, label, note)
            return
        size = lengths.get(target, 0)
        fit, rest = [], text.split("\n\n")
        while rest and size + len(rest[0]) + 2 <= LONG_TEXT_MAX:
            size += len(rest[0]) + 2
            fit.append(rest.pop(0))
        lengths[target] = size
        store("\n\n".join(fit), target, label, note)
        if rest:  # the answer form holds no more: the rest waits for the editor
            over = f"Not placed: the answer would be longer than the limit of {LONG_TEXT_MAX:,} characters"
            store("\n\n".join(rest), None, label, over)

    for target, label, blocks in regions:
        if label == PREAMBLE:
            _read_preamble(draft, blocks)
        if target == SUMMARY:
            summary_rows.extend(_rows(blocks))
            continue
        if target == SIGNOFF:
            signoff_rows.extend(_rows(blocks))
            continue
        if target == DOCUMENTS:
            rest = _read_documents(draft, blocks)
            _add_runs(rest, None, label, add)
            continue
        if target == RISKS:
            rest = _read_risks(draft, blocks)
            _add_runs(rest, None, label, add)
            continue
        if target is not None and target.startswith("@"):
            # A table the importer does not read (schemes, milestones, Annex 1 and 2): one passage,
            # so the editor keeps or discards it at once.
            note = f"From {STRUCTURED_LABELS[target]}, which is not read from documents: add it on its page"
            _add_runs(blocks, None, label, add, note=note, grouped=True)
            continue
        if target is None:
            _add_runs(blocks, None, label, add)
            continue
        _add_runs(blocks, target, label, add)
    _read_summary(draft, summary_rows)
    _read_signoff(draft, signoff_rows)


def _read_preamble(draft, blocks):
    """The Board's name from a cover table ("Health and Wellbeing Board | name") or the title line."""
    for row in _rows(blocks):
        if len(row) >= 2 and " ".join(words(row[0])) == "health and wellbeing board" and row[1].strip():
            draft.preamble_hwb = row[1].strip()[:200]
            return
    for block in blocks[:5]:
        found = re.search(r"([A-Z][\w&' -]{2,80}? Health (?:and|&) Wellbeing Board)", block.plain())
        if found:
            draft.preamble_hwb = found.group(1).strip()[:200]
            return


def _add_runs(blocks, target, label, add, note="", grouped=False):
    """Placed, consecutive paragraphs become one item; unplaced, each paragraph is an item, so the
    editor can choose for each (`grouped`: the whole run is one). A table is an item of its own,
    except in a grouped run."""
    run = []
    for block in blocks:
        if block.is_table and grouped:
            run.append(_table_markdown(block.rows))
        elif block.is_table:
            if run:
                add(_join(run), target, label, note)
                run = []
            add(_table_markdown(block.rows), target, label, note)
        elif target is None and not grouped:
            add(_paragraph_markdown(block), None, label, note)
        else:
            run.append(_paragraph_markdown(block))
    if run:
        add(_join(run), target, label, note)


def _value(text):
    """A cell's text as a field keeps it: without bold marks or a heading's #, otherwise as written;
    the Word export's words for an empty field are no value."""
    text = re.sub(r"^\s*#{1,6}\s*", "", text).replace("**", "").strip()
    return "" if text in EMPTY_VALUES else text


def _cell_markdown(value):
    """A table cell's lines as Markdown: "• " lines a list, other lines paragraphs."""
    lines = [re.sub(r"^[•*]\s+", "- ", line.strip()) for line in value.split("\n")]
    return _join([line for line in lines if line])


def _rows(blocks):
    rows = []
    for block in blocks:
        if block.is_table:
            rows.extend([[_value(v) for v in row] for row in block.rows])
        else:
            rows.append([_value(block.text)])
    return rows


# --- summary and sign-off -------------------------------------------------------------------------------------

_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_DATE_WORDS = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b",
    re.I,
)


def find_dates(text):
    """Dates written in the text, in order: 25.03.2014, 02/04/2014, 17th September 2014, April 2015."""
    found = []
    for m in _DATE_NUMERIC.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = year + 2000 if year < 100 else year
        try:
            found.append((m.start(), datetime.date(year, month, day)))
        except ValueError:
            continue
    for m in _DATE_WORDS.finditer(text):
        day = int(m.group(1)) if m.group(1) else 1
        try:
            found.append((m.start(), datetime.date(int(m.group(3)), _MONTHS[m.group(2).lower()], day)))
        except ValueError:
            continue
    return [d for _, d in sorted(found)]


_MONEY = re.compile(
    r"£\s?\d[\d,]*(?:\.\d+)?\s?(?:m|k|bn)?\b|\b\d[\d,]*(?:\.\d+)?\s?(?:m|k|bn)\b|\b\d{1,3}(?:,\d{3})+\b", re.I
)


def find_money(text):
    """Sums of money in a summary cell; digits alone ("3") or ambiguous ones ("1.209111") are not money."""
    out = []
    for m in _MONEY.finditer(text):
        try:
            value = parse_money(m.group(0).replace(" ", ""))
        except ParseError:
            continue
        if value is not None and value >= 1000:
            out.append(value)
    return out


SUMMARY_LABELS = (
    ("local authority", "la"),
    ("clinical commissioning group", "ccgs"),
    ("boundary difference", "boundary"),
    ("date agreed", "date_agreed"),
    ("date submitted", "date_submitted"),
    ("minimum required value", "minimum"),
    ("total agreed value", "total"),
    ("note on the total agreed value", "total_note"),
    ("health and wellbeing board", "hwb"),
)
YEARS = ("2014/15", "2015/16")


def _label_of(text):
    low = " ".join(words(text))
    for prefix, name in SUMMARY_LABELS:
        if low.startswith(prefix) and len(low) <= len(prefix) + 40:
            return name
    return None


def _kind_of_value(text):
    low = text.lower()
    if find_dates(text) or "meeting" in low or "signed off" in low or "approved" in low:
        return "date_agreed"
    if find_money(text):
        return "money"
    if len(words(text)) <= 14:
        if "council" in low:
            return "la"
        if "ccg" in low or "clinical commissioning" in low:
            return "ccgs"
        if "health and wellbeing board" in " ".join(words(text)):
            return "hwb"
    return "boundary"


def _is_label_tail(text):
    low = " ".join(words(text))
    if re.fullmatch(r"[^.:]{0,40}:", text.strip()):
        return True
    rest = low.replace("2014/15", "").replace("2015/16", "").replace("pooled budget", "").replace("bcf", "")
    return low != "" and not rest.strip()


def _read_summary(draft, rows):
    values = {name: [] for _, name in SUMMARY_LABELS}
    money = {"minimum": {}, "total": {}}
    field_name = None
    pending = []  # labels given one under another before their values (a table read column-wise)
    for row in rows:
        cells = [c.strip() for c in row]
        label_cell = cells[0] if cells else ""
        rest = [c for c in cells[1:] if c]
        label = _label_of(label_cell)
        if label is None and len(cells) == 1 and _is_label_tail(label_cell):
            year = next((y for y in YEARS if y in label_cell), None)
            continue  # "Board:", "pooled budget: 2014/15": the rest of a label broken over lines
        if label is None and len(cells) == 1:
            # A paragraph: "Date submitted: <dd/mm/yyyy>" or "2015/16 £2.226m" carry a label or year
            # with the value; otherwise it is a value for the field in hand.
            head = re.split(r":\s", label_cell, maxsplit=1)
            if len(head) == 2 and _label_of(head[0]):
                label, rest = _label_of(head[0]), [head[1]]
            else:
                label_cell, rest = "", [label_cell]
        if label:
            if field_name and not values[field_name] and not money.get(field_name) and not rest:
                pending.append(field_name)
            field_name = label
            if not rest:
                continue
        year = next((y for y in YEARS if y in label_cell), None)
        for value in rest:
            target = field_name
            kind = _kind_of_value(value)
            if kind == "date_agreed" and field_name in ("la", "ccgs", "hwb"):
                target = kind  # a column read apart from its label: the date is the date, whatever came before
            elif pending or target is None:
                if pending and kind in pending:
                    pending.remove(kind)
                    target = kind
                elif pending and kind in ("boundary", "la", "ccgs", "hwb", "date_agreed") and kind not in values:
                    target = pending.pop(0)
                elif kind == "money" and field_name in money:
                    target = field_name
                else:
                    target = kind if kind in values else field_name
                    if target in pending:
                        pending.remove(target)
            if target == "total" and kind != "money" and len(re.findall(r"[A-Za-z]{2,}", value)) >= 2:
                values["total_note"].append(value)  # words under the totals: the note on them
            elif target in money:
                value_year = next((y for y in YEARS if y in value), year)
                for amount in find_money(value):
                    slot = value_year if value_year and value_year not in money[target] else None
                    slot = slot or next((y for y in YEARS if y not in money[target]), None)
                    if slot:
                        money[target][slot] = amount
                    value_year = None
            elif target:
                values[target].append(value)
    la = _first(values["la"])
    if la:
        draft.local_authority = re.sub(r"\s*\([A-Z]{2,8}\)\s*$", "", la)[:200]
    ccgs = _ccg_names(" ; ".join(values["ccgs"]))
    if ccgs:
        draft.ccgs = ccgs
    hwb = _first([v for v in values["hwb"] if "board" in v.lower()])
    if hwb:
        draft.hwb_name = hwb[:200]
    boundary = _join([_cell_markdown(v) for v in values["boundary"]])
    agreed_text = [v for v in values["date_agreed"] if v]
    dates = find_dates(" ".join(agreed_text))
    exported = re.match(r"^(\d{1,2} \w+ \d{4}) \((.*)\)$", " ".join(agreed_text), re.S)
    if exported:  # the Word export's "25 March 2014 (note)"
        agreed_text = [exported.group(2)] if find_dates(exported.group(2)) else [exported.group(1), exported.group(2)]
    note = " / ".join(agreed_text) if sum(bool(find_dates(t)) for t in agreed_text) > 1 else " ".join(agreed_text)
    if dates and (_DATE_NUMERIC.fullmatch(note.strip()) or _DATE_WORDS.fullmatch(note.strip())):
        note = ""  # only the date itself
    draft.summary = {
        "boundary_differences": boundary,
        "date_agreed_at_hwb": max(dates).isoformat() if dates else None,
        "date_agreed_note": note[:300],
        "minimum_pooled_budget": {y: _money_str(money["minimum"].get(y)) for y in YEARS},
        "total_agreed_pooled_budget": {y: _money_str(money["total"].get(y)) for y in YEARS},
        "total_agreed_note": " ".join(values["total_note"]),
    }


def _money_str(value):
    return None if value is None else f"{value:.2f}"


def _first(values):
    return next((v for v in values if v.strip()), "")


def ccg_name(name):
    """A CCG's name as the application keeps it: "NHS Bassetlaw CCG" for a bare "Bassetlaw"."""
    name = re.sub(r"\s*\([A-Za-z ]{2,12}\)\s*$", "", " ".join(name.split())).strip(" ,;.")
    if not name:
        return ""
    if not re.search(r"\bCCG\b|Clinical Commissioning Group", name, re.I):
        name = f"NHS {name} CCG" if not name.upper().startswith("NHS ") else f"{name} CCG"
    return name[:200]


def _ccg_names(text):
    found = re.findall(r"((?:NHS\s+)?[A-Z][\w&,' -]*?\s(?:CCG|Clinical Commissioning Group)(?:\s*\([A-Z]+\))?)", text)
    names = [ccg_name(n) for n in found] if found else [ccg_name(n) for n in re.split(r"\s*[;\n]\s*", text)]
    out = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


def _read_signoff(draft, rows):
    expect = None
    ccgs = []
    for row in rows:
        cells = [c.strip() for c in row]
        low = " ".join(words(cells[0])) if cells else ""
        if low.startswith("signed on behalf of"):
            expect = "ccg" if "clinical" in low else "council" if "council" in low else "hwb"
        value = next((c for c in cells[1:] if c), "")
        if low.startswith(("by", "position", "date")) and not low.startswith("by chair"):
            expect = None
            continue
        if expect and value:
            if expect == "ccg":
                ccgs.append(ccg_name(value))
            elif expect == "council" and not draft.local_authority:
                draft.local_authority = value[:200]
            elif expect == "hwb" and not draft.hwb_name:
                draft.hwb_name = value[:200]
            expect = None
    if ccgs:
        draft.ccgs = list(dict.fromkeys(ccgs))


# --- related documents and risks ------------------------------------------------------------------------------


def _read_documents(draft, blocks):
    rest = []
    for block in blocks:
        if not block.is_table:
            rest.append(block)
            continue
        for row in block.rows:
            cells = [c.strip() for c in row]
            low = " ".join(words(" ".join(cells)))
            if "document or information title" in low or not any(cells):
                continue
            if len(cells) >= 3 and len(cells[0]) <= 20:
                ref, title, others = cells[0], " ".join(cells[1].split()), cells[2:]
            else:
                ref, title, others = "", " ".join(cells[0].split()), cells[1:]
            synopsis = "\n\n".join(_cell_markdown(c) for c in others if c)
            if not title:
                title, synopsis = synopsis[:300], ""
            if not title:
                continue
            ref = ref or str(len(draft.related_documents) + 1)
            draft.related_documents.append({"ref": ref[:20], "title": title[:300], "synopsis": synopsis})
    return rest


_LEVEL = re.compile(r"\b(low|medium|high)\b", re.I)


def _rating(text):
    low = text.lower()
    levels = _LEVEL.findall(low)
    if "impact" in low and "likelihood" in low and len(levels) >= 2:
        impact = re.search(r"(low|medium|high)\s+impact", low)
        likelihood = re.search(r"(low|medium|high)\s+likelihood", low)
        if impact and likelihood:
            return {"impact_level": impact.group(1).upper(), "likelihood_level": likelihood.group(1).upper()}
    if len(levels) == 1 and len(words(text)) <= 3:
        return {"rating": levels[0].capitalize()}
    return None


def _score(text):
    match = re.fullmatch(r"\s*([1-5])\s*", text)
    return int(match.group(1)) if match else None


def _read_risks(draft, blocks):
    rest = []
    group = ""
    for block in blocks:
        if not block.is_table:
            rest.append(block)
            continue
        for i, row in enumerate(block.rows):
            cells = [c.strip() for c in row]
            low = " ".join(words(" ".join(cells)))
            if i == 0 and (low.startswith("risk risk rating") or low.startswith("there is a risk that likelihood")):
                continue  # the header row
            filled = [c for c in cells if c]
            if len(filled) == 1 and cells[0] and cells[0].upper() == cells[0] and len(cells[0]) <= 200:
                group = cells[0]
                continue
            risk = _risk_row(cells, group)
            if risk is not None:
                draft.risks.append(risk)
            elif draft.risks:
                previous = draft.risks[-1]
                if cells and cells[0]:
                    previous["risk"] = _join([previous["risk"], _cell_markdown(cells[0])])
                if len(cells) > 1 and cells[-1]:
                    previous["mitigation"] = _join([previous["mitigation"], _cell_markdown(cells[-1])])
    return rest


def _risk_row(cells, group):
    """A row that starts a risk: 2014-04 "risk | rating | mitigation" or 2014-09 "risk | L | I | … "."""
    if len(cells) < 3 or not cells[0]:
        return None
    cells = [_cell_markdown(c) for c in cells]
    base = {
        "group": group,
        "risk": cells[0],
        "rating": None,
        "impact_level": None,
        "likelihood_level": None,
        "likelihood": None,
        "impact": None,
        "financial_impact_000s": None,
        "impact_falls_on": "",
        "leads": [],
        "mitigation": "",
    }
    rating = _rating(cells[1])
    if rating:
        return {**base, **rating, "mitigation": "\n\n".join(c for c in cells[2:] if c)}
    likelihood, impact = _score(cells[1]), _score(cells[2]) if len(cells) > 2 else None
    if likelihood and impact:
        leads = cells[4] if len(cells) > 5 else ""
        return {
            **base,
            "likelihood": likelihood,
            "impact": impact,
            "leads": [lead.strip() for lead in re.split(r"[;\n]", leads) if lead.strip()],
            "mitigation": cells[-1] if len(cells) > 4 else "",
        }
    return None


# --- the bcf-plan/1 document -----------------------------------------------------------------------------------

_YES = re.compile(r"^\s*(yes|no)\b[\s.,:;!-]*", re.I)


NOT_ANSWERED = "Not answered"  # what the Word export writes for an empty part


def _part_in(part, value):
    """A part's value from its "Label: value" line (the Word export writes the parts so)."""
    if value in ("", NOT_ANSWERED, "None"):
        return [] if part == ed.BREAKDOWN else ("" if part == ed.TOOL else None)
    if part == ed.YES:
        match = _YES.match(value)
        return None if match is None else match.group(1).lower() == "yes"
    if part == ed.DATE:
        dates = find_dates(value)
        return dates[0].isoformat() if dates else None
    if part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
        match = re.search(r"(\d+(?:\.\d+)?)\s*%", value)
        return float(match.group(1)) if match and float(match.group(1)) <= 100 else None
    if part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT):
        amounts = find_money(value)
        return _money_str(amounts[0]) if amounts else None
    if part == ed.COUNT:
        match = re.search(r"\d[\d,]*", value)
        return int(match.group(0).replace(",", "")) if match else None
    if part == ed.TOOL:
        return value[:500]
    if part == ed.BREAKDOWN:
        lines = []
        for piece in value.split(";"):
            label, _, amount = piece.rpartition(":")
            amounts = find_money(amount)
            if label.strip() and amounts:
                lines.append({"label": label.strip()[:200], "amount": _money_str(amounts[0])})
        return lines
    return None


def answer_parts(question, text):
    labels = {question.label_for(part).lower(): part for part in question.parts if part != ed.TEXT}
    parts = {}
    keep = []
    for paragraph in text.split("\n\n"):
        plain = strip_marks(paragraph)
        if plain == NOT_ANSWERED:
            continue
        labelled = re.match(r"^([^:\n]{3,200}):\s*(.*)$", plain, re.S)
        if labelled and labelled.group(1).strip().lower() in labels:
            part = labels[labelled.group(1).strip().lower()]
            parts[part] = _part_in(part, labelled.group(2).strip())
            continue
        if ed.YES in question.parts and ed.YES not in parts and len(keep) < 3:
            match = _YES.match(plain)
            if match:
                parts[ed.YES] = match.group(1).lower() == "yes"
                if not plain[match.end() :].strip():
                    continue  # a bare "Yes" or "No" is the part, not text
        keep.append(paragraph)
    body = "\n\n".join(keep)
    if ed.DATE in question.parts and parts.get(ed.DATE) is None:
        dates = find_dates(body)
        parts[ed.DATE] = dates[0].isoformat() if dates else None
    if ed.TEXT in question.parts:
        parts[ed.TEXT] = body
    elif body.strip():
        return None  # text for a figure-only question needs reading by a person: left unplaced
    return parts


def draft_document(draft, *, hwb_name=None, local_authority=None, assignments=None, round=None):
    """The bcf-plan/1 document of a draft; `assignments` moves items: {item id: question key or None}."""
    edition = get_edition(draft.edition)
    assignments = assignments or {}
    texts = {}
    for item in draft.items:
        target = assignments.get(item.id, item.target)
        if target:
            texts.setdefault(target, []).append(item.text)
    answers = {}
    for question in edition.questions:
        text = "\n\n".join(texts.get(question.key, []))
        if len(text) > LONG_TEXT_MAX:
            label = ed.question_label(edition.section_for_question(question.key), question)
            raise DocumentError(
                f"The answer to {label} would be {len(text):,} characters long: the limit is {LONG_TEXT_MAX:,}. "
                "Discard some of the text you chose for it"
            )
        if text:
            answer = answer_parts(question, text)
            if answer:
                answers[question.key] = answer
    name = (hwb_name or draft.hwb_name or draft.preamble_hwb or "").strip()
    if not name:
        raise DocumentError("The Health and Wellbeing Board's name was not found in the document: give it")
    la = (local_authority or draft.local_authority or "").strip()
    if not la:
        raise DocumentError(
            f"The local authority was not found in the document's summary, and there is no Board called “{name}” "
            "yet: add the summary table to the document, or choose an existing Board"
        )
    return {
        "format": FORMAT,
        "edition": edition.code,
        "round": round or draft.round,
        "hwb": {"name": name[:200], "local_authority": la[:200], "ccgs": list(draft.ccgs), "planning_units": []},
        "summary": draft.summary
        or {
            "boundary_differences": "",
            "date_agreed_at_hwb": None,
            "date_agreed_note": "",
            "minimum_pooled_budget": dict.fromkeys(YEARS),
            "total_agreed_pooled_budget": dict.fromkeys(YEARS),
            "total_agreed_note": "",
        },
        "answers": answers,
        "related_documents": draft.related_documents,
        "risks": draft.risks,
    }


# --- edition check and entry point -----------------------------------------------------------------------------


def _distinctive(edition_code, keys):
    """Keys whose prompt the other edition does not share."""
    other = get_edition("2014-09" if edition_code == "2014-04" else "2014-04")
    mine = get_edition(edition_code)
    out = set()
    for key in keys:
        try:
            if words(other.question(key).prompt) == words(mine.question(key).prompt):
                continue
        except KeyError:
            pass
        out.add(key)
    return out


def parse_document(blocks, edition_code, *, round=None, filename=""):
    """Parse for the chosen edition, refusing a document that is plainly the other edition's."""
    edition = get_edition(edition_code)
    other_code = "2014-09" if edition.code == "2014-04" else "2014-04"
    try:
        draft = parse_blocks(blocks, edition.code, round=round, filename=filename)
    except DocumentError:
        draft = None
    try:
        other = parse_blocks(blocks, other_code)
    except DocumentError:
        other = None
    mine = len(_distinctive(edition.code, draft.matched)) if draft else 0
    theirs = len(_distinctive(other_code, other.matched)) if other else 0
    if theirs >= 4 and theirs > 2 * mine:
        other_name = get_edition(other_code).name
        raise DocumentError(
            f"This document looks like the {other_name} template ({theirs} of its own questions were found, and "
            f"{mine} of the {edition.name} template's): choose that template edition, or check the file"
        )
    if draft is None:
        return parse_blocks(blocks, edition.code, round=round, filename=filename)  # raises the message
    return draft
