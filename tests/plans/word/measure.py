"""How well a Word draft is placed: the demo fixtures (each a plan transcribed by hand) are the truth.

Used by the tests (which assert the figures reached) and by `make bench` (which prints them).
`placement` is the share of the fixture's answer sentences found in the imported plan's answer to
the same question; `summary_fields` says which of the summary's fields came in equal to the fixture's.
"""

import io
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from django.conf import settings

from bcf.core.markup import plain_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "demo"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
PLANS = {
    "cheshire-east": ("cheshire-east-2014-04.txt", "2014-04"),
    "nottinghamshire": ("nottinghamshire-2014-04.txt", "2014-04"),
    "rutland": ("rutland-2014-09.txt", "2014-09"),
}
MONEY_FIELDS = [
    (group, year)
    for group in ("minimum_pooled_budget", "total_agreed_pooled_budget")
    for year in ("2014/15", "2015/16")
]


def seeds_dir():
    import os

    return Path(os.environ.get("BCF_SEEDS_DIR", SEEDS))


def fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _tokens(text):
    text = plain_text(text) if text else ""
    text = text.lower().replace("’", "'").replace("well-being", "wellbeing")
    return re.findall(r"[a-z0-9£%]+", text)


def sentences(text):
    """The answer's sentences (three words or more), by its plain words."""
    plain = plain_text(text.replace("\n", "\n\n")) if text else ""
    parts = re.split(r"(?<=[.!?:])\s+", plain)
    return [p for p in parts if len(_tokens(p)) >= 3]


def sentence_found(sentence, haystack_tokens, haystack_text):
    want = _tokens(sentence)
    if " ".join(want) in haystack_text:
        return True
    blocks = SequenceMatcher(None, want, haystack_tokens, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 3) >= 0.9 * len(want)


def placement(truth, imported):
    """(sentences placed in the right question, sentences in the fixture's answers), and per question."""
    placed = total = 0
    per_question = {}
    for key, parts in truth["answers"].items():
        text = parts.get("text") or ""
        wanted = sentences(text)
        if not wanted:
            continue
        got_text = (imported.get("answers", {}).get(key) or {}).get("text") or ""
        tokens = _tokens(got_text)
        joined = " ".join(tokens)
        hits = sum(1 for s in wanted if sentence_found(s, tokens, joined))
        per_question[key] = (hits, len(wanted))
        placed += hits
        total += len(wanted)
    return placed, total, per_question


def _same_words(a, b):
    return " ".join(_tokens(a or "")) == " ".join(_tokens(b or ""))


def _ccg_identity(name):
    name = re.sub(r"\(.*?\)", "", name.lower())
    name = name.replace("clinical commissioning group", "ccg")
    return " ".join(w for w in re.findall(r"[a-z]+", name) if w not in ("nhs", "ccg"))


def summary_fields(truth, imported):
    """{field: right?} for the summary: LA, CCGs, boundary differences, date agreed, four budgets."""
    t_sum, i_sum = truth["summary"], imported.get("summary", {})
    out = {
        "local_authority": truth["hwb"]["local_authority"] == imported["hwb"]["local_authority"],
        "ccgs": [_ccg_identity(c) for c in truth["hwb"]["ccgs"]] == [_ccg_identity(c) for c in imported["hwb"]["ccgs"]],
        "ccg_names_exact": truth["hwb"]["ccgs"] == imported["hwb"]["ccgs"],
        "boundary_differences": _same_words(t_sum.get("boundary_differences"), i_sum.get("boundary_differences")),
        "date_agreed_at_hwb": t_sum.get("date_agreed_at_hwb") == i_sum.get("date_agreed_at_hwb"),
    }
    for group, year in MONEY_FIELDS:
        out[f"{group} {year}"] = t_sum[group][year] == (i_sum.get(group) or {}).get(year)
    return out


# --- building the documents ------------------------------------------------------------------------------


def text_lines_docx(text):
    """A .docx with a paragraph per line and each run of tab-separated lines as a table."""
    from docx import Document

    document = Document()
    rows = []

    def flush():
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=False):
                cell.text = value
        rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            document.add_paragraph(line.strip())
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_docx(name):
    filename, _ = PLANS[name]
    return text_lines_docx((seeds_dir() / filename).read_text(encoding="utf-8"))
