"""Part 1 as an editable Word document, laid out like the template and styled plainly (DOMAIN.md §8).

Built from the one view-model (`plan_view`), in template order: each part and section heading,
each prompt in a shaded box as the template has it, the answer with its lists and its Markdown
tables as real Word tables, the summary, sign-off, documents, schemes, milestones and risk tables,
Annex 1 and Annex 2. The importer reads this layout back, so a Board's edited copy can come in again.
"""

import io
import re
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify
from markdown_it import MarkdownIt

from bcf.core.money import format_money
from schemes.models import ANNEX1_FIELDS

from .. import editions as ed
from ..content.selectors import plan_view
from ..models import PlanStatus

TITLE = "Better Care Fund planning template – Part 1"
NOT_ANSWERED = "Not answered"
FONT = "Arial"
PROMPT_SHADING = "E7E7E7"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@lru_cache(maxsize=1)
def _markdown():
    # The answers' markup (bcf.core.markup): paragraphs, lists, bold, italic, links, pipe tables.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "linkify"])
    md.disable(["heading", "lheading", "code", "fence", "blockquote", "image", "html_block", "html_inline"])
    return md


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_date(value, "j F Y")


def _percent(value):
    return "" if value is None else f"{value.normalize():f}%"


class WordWriter:
    """A python-docx Document with the few plain styles the plan needs."""

    def __init__(self):
        from docx import Document
        from docx.shared import Cm, Pt, RGBColor

        self.Pt, self.RGBColor = Pt, RGBColor
        self.document = Document()
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
            style = styles[name]
            style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.italic = False
        styles["Title"].paragraph_format.space_after = Pt(12)

    # -- blocks --

    def heading(self, text, level):
        return self.document.add_heading(text, level=level)

    def paragraph(self, text="", *, bold=False, italic=False, style=None):
        paragraph = self.document.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
        return paragraph

    def table(self, rows, *, header=False, widths=None, label_column=False):
        """A grid table of plain cell texts (a cell's lines become its paragraphs)."""
        width = max((len(r) for r in rows), default=0)
        if not width:
            return None
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            for c, (cell, value) in enumerate(zip(row.cells, list(values) + [""] * (width - len(values)), strict=True)):
                lines = str(value if value is not None else "").split("\n") or [""]
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
                if (header and r == 0) or (label_column and c == 0):
                    for run in (run for p in cell.paragraphs for run in p.runs):
                        run.bold = True
                    if header and r == 0:
                        self._shade(cell, "D9D9D9")
        if widths:
            from docx.shared import Cm

            for row in table.rows:
                for cell, w in zip(row.cells, widths, strict=False):
                    cell.width = Cm(w)
        self.document.add_paragraph()
        return table

    def prompt(self, prompt, points=()):
        """The template's prompt in a shaded box (a one-cell table), its quoted points as bullets."""
        if not prompt and not points:
            return
        table = self.document.add_table(rows=1, cols=1)
        table.style = "Table Grid"
        cell = table.rows[0].cells[0]
        self._shade(cell, PROMPT_SHADING)
        cell.text = prompt or ""
        for point in points:
            cell.add_paragraph(f"• {point}")
        self.document.add_paragraph()

    def _shade(self, cell, colour):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), colour)
        cell._tc.get_or_add_tcPr().append(shading)

    def footer(self, text):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = self.document.sections[0].footer.paragraphs[0]
        paragraph.text = f"{text} · page "
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text_element = OxmlElement("w:t")
        text_element.text = "1"
        run.append(text_element)
        field.append(run)
        paragraph._p.append(field)
        for run in paragraph.runs:
            run.font.size = self.Pt(8)

    # -- Markdown answers --

    def markdown(self, text):
        """An answer's Markdown as Word paragraphs, list paragraphs and tables."""
        if not text or not text.strip():
            self.paragraph(NOT_ANSWERED, italic=True)
            return
        tokens = _markdown().parse(text)
        lists = []  # "bullet" | "ordered", one per open list
        table_rows = None
        cell_runs = None
        for token in tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append("bullet" if kind == "bullet_list_open" else "ordered")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "table_open":
                table_rows = []
            elif kind == "tr_open":
                table_rows.append([])
            elif kind in ("th_open", "td_open"):
                cell_runs = []
            elif kind in ("th_close", "td_close"):
                table_rows[-1].append("".join(t for t, _, _ in cell_runs))
                cell_runs = None
            elif kind == "table_close":
                self.table(table_rows, header=True)
                table_rows = None
            elif kind == "inline":
                runs = _inline_runs(token)
                if cell_runs is not None:
                    cell_runs.extend(runs)
                    continue
                if lists:
                    base = "List Bullet" if lists[-1] == "bullet" else "List Number"
                    depth = min(len(lists), 3)
                    style = base if depth == 1 else f"{base} {depth}"
                    paragraph = self.document.add_paragraph(style=style)
                else:
                    paragraph = self.document.add_paragraph()
                for run_text, bold, italic in runs:
                    if run_text == "\n":
                        paragraph.add_run().add_break()
                        continue
                    run = paragraph.add_run(run_text)
                    run.bold, run.italic = bold or None, italic or None


def _inline_runs(token):
    runs = []
    bold = italic = False
    href = None
    link_text = []
    for child in token.children or []:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            href, link_text = child.attrs.get("href", ""), []
        elif kind == "link_close":
            shown = "".join(link_text)
            if href and href.removeprefix("mailto:") != shown and shown not in (href, f"http://{href}"):
                runs.append((f" ({href})", bold, italic))
            href = None
        elif kind in ("text", "code_inline"):
            runs.append((child.content, bold, italic))
            if href is not None:
                link_text.append(child.content)
        elif kind == "softbreak":
            runs.append((" ", bold, italic))
        elif kind == "hardbreak":
            runs.append(("\n", bold, italic))
    return runs


def _plain(text):
    """A short Markdown text (a synopsis, a mitigation) as plain lines for a table cell."""
    if not text:
        return ""
    lines = []
    for raw in text.split("\n"):
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", raw.strip())
        line = re.sub(r"^[-*]\s+", "• ", line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _question_number(section, question):
    if not question.number:
        return ""
    base = section.number[:-1] if section.number.endswith(")") and section.number[:-1].isdigit() else section.number
    return f"{base} {question.number}"


def _part_value(answer, part):
    value = getattr(answer, part, None) if answer is not None else None
    if part == ed.YES:
        return {True: "Yes", False: "No"}.get(value, NOT_ANSWERED)
    if part == ed.DATE:
        return _date(value) or NOT_ANSWERED
    if part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT):
        return format_money(value) if value is not None else NOT_ANSWERED
    if part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
        return _percent(value) or NOT_ANSWERED
    if part == ed.COUNT:
        return NOT_ANSWERED if value is None else f"{value:,}"
    if part == ed.TOOL:
        return value or NOT_ANSWERED
    if part == ed.BREAKDOWN:
        return "; ".join(f"{line['label']}: {format_money(line['amount'])}" for line in value or []) or "None"
    raise ValueError(part)


# --- the sections ------------------------------------------------------------------------------------------


def _summary(w, view):
    plan, hwb = view.plan, view.plan.hwb
    agreed = _date(plan.date_agreed_at_hwb) or NOT_ANSWERED
    if plan.date_agreed_note:
        agreed = f"{agreed} ({plan.date_agreed_note})"
    rows = [
        ("Local Authority", hwb.local_authority.name),
        ("Clinical Commissioning Groups", "\n".join(c.name for c in view.ccgs) or "None"),
        ("Boundary Differences", _plain(plan.boundary_differences) or NOT_ANSWERED),
    ]
    if plan.edition == "2014-09":
        rows.append(("Health and Wellbeing Board", hwb.name))
    rows += [
        ("Date agreed at Health and Well-Being Board", agreed),
        ("Date submitted", _date(plan.date_submitted) or "Not yet submitted"),
        ("Minimum required value of BCF pooled budget: 2014/15", format_money(plan.minimum_2014_15) or NOT_ANSWERED),
        ("2015/16", format_money(plan.minimum_2015_16) or NOT_ANSWERED),
        ("Total agreed value of pooled budget: 2014/15", format_money(plan.total_agreed_2014_15) or NOT_ANSWERED),
        ("2015/16", format_money(plan.total_agreed_2015_16) or NOT_ANSWERED),
    ]
    if plan.total_agreed_note:
        rows.append(("Note on the total agreed value", _plain(plan.total_agreed_note)))
    w.table(rows, label_column=True, widths=(6, 11))


def _signoff(w, view):
    valid = {}
    for block in view.signatures:
        valid[block.key] = block
    plan = view.plan
    blocks = [("Clinical Commissioning Group", c.name, f"ccg:{c.pk}", "By", True) for c in view.ccgs]
    blocks.append(("Council", plan.hwb.local_authority.name, "council", "By", True))
    blocks.append(("Health and Wellbeing Board", plan.hwb.name, "hwb", "By Chair of Health and Wellbeing Board", False))
    for organisation, name, key, by_label, asks_position in blocks:
        block = valid.get(key)
        signed = block is not None and block.signed and block.valid
        rows = [(f"Signed on behalf of the {organisation}", name)]
        rows.append((by_label, block.by if signed else "Not signed"))
        if asks_position:
            rows.append(("Position", block.position if signed else ""))
        rows.append(("Date", _date(block.signed_at) if signed else ""))
        w.table(rows, label_column=True, widths=(6, 11))


def _documents(w, view):
    if not view.documents:
        w.paragraph("No related documents.", italic=True)
        return
    rows = [("Ref", "Document or information title", "Synopsis and links")]
    rows += [(d.ref, d.title, _plain(d.synopsis)) for d in view.documents]
    w.table(rows, header=True, widths=(1.5, 5.5, 10))


def _schemes(w, view):
    if not view.schemes:
        w.paragraph("No schemes listed.", italic=True)
        return
    rows = [("Theme", "Reference", "Scheme name", "Planning unit")]
    rows += [(s.theme, s.ref, s.name, s.planning_unit.name if s.planning_unit else "") for s in view.schemes]
    w.table(rows, header=True)


def _milestones(w, view):
    if not view.milestones:
        w.paragraph("No milestones listed.", italic=True)
        return
    rows = [("No.", "Theme", "Scheme", "Task", "Depends on", "When")]
    for m in view.milestones:
        when = m.period or " – ".join(x.strftime("%b %Y") for x in (m.start, m.end) if x)
        rows.append((m.number, m.theme, m.scheme_ref, m.task, ", ".join(str(n) for n in m.depends_on), when))
    w.table(rows, header=True)


def _risks(w, view):
    if not view.risks:
        w.paragraph("No risks listed.", italic=True)
        return
    scored = view.plan.edition == "2014-09"
    if scored:
        rows = [
            (
                "There is a risk that:",
                "Likelihood",
                "Potential impact",
                "Overall risk factor",
                "Lead",
                "Mitigating Actions",
            )
        ]
    else:
        rows = [("Risk", "Risk rating", "Mitigating Actions")]
    group = None
    for risk in view.risks:
        if risk.group and risk.group != group:
            rows.append((risk.group,))
        group = risk.group
        if scored:
            impact = "" if risk.impact is None else str(risk.impact)
            if risk.financial_impact_000s is not None:
                impact += f"\n£{risk.financial_impact_000s:,}k"
                if risk.impact_falls_on:
                    impact += f" ({risk.impact_falls_on})"
            factor = risk.risk_factor
            rows.append(
                (
                    _plain(risk.risk),
                    "" if risk.likelihood is None else str(risk.likelihood),
                    impact,
                    "" if factor is None else str(factor),
                    "\n".join(risk.leads),
                    _plain(risk.mitigation),
                )
            )
        else:
            if risk.rating:
                rating = risk.rating
            elif risk.impact_level or risk.likelihood_level:
                rating = f"{risk.impact_level or '–'} impact {risk.likelihood_level or '–'} likelihood"
            else:
                rating = ""
            rows.append((_plain(risk.risk), rating, _plain(risk.mitigation)))
    w.table(rows, header=True)


def _providers(w, view):
    if not view.provider_commentaries:
        w.paragraph("No provider commentary.", italic=True)
    for c in view.provider_commentaries:
        w.heading(str(c.provider), 3)

        def number(value):
            return "" if value is None else f"{value:,}"

        w.table(
            [
                ("Name of Health & Wellbeing Board", view.plan.hwb.name),
                ("Name of Provider organisation", str(c.provider)),
                ("Name of Provider CEO", c.ceo),
                ("Signature (electronic or typed)", c.signature),
                ("Non-elective FFCEs 2013/14 outturn", number(c.nel_2013_14_outturn)),
                ("2014/15 plan", number(c.nel_2014_15_plan)),
                ("2015/16 plan", number(c.nel_2015_16_plan)),
                ("Admissions the BCF is planned to prevent in 14-15", number(c.prevented_2014_15)),
                ("in 15-16", number(c.prevented_2015_16)),
                ("Do you agree with the data above?", {True: "Yes", False: "No"}.get(c.agrees, NOT_ANSWERED)),
                ("If no, why not", _plain(c.disagreement)),
            ],
            label_column=True,
            widths=(7, 10),
        )


def _question(w, section, question, answer):
    heading = f"{_question_number(section, question)} {question.title}".strip()
    prompt = question.prompt
    if prompt.strip() in (heading, f"{question.number} {question.title}"):
        prompt = ""
    if section.prompt and prompt == section.prompt:
        prompt = ""
    if heading:
        w.heading(heading, 3)
    w.prompt(prompt, question.points)
    for part in question.parts:
        if part == ed.TEXT:
            continue
        value = _part_value(answer, part)
        if part == ed.YES and len(question.parts) <= 2:
            w.paragraph(value, bold=True)
        else:
            paragraph = w.paragraph(f"{question.label_for(part)}: ", bold=True)
            paragraph.add_run(value)
    if ed.TEXT in question.parts:
        w.markdown(answer.text if answer else "")


def _annex1(w, view):
    schemes = view.schemes if view.plan.edition == "2014-09" else [s for s in view.schemes if s.annex1_started]
    if not schemes:
        return
    w.heading("ANNEX 1 – Detailed Scheme Description", 1)
    for scheme in schemes:
        w.heading(f"{scheme.ref} {scheme.name}", 2)
        for name, label, hint in ANNEX1_FIELDS:
            w.heading(label, 3)
            if hint:
                w.prompt(hint)
            w.markdown(getattr(scheme, name))


def build_docx(view):
    """The Word document of a plan's view-model, as bytes."""
    plan, edition = view.plan, view.edition
    w = WordWriter()
    properties = w.document.core_properties
    properties.title = f"{TITLE}: {plan.hwb.name}"
    properties.author = plan.hwb.name
    properties.subject = "Better Care Fund"
    w.heading(TITLE, 0)
    w.paragraph(plan.hwb.name, bold=True)
    rounds = {code: label for code, label, _ in edition.rounds}
    status = plan.get_status_display()
    w.table(
        [
            ("Health and Wellbeing Board", plan.hwb.name),
            ("Template edition", edition.name),
            ("Submission round", rounds.get(plan.round, plan.get_round_display())),
            ("Version", str(plan.version)),
            ("Status", status),
        ],
        label_column=True,
        widths=(6, 11),
    )
    if plan.status == PlanStatus.DRAFT:
        w.paragraph("This is a draft: it has not been signed off.", italic=True)
    w.footer(f"{plan.hwb.name} · version {plan.version} · {status} · content {view.content_hash[:12]}")
    part = None
    annex1_done = False
    for section in edition.sections:
        if section.kind == ed.PROVIDERS and not annex1_done:
            _annex1(w, view)
            annex1_done = True
        if section.part != part:
            part = section.part
            w.heading(part, 1)
        if section.kind != ed.PROVIDERS:
            w.heading(section.heading, 2)
        if section.prompt:
            w.prompt(section.prompt)
        if section.kind == ed.SUMMARY:
            _summary(w, view)
        elif section.kind == ed.SIGNOFF:
            _signoff(w, view)
        elif section.kind == ed.DOCUMENTS:
            _documents(w, view)
        elif section.kind == ed.SCHEMES:
            _schemes(w, view)
        elif section.kind == ed.MILESTONES:
            _milestones(w, view)
        elif section.kind == ed.RISKS:
            _risks(w, view)
        elif section.kind == ed.PROVIDERS:
            _providers(w, view)
        else:
            for question in section.questions:
                _question(w, section, question, view.answers.get(question.key))
            if "schemes" in section.tables:
                w.heading("Schemes", 3)
                _schemes(w, view)
    if not annex1_done:
        _annex1(w, view)
    out = io.BytesIO()
    w.document.save(out)
    return out.getvalue()


def plan_docx_bytes(plan):
    """`export_plan --format docx`: the plan's Part 1 as a .docx."""
    return build_docx(plan_view(plan))


def docx_filename(plan):
    return f"{slugify(plan.hwb.name)}-part-1-v{plan.version}.docx"
