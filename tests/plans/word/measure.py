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


def _markdown_into(document, text, cell=None):
    """An answer's Markdown written as an officer would type it in Word: paragraphs, bullet-styled
    list items, bold runs and real tables (a table inside a table cell is written as its rows)."""
    target = cell if cell is not None else document
    first_cell_paragraph = cell is not None
    lines = (text or "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.match(r"^\|\s*:?-{2,}", lines[i]):
                    rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            if cell is not None:
                for row in rows:
                    cell.add_paragraph(" ".join(row))
                continue
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for row_obj, values in zip(table.rows, rows, strict=True):
                for c, value in zip(row_obj.cells, values, strict=False):
                    c.text = value.replace("**", "")
            continue
        i += 1
        if not line.strip():
            continue
        bullet = re.match(r"^\s*[-*]\s+", line)
        content = line[bullet.end() :] if bullet else line
        if first_cell_paragraph:
            paragraph = cell.paragraphs[0]
            first_cell_paragraph = False
        else:
            paragraph = target.add_paragraph(style="List Bullet" if bullet and cell is None else None)
        if bullet and cell is not None:
            content = "• " + content
        for j, part in enumerate(re.split(r"\*\*", content)):
            if part:
                paragraph.add_run(part).bold = j % 2 == 1


def _uk_date(iso):
    return "" if not iso else "/".join(reversed(iso.split("-")))


def officer_docx(truth):
    """A Word draft of a demo plan as an officer might keep it: headings reworded and renumbered
    ("Section 2(b) – Aims & Objectives"), prompts in shaded boxes, in prompt | answer tables or as
    italic lines, answers with bullet styles and real tables, and the summary, documents and risk
    tables."""
    from docx import Document

    from plans.editions import RISKS, SUMMARY, get_edition

    edition = get_edition(truth["edition"])
    document = Document()
    document.add_heading(f"{truth['hwb']['name']} – Better Care Fund plan (working draft)", 0)
    document.add_paragraph("Draft for discussion at the Board development session.")
    part = None
    style = 0
    for section in edition.sections:
        if section.part != part:
            part = section.part
            document.add_heading(part.title(), 1)
        number = re.sub(r"^(\d+) ([a-z]+)\)$", r"\1(\2)", section.number)  # "2 b)" written "2(b)"
        title = section.title.replace(" and ", " & ").title()
        document.add_heading(f"Section {number} – {title}", 2)
        if section.kind == SUMMARY:
            summary = truth["summary"]
            rows = [
                ("Local Authority", truth["hwb"]["local_authority"]),
                ("Clinical Commissioning Groups", "\n".join(truth["hwb"]["ccgs"])),
                ("Boundary Differences", summary["boundary_differences"]),
                ("Date agreed at Health and Well-Being Board:", _uk_date(summary["date_agreed_at_hwb"])),
            ]
            for group, label in (
                ("minimum_pooled_budget", "Minimum required value of BCF pooled budget"),
                ("total_agreed_pooled_budget", "Total agreed value of pooled budget"),
            ):
                for year in ("2014/15", "2015/16"):
                    value = summary[group][year]
                    shown = f"£{float(value):,.0f}" if value else ""
                    rows.append((f"{label}: {year}" if year == "2014/15" else year, shown))
            table = document.add_table(rows=len(rows), cols=2)
            for row_obj, (label, value) in zip(table.rows, rows, strict=True):
                row_obj.cells[0].text, row_obj.cells[1].text = label, value
            continue
        if section.kind == RISKS:
            scored = truth["edition"] == "2014-09"
            header = (
                (
                    "There is a risk that:",
                    "Likelihood",
                    "Potential impact",
                    "Overall risk factor",
                    "Lead",
                    "Mitigating Actions",
                )
                if scored
                else ("Risk", "Risk rating", "Mitigating Actions")
            )
            table = document.add_table(rows=1, cols=len(header))
            for c, value in zip(table.rows[0].cells, header, strict=True):
                c.text = value
            for risk in truth["risks"]:
                if scored:
                    factor = (risk["likelihood"] or 0) * (risk["impact"] or 0)
                    values = (
                        risk["risk"],
                        str(risk["likelihood"] or ""),
                        str(risk["impact"] or ""),
                        str(factor),
                        "\n".join(risk["leads"]),
                        risk["mitigation"],
                    )
                else:
                    rating = risk["rating"] or f"{risk['impact_level']} impact {risk['likelihood_level']} likelihood"
                    values = (risk["risk"], rating, risk["mitigation"])
                for c, value in zip(table.add_row().cells, values, strict=True):
                    c.text = value
            continue
        for question in section.questions:
            if question.number or question.title:
                document.add_heading(f"{question.number} {question.title}".strip(), 3)
            answer = (truth["answers"].get(question.key) or {}).get("text", "")
            prompt = " ".join([question.prompt, *question.points])
            style = (style + 1) % 3
            if style == 0:  # the prompt in a shaded box, the answer below
                box = document.add_table(rows=1, cols=1)
                box.rows[0].cells[0].text = prompt
                _markdown_into(document, answer)
            elif style == 1:  # prompt | answer, side by side
                table = document.add_table(rows=1, cols=2)
                table.rows[0].cells[0].text = prompt
                _markdown_into(document, answer, cell=table.rows[0].cells[1])
            else:  # the prompt as an italic line
                document.add_paragraph().add_run(prompt).italic = True
                _markdown_into(document, answer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
