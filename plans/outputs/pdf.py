"""The Part 1 PDF (DOMAIN.md §8): the plan's view-model rendered to HTML and laid out by WeasyPrint.

Every URL in the document points at a host that cannot resolve (`.invalid`, RFC 2606) and is
answered by `PdfUrlFetcher`, which serves the app's static files and the plan's own images and
refuses everything else. Rendered PDFs are cached on disk under a key made of the plan's content
hash and the few things the PDF shows that are not content (status, version, signatures).
WeasyPrint is imported lazily: it is slow to import and only this module needs it.

Long because it prepares every section of the Part 1 document for the template in template order;
the HTML and CSS are in templates/pdf.
"""

import atexit
import datetime
import functools
import hashlib
import io
import json
import logging
import mimetypes
import os
import re
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from bcf.core.markup import render_markup
from bcf.core.money import format_money
from metrics.definitions import Commissioner
from plans import editions as ed
from plans.content.document import content_hash
from plans.content.selectors import plan_view
from plans.editions.tables import ANNEX2, ANNEX2_HWB_HEADING, ANNEX2_NEL_HEADING, ANNEX2_PROVIDER_ANSWERS_HEADING
from plans.models import PlanStatus
from schemes.gantt import gantt
from schemes.models import ANNEX1_FIELDS

logger = logging.getLogger("bcf.pdf")
# WeasyPrint logs every page of every render at INFO; keep that out of the service's log unless the
# logging settings ask for it.
if logging.getLogger("weasyprint.progress").level == logging.NOTSET:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

HOST = "pdf.bcf.invalid"
ORIGIN = f"https://{HOST}"
STATIC_PATH = "/static/"
FILES_PATH = "/plan-files/"
TEMPLATE = "pdf/part1.html"
STYLESHEET = "pdf/part1.css"  # given to WeasyPrint by `layout`, not linked from the document
# The files whose content decides how a PDF looks: a change to any of them invalidates the cache.
RENDERER_FILES = ("templates/pdf", "static/pdf", "plans/outputs/pdf.py")
GANTT_ROWS_PER_CHART = 30
IMAGE_TYPES = {"image/png", "image/jpeg"}
TITLE = "Better Care Fund planning template – Part 1"
# A table row is kept on one page unless a cell holds more text than fits in about 45 lines of its
# column: such a row may be taller than a page, and WeasyPrint leaves out the table's header row on
# every page of a row that it was told to keep whole but cannot. The app's own tables give text at
# least 42 mm; an answer's own table shares the 174 mm of the page between its columns.
LONG_ROW_CHARS = 900
PAGE_ROW_CHARS = 2600
# A word this long (a URL, say) might not fit a line of a column, so it is given a break opportunity
# (a zero-width space) every WORD_PIECE_CHARS characters before layout. WeasyPrint lays out one
# unbroken "word" of tens of thousands of characters in minutes (each line tries the whole rest of
# the word); cut into pieces it takes as long as ordinary text.
LONG_WORD_CHARS = 40
WORD_PIECE_CHARS = 20
ZERO_WIDTH_SPACE = "\u200b"
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")
_TEXT = re.compile(r"(?<=>)[^<]+|^[^<]+")
# A run of characters with no break opportunity; an HTML entity (&amp;) counts as one character.
_LONG_WORD = re.compile(rf"(?:&#?\w+;|[^\s<>&\u200b]){{{LONG_WORD_CHARS},}}")
_CHARACTER = re.compile(r"&#?\w+;|.", re.S)


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch; WeasyPrint logs it and leaves the resource out."""


# --- the URL fetcher --------------------------------------------------------------------------------


def static_url(path):
    return f"{ORIGIN}{STATIC_PATH}{path}"


def file_url(document):
    return f"{ORIGIN}{FILES_PATH}{document.pk}"


@functools.cache
def _static_bytes(path, mtime_ns):
    return Path(path).read_bytes()


def _read_static(relative):
    found = finders.find(relative)
    if not found:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    if not found:
        return None
    return _static_bytes(found, os.stat(found).st_mtime_ns)


def _safe_relative_path(path):
    """The path below a prefix, or None when it could climb out of it."""
    segments = path.split("/")
    if not path or any(s in ("", ".", "..") or "\\" in s or "\x00" in s for s in segments):
        return None
    return path


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PdfUrlFetcher(URLFetcher):
        """Serves `ORIGIN/static/…` from the app's static files and `ORIGIN/plan-files/<id>` from the
        plan's own uploaded images; refuses (and logs) every other URL: other hosts, file:, data:."""

        def __init__(self, files=None, extra=None):
            super().__init__(fail_on_errors=False, allowed_protocols=("https",))
            # {id: (bytes, content type)}: read before the render, which may run in a child process.
            self.files = {str(pk): image for pk, image in (files or {}).items()}
            self.extra = dict(extra or {})  # {path: (bytes, content type)}: the charts drawn for this render
            self.fetched = []
            self.refused = []

        def fetch(self, url, headers=None):
            try:
                body, content_type = self._resolve(url)
            except RefusedURL as refusal:
                self.refused.append(url)
                logger.warning("PDF renderer refused to fetch %.200s: %s", url, refusal)
                raise
            self.fetched.append(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

        def _resolve(self, url):
            try:
                parts = urlsplit(url)
            except ValueError:
                raise RefusedURL("not a URL") from None
            if parts.scheme != "https" or parts.netloc != HOST or parts.query:
                raise RefusedURL("only the application's own files are fetched")
            path = unquote(parts.path)
            if path.startswith(STATIC_PATH):
                relative = _safe_relative_path(path.removeprefix(STATIC_PATH))
                body = _read_static(relative) if relative else None
                if body is None:
                    raise RefusedURL("no such static file")
                content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
                return body, content_type
            if path.startswith(FILES_PATH):
                image = self.files.get(path.removeprefix(FILES_PATH))
                if image is None:
                    raise RefusedURL("not an image of this plan")
                return image
            if path in self.extra:
                return self.extra[path]
            raise RefusedURL("not a static file or an image of this plan")

    return PdfUrlFetcher


def pdf_url_fetcher(files=None, extra=None):
    """A fetcher for one render; `files` maps document id → (bytes, content type) of the plan's
    images (or RelatedDocument rows, read here), `extra` maps a path → (bytes, content type)."""
    images = {}
    for pk, image in (files or {}).items():
        images[pk] = image if isinstance(image, tuple) else read_image(image)
    return _fetcher_class()({pk: image for pk, image in images.items() if image is not None}, extra)


def plan_images(view):
    """The plan's images the PDF may show: never a file whose bytes are not the ones uploaded."""
    return {
        doc.pk: doc
        for documents in view.images.values()
        for doc in documents
        if doc.file and doc.content_type in IMAGE_TYPES and doc.file_is_intact()
    }


def read_image(document):
    """The image's bytes and type through the storage API, or None (and a warning) when it holds
    more pixels than uploads allow: an image stored before the limit is left out of the PDF rather
    than taking the renderer's memory."""
    from bcf.core.uploads import image_pixels

    with document.file.open("rb") as handle:
        data = handle.read()
    pixels = image_pixels(data)
    if pixels is None or pixels > settings.UPLOAD_MAX_IMAGE_PIXELS:
        logger.warning("Left image %s out of the PDF: %s pixels", document.pk, pixels)
        return None
    return data, document.content_type


# --- the document ---------------------------------------------------------------------------------

NOT_ANSWERED = mark_safe('<span class="not-answered">Not answered</span>')  # noqa: S308


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_date(value, "j F Y")


def _deadline(iso):
    if not iso:
        return ""
    moment = datetime.datetime.fromisoformat(iso)
    if moment.time() == datetime.time(12):
        return f"12 noon, {_date(moment)}"
    return _date(moment)


def _percent(value):
    return "" if value is None else f"{value.normalize():f}%"


def is_long(text):
    return len(text or "") > LONG_ROW_CHARS


def _mark_long_rows(html):
    """Let the long rows of an answer's own table break across pages (see LONG_ROW_CHARS)."""
    if "<tr>" not in html:
        return html

    def mark(match):
        cells = re.split(r"</t[dh]>", match.group(1))[:-1]
        limit = PAGE_ROW_CHARS // max(len(cells), 1)
        if any(len(_TAG.sub("", cell)) > limit for cell in cells):
            return f'<tr class="long">{match.group(1)}</tr>'
        return match.group(0)

    return mark_safe(_ROW.sub(mark, html))  # noqa: S308 - only adds a class to the renderer's own markup


def _cut(word):
    characters = _CHARACTER.findall(word.group(0))
    pieces = ("".join(characters[i : i + WORD_PIECE_CHARS]) for i in range(0, len(characters), WORD_PIECE_CHARS))
    return ZERO_WIDTH_SPACE.join(pieces)


def breakable(html):
    """Safe HTML with a break opportunity every WORD_PIECE_CHARS characters of every word longer than
    LONG_WORD_CHARS, in text only (never inside a tag or an entity)."""
    if not _LONG_WORD.search(html):
        return html
    return mark_safe(_TEXT.sub(lambda text: _LONG_WORD.sub(_cut, text.group(0)), str(html)))  # noqa: S308


def markup(text):
    """A long answer as safe HTML for the PDF: the pages' renderer, long-row marks on its tables, and
    long words made breakable."""
    return breakable(_mark_long_rows(render_markup(text)))


def answer_markup(text):
    """`markup` for an answer laid out across the page, outside any table."""
    return markup(text)


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
        if not value:
            return "None"
        lines = format_html_join(
            "", "<li>{}: {}</li>", ((line["label"], format_money(line["amount"])) for line in value)
        )
        return format_html('<ul class="plain">{}</ul>', lines)
    raise ValueError(part)


@dataclass
class QuestionBlock:
    question: object
    heading: str
    prompt: str
    points: tuple
    rows: list  # (label, value) for the parts other than the text
    text_label: str
    text: object  # safe HTML ("" when unanswered), or None when the question has no text part
    images: list  # (url, title)


def _question_number(section, question):
    """ "2 c)", "7 a) i)": the question's number under its section's, as the template numbers them."""
    if not question.number:
        return ""
    base = section.number[:-1] if section.number.endswith(")") and section.number[:-1].isdigit() else section.number
    return f"{base} {question.number}"


def _question_block(section, question, answer, images):
    heading = f"{_question_number(section, question)} {question.title}".strip()
    prompt = question.prompt
    if prompt.strip() in (heading, f"{question.number} {question.title}"):
        prompt = ""  # 5 b) ii): the prompt is the heading
    if section.prompt and prompt == section.prompt:
        prompt = ""  # shown once above the section's questions (8 b) i)–iii))
    rows = [(question.label_for(part), _part_value(answer, part)) for part in question.parts if part != ed.TEXT]
    has_text = ed.TEXT in question.parts
    return QuestionBlock(
        question=question,
        heading=heading,
        prompt=prompt,
        points=question.points,
        rows=rows,
        text_label=question.label_for(ed.TEXT) if has_text and rows else "",
        text=answer_markup(answer.text if answer else "") if has_text else None,
        images=[(file_url(doc), doc.title) for doc in images],
    )


@dataclass
class SignOffBlock:
    heading: str
    organisation_label: str
    organisation: str
    by_label: str
    asks_position: bool
    signed: bool = False
    by: str = ""
    position: str = ""
    date: str = ""
    note: str = ""


def _signed(signature):
    return signature is not None and signature.signed_at is not None


def _signoff_blocks(view):
    """One block per CCG, the council and the HWB, filled from `view.signatures` when there are any.

    `view.signatures` (the workflow's sign-off blocks) may list unsigned blocks too; without it every
    block is shown unsigned."""
    signatures = list(getattr(view, "signatures", None) or [])
    plan = view.plan

    def signature_for(kind, key=None, name=None):
        for signature in signatures:
            if signature.kind != kind or not _signed(signature):
                continue
            if key is None or getattr(signature, "key", None) == key or str(signature.on_behalf_of) == name:
                return signature
        return None

    blocks = [
        (
            SignOffBlock(
                "Signed on behalf of the Clinical Commissioning Group",
                "Clinical Commissioning Group",
                ccg.name,
                "By",
                True,
            ),
            signature_for("ccg", f"ccg:{ccg.pk}", ccg.name),
        )
        for ccg in view.ccgs
    ]
    blocks.append(
        (
            SignOffBlock("Signed on behalf of the Council", "Council", plan.hwb.local_authority.name, "By", True),
            signature_for("council"),
        )
    )
    blocks.append(
        (
            SignOffBlock(
                "Signed on behalf of the Health and Wellbeing Board",
                "Health and Wellbeing Board",
                plan.hwb.name,
                "By Chair of Health and Wellbeing Board",
                False,
            ),
            signature_for("hwb"),
        )
    )
    out = []
    for block, signature in blocks:
        if signature is not None and signature.valid:
            block.signed = True
            block.by, block.position, block.date = signature.by, signature.position, _date(signature.signed_at)
        elif signature is not None:
            block.note = (
                f"Signed by {signature.by} on {_date(signature.signed_at)}, but the plan has changed since: "
                "the signature no longer holds."
            )
        out.append(block)
    return out


def _risk_rows(view):
    rows, group = [], None
    for risk in view.risks:
        if risk.group != group:
            group = risk.group
            if group:
                rows.append({"group": group})
        if risk.rating:
            rating = risk.rating
        elif risk.impact_level or risk.likelihood_level:
            rating = f"{risk.impact_level or '–'} impact {risk.likelihood_level or '–'} likelihood"
        else:
            rating = "–"
        rows.append(
            {
                "risk": risk,
                "text": markup(risk.risk),
                "mitigation": markup(risk.mitigation) or NOT_ANSWERED,
                "rating": rating,
                "long": is_long(risk.risk) or is_long(risk.mitigation),
            }
        )
    return rows


def gantt_charts(milestones, rows_per_chart=GANTT_ROWS_PER_CHART):
    """The milestone chart of the pages, cut into charts short enough for a page, on one time axis."""
    chart = gantt(milestones)
    if chart is None:
        return []
    rows, top = chart["rows"], chart["top"]
    row_height = (chart["height"] - top - 10) / len(rows)
    count = -(-len(rows) // rows_per_chart)
    size = -(-len(rows) // count)
    charts = []
    for start in range(0, len(rows), size):
        chunk = [{**row, "y": round(top + i * row_height)} for i, row in enumerate(rows[start : start + size])]
        charts.append({**chart, "rows": chunk, "height": round(top + len(chunk) * row_height + 10)})
    return charts


def _provider_blocks(view):
    def change(ch):
        if ch is None:
            return "–"
        text = f"{ch['difference']:+,}"
        return f"{text} ({ch['percent']:+}%)" if ch["percent"] is not None else text

    def number(value):
        return "–" if value is None else f"{value:,}"

    blocks = []
    for c in view.provider_commentaries:
        blocks.append(
            {
                "c": c,
                "anchor": f"annex2-{c.pk}",
                "provider_rows": [
                    (ANNEX2["hwb"], view.plan.hwb.name),
                    (ANNEX2["provider"], c.provider),
                    (ANNEX2["ceo"], c.ceo or NOT_ANSWERED),
                    (ANNEX2["signature"], c.signature or NOT_ANSWERED),
                ],
                "hwb_heading": ANNEX2_HWB_HEADING,
                "nel_heading": ANNEX2_NEL_HEADING,
                "answers_heading": ANNEX2_PROVIDER_ANSWERS_HEADING,
                "agrees_label": ANNEX2["agrees"],
                "disagreement_label": ANNEX2["disagreement"],
                "figures": [
                    (ANNEX2["nel_2013_14_outturn"], number(c.nel_2013_14_outturn)),
                    (ANNEX2["nel_2014_15_plan"], number(c.nel_2014_15_plan)),
                    (ANNEX2["nel_2015_16_plan"], number(c.nel_2015_16_plan)),
                    (ANNEX2["change_14_15"], change(c.change_14_15)),
                    (ANNEX2["change_15_16"], change(c.change_15_16)),
                    (ANNEX2["prevented_2014_15"], number(c.prevented_2014_15)),
                    (ANNEX2["prevented_2015_16"], number(c.prevented_2015_16)),
                ],
                "agrees": {True: "Yes", False: "No"}.get(c.agrees, NOT_ANSWERED),
                "disagreement": markup(c.disagreement) or ("–" if c.agrees else NOT_ANSWERED),
                "disagreement_long": is_long(c.disagreement),
            }
        )
    return blocks


def _investment_lines(view):
    """{scheme id: lines} of Part 2's expenditure plan (tab 3): each scheme's investment requirements."""
    lines = {}
    for row in view.part2.expenditure if view.part2 is not None else []:
        if row.scheme_id is None:
            continue
        if row.commissioner == Commissioner.JOINT:
            commissioned = "commissioned jointly"
            if row.nhs_share_percent is not None:
                commissioned += f" (NHS share {_percent(row.nhs_share_percent)})"
        else:
            commissioned = f"commissioned by {row.get_commissioner_display()}"
        lines.setdefault(row.scheme_id, []).append(
            f"{row.get_area_of_spend_display()}, {commissioned}, provided by "
            f"{row.get_provider_display()}, funded from {row.get_source_of_funding_display()} "
            f"({row.get_new_or_existing_display().lower()}): 2014/15 {format_money(row.amount_2014_15)}, "
            f"2015/16 {format_money(row.amount_2015_16)}"
        )
    return lines


def _annex1(view):
    if view.plan.edition == "2014-09":
        schemes = view.schemes
    else:
        schemes = [s for s in view.schemes if s.annex1_started]
    investment = _investment_lines(view)
    return [
        {
            "scheme": scheme,
            "anchor": f"annex1-{scheme.pk}",
            "investment": investment.get(scheme.pk, []),
            "fields": [(label, hint, answer_markup(getattr(scheme, name))) for name, label, hint in ANNEX1_FIELDS],
        }
        for scheme in schemes
    ]


CHARTS_PATH = "/charts/"


def chart_images(view):
    """The Part 2 charts as raster images (JPEG) for this render: [{title, alt, url}] for the template and
    {path: (bytes, type)} for the fetcher."""
    if view.part2 is None:
        return [], {}
    charts, extra = [], {}
    for index, chart in enumerate(view.part2.pdf_charts, start=1):
        path = f"{CHARTS_PATH}{index}.jpg"
        charts.append({"title": chart.title, "alt": chart.alt, "url": f"{ORIGIN}{path}"})
        extra[path] = (chart.png, "image/jpeg")
    return charts, extra


def document_context(view, digest, charts=None):
    """Everything the template shows, worked out here so the template only lays it out."""
    plan, edition = view.plan, view.edition
    parts, toc = [], []
    annex1 = _annex1(view)
    pending_annex1 = bool(annex1)

    def add_part(title):
        part = {"title": title, "anchor": f"part-{len(parts) + 1}", "sections": []}
        parts.append(part)
        toc.append({"title": title, "anchor": part["anchor"], "entries": []})
        return part

    def add_annex1():
        # One contents line: the schemes table of 4 d) / 2 c) gives each scheme's Annex 1 page.
        add_part("ANNEX 1 – Detailed Scheme Description")["annex1"] = annex1

    for section in edition.sections:
        if section.kind == ed.PROVIDERS and pending_annex1:
            add_annex1()
            pending_annex1 = False
        if not parts or parts[-1]["title"] != section.part:
            add_part(section.part)
        entry = {"section": section, "anchor": f"s-{section.slug}", "kind": section.kind}
        if section.kind == ed.QUESTIONS:
            entry["questions"] = [
                _question_block(section, q, view.answers.get(q.key), view.images.get(q.key, []))
                for q in section.questions
            ]
            entry["schemes_table"] = "schemes" in section.tables
        if section.kind == ed.PROVIDERS:
            entry["providers"] = _provider_blocks(view)
            toc[-1]["entries"].extend(
                {"label": str(block["c"].provider), "anchor": block["anchor"]} for block in entry["providers"]
            )
        else:
            toc[-1]["entries"].append({"label": section.heading, "anchor": entry["anchor"]})
        parts[-1]["sections"].append(entry)
    if pending_annex1:
        add_annex1()
    if view.part2 is not None:
        add_part("APPENDIX – Part 2 headline figures")
        parts[-1]["part2"] = view.part2

    rounds = {code: (label, deadline) for code, label, deadline in edition.rounds}
    round_label, deadline = rounds.get(plan.round, (plan.get_round_display(), ""))
    return {
        "title": TITLE,
        # The cover breaks the title before "template – Part 1", never between "Part" and "1".
        "cover_title": (" ".join(TITLE.split()[:-4]), " ".join(TITLE.split()[-4:])),
        "plan": plan,
        "view": view,
        "edition": edition,
        "hwb": plan.hwb,
        "ccgs": view.ccgs,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "status": plan.status_label,
        "round_label": round_label,
        "deadline": _deadline(deadline),
        "short_hash": digest[:12],
        "date_submitted": _date(plan.date_submitted),
        "parts": parts,
        "toc": toc,
        "signoff": _signoff_blocks(view),
        "risk_rows": _risk_rows(view),
        "documents_have_files": any(doc.file for doc in view.documents),
        "gantt_charts": gantt_charts(view.milestones),
        "annex1_anchors": {a["scheme"].pk: a["anchor"] for a in annex1},
        "not_answered": NOT_ANSWERED,
        "long_row_chars": LONG_ROW_CHARS,
        "charts": charts or [],
    }


def view_digest(view):
    """The plan's content hash, computed once per view (the view-model may already hold it)."""
    digest = getattr(view, "content_hash", None)
    return digest if isinstance(digest, str) else content_hash(view)


def render_document(view, digest=None):
    """The document's HTML and the images drawn for it (the charts), {path: (bytes, type)}."""
    charts, extra = chart_images(view)
    return render_to_string(TEMPLATE, document_context(view, digest or view_digest(view), charts)), extra


def render_html(view, digest=None):
    return render_document(view, digest)[0]


@functools.lru_cache(maxsize=1)
def _stylesheet_for(relative, stamp):
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    # Let go of it before the interpreter tears modules down: its finaliser removes its font folder.
    atexit.register(_stylesheet_for.cache_clear)
    return CSS(url=static_url(relative), url_fetcher=pdf_url_fetcher(), font_config=fonts), fonts


def stylesheet():
    """The Part 1 stylesheet, parsed and its four @font-face fonts loaded once per process (again when
    the file changes), with the font configuration that holds them: a worker parses it when it starts
    and every render forked from it reuses it, where a <link> in the document was parsed, and its
    fonts loaded, by every render."""
    found = finders.find(STYLESHEET)
    return _stylesheet_for(STYLESHEET, os.stat(found).st_mtime_ns if found else None)


def layout(html, images=None, extra=None):
    """WeasyPrint laying out the document with the Part 1 stylesheet: plain data in, the PDF's bytes
    out (no database), so it can run in a bounded child process."""
    from weasyprint import HTML

    css, fonts = stylesheet()
    fetcher = pdf_url_fetcher(images, extra)
    return HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts)


# A few pages using every kind of thing the document has (the draft mark, running headers, the
# contents' page references, the four faces of the font, hyphenated table headings, lists, a shaded
# prompt, a chart image): laid out once when a worker starts, so the lazily built parts of WeasyPrint,
# Pango, cffi and pyphen are ready in the worker, and every render forked from it inherits them
# instead of building them again (about 8% of a render's calls).
WARM_UP_HTML = """<!DOCTYPE html><html lang="en-GB" class="draft"><body>
<section class="cover"><p class="cover-kicker">Better Care Fund</p><h1 class="cover-title">Template
<span class="keep">Part 1</span></h1><p class="cover-hwb">Board</p><table class="kv cover-table"><tbody>
<tr><th scope="row">Version</th><td class="run-version">1</td></tr><tr><th scope="row">Status</th>
<td class="run-status">Draft</td></tr><tr><th scope="row">Reference</th><td class="run-hash">0123456789ab</td></tr>
</tbody></table></section>
<nav class="toc"><h1 class="toc-title">Contents</h1><ol class="toc-list"><li class="toc-part">
<a href="#part-1">Part</a><ol><li><a href="#s-1">Section</a></li></ol></li></ol></nav>
<section class="part"><h1 class="part-title" id="part-1">Part</h1><section class="section" id="s-1">
<h2>1 Section</h2><div class="prompt"><p>Guidance <strong>bold</strong> <em>italic</em>
<strong><em>both</em></strong></p><ul><li>Point</li></ul></div><h3>1 a) Question</h3>
<div class="answer markup"><p>Answer <a href="#s-1">link</a> <span class="not-answered">Not answered</span></p>
<table><thead><tr><th>Heading</th></tr></thead><tbody><tr><td>Cell</td></tr></tbody></table></div>
<table class="grid"><colgroup><col class="w-ref"><col></colgroup><thead><tr><th scope="col">Reference</th>
<th scope="col">Commissioning organisations</th></tr></thead><tbody><tr class="group"><th colspan="2">Group</th></tr>
<tr><td>1</td><td class="num">£1,000.00</td></tr></tbody></table>
<figure class="chart"><h3>Chart</h3><img class="chart-image" src="/charts/warm-up.jpg" alt="Chart">
<p class="chart-alt">Chart</p></figure><p class="note">Note</p>WARM_UP_TEXT</section></section></body></html>"""
# Every letter, figure and common sign in each face and size the document uses, so the fonts' glyphs
# are measured once per worker rather than once per render.
_CHARACTERS = "".join(chr(c) for c in range(0x21, 0x7F)) + " £€–—‘’“”•·…×÷±½¼¾°%‰§©®™→←"
WARM_UP_HTML = WARM_UP_HTML.replace(
    "WARM_UP_TEXT",
    "".join(
        f'<{tag} class="{cls}">{escape(_CHARACTERS)} <strong>{escape(_CHARACTERS)}</strong> '
        f"<em>{escape(_CHARACTERS)}</em> <strong><em>{escape(_CHARACTERS)}</em></strong></{tag}>"
        for tag, cls in [
            ("p", ""),
            ("p", "note"),
            ("h1", ""),
            ("h2", ""),
            ("h3", ""),
            ("p", "chart-alt"),
            ("p", "cover-title"),
            ("p", "cover-hwb"),
        ]
    )
    + f'<table class="grid"><thead><tr><th>{escape(_CHARACTERS)}</th></tr></thead>'
    f"<tbody><tr><td>{escape(_CHARACTERS)}</td></tr></tbody></table>"
    f'<nav class="toc"><ol><li><a href="#s-1">{escape(_CHARACTERS)}</a></li></ol></nav>',
)


def _warm_up_image():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 16), "#1d70b8").save(buffer, format="JPEG")
    return buffer.getvalue()


def warm_up():
    """Import WeasyPrint and matplotlib, parse the stylesheet and lay out a sample of the document in
    this process, so renders forked from it (a worker's) start warm (WARM_UP_HTML)."""
    import weasyprint  # noqa: F401

    from metrics import charts

    charts.warm_up()
    layout(WARM_UP_HTML, extra={"/charts/warm-up.jpg": (_warm_up_image(), "image/jpeg")})


def render_pdf(view, digest=None, *, bounded=True):
    """Lay out the plan with WeasyPrint and return the PDF's bytes (no cache). The HTML is built here;
    the layout runs in a child process with a time limit and a memory ceiling (bcf/core/jobs.py)
    unless `bounded` is false."""
    from bcf.core.jobs import run_bounded

    html, extra = render_document(view, digest)
    images = {pk: read_image(doc) for pk, doc in plan_images(view).items()}
    images = {pk: image for pk, image in images.items() if image is not None}
    if not bounded:
        return layout(html, images, extra)
    stylesheet()  # parsed here (once per process), so the child inherits it

    return run_bounded(layout, html, images, extra, what="Laying out the PDF")


# --- the cache ------------------------------------------------------------------------------------


@functools.cache
def _renderer_fingerprint_for(stamp):
    """Read the files once per change of their (path, mtime, size) stamp."""
    digest = hashlib.sha256()
    for name, _mtime, _size in stamp:
        digest.update(name.encode())
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:12]


def renderer_fingerprint():
    """A digest of the template, stylesheet and this module, so a deployment that changes how the
    PDF looks does not serve PDFs laid out by the old code."""
    files = []
    for name in RENDERER_FILES:
        path = Path(settings.BASE_DIR) / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                stat = file.stat()
                files.append((str(file), stat.st_mtime_ns, stat.st_size))
    return _renderer_fingerprint_for(tuple(files))


def _part2_figures(part2):
    if part2 is None:
        return None
    return [[list(row) for row in part2.headline_rows], part2.metric_table]


def cache_key(view, digest):
    """The content hash's first 12 characters, then a digest of what the PDF shows beyond content."""
    plan = view.plan
    signatures = [
        [
            s.kind,
            str(s.on_behalf_of),
            s.by,
            s.position,
            s.signed_at.isoformat() if s.signed_at else None,
            bool(getattr(s, "valid", True)),
        ]
        for s in (getattr(view, "signatures", None) or [])
        if _signed(s)
    ]
    state = {
        "status": plan.status,
        "version": plan.version,
        "submitted": plan.date_submitted.isoformat() if plan.date_submitted else None,
        "signatures": signatures,
        "images": sorted((pk, doc.file.name) for pk, doc in plan_images(view).items()),
        # Part 2's figures can move with reference data that is not part of the plan's content.
        "part2": _part2_figures(view.part2),
        "renderer": renderer_fingerprint(),
    }
    extra = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{digest[:12]}-{extra}"


class PdfCache:
    """Rendered PDFs named by their key, in the "pdf_cache" storage (STORAGES): shared by every
    instance when that is shared storage, safe to empty at any time."""

    def __init__(self, storage=None):
        from django.core.files.storage import storages

        self.storage = storage or storages["pdf_cache"]

    @staticmethod
    def name(key):
        return f"{key}.pdf"

    def has(self, key):
        return self.storage.exists(self.name(key))

    def get(self, key):
        try:
            with self.storage.open(self.name(key), "rb") as handle:
                return handle.read()
        except (FileNotFoundError, OSError):
            return None

    def put(self, key, data):
        from django.core.files.base import ContentFile

        name = self.name(key)
        if self.storage.exists(name):
            return  # the same key always holds the same PDF
        saved = self.storage.save(name, ContentFile(data))
        if saved != name:  # another worker stored it meanwhile: keep theirs
            self.storage.delete(saved)
        self._prune()

    def _prune(self):
        """Keep the newest files only; another worker may be pruning at the same time."""
        limit = getattr(settings, "PDF_CACHE_MAX_FILES", 200)
        try:
            names = [n for n in self.storage.listdir("")[1] if n.endswith(".pdf")]
        except (FileNotFoundError, NotImplementedError):
            return
        if len(names) <= limit:
            return
        dated = []
        for name in names:
            try:
                dated.append((self.storage.get_modified_time(name), name))
            except (FileNotFoundError, NotImplementedError, OSError):
                continue
        dated.sort()
        for _, old in dated[: max(0, len(dated) - limit)]:
            self.storage.delete(old)


@dataclass
class PdfFile:
    data: bytes
    filename: str
    key: str
    from_cache: bool


def pdf_filename(view, digest):
    plan = view.plan
    return f"{slugify(plan.hwb.name)}-bcf-part-1-v{plan.version}-{digest[:12]}.pdf"


def is_cached(view, cache=None):
    """Whether the PDF of the plan as it is now is ready to serve; nothing is rendered."""
    return (cache or PdfCache()).has(cache_key(view, view_digest(view)))


def plan_pdf(view, cache=None):
    """The plan's PDF: from the cache when the plan has not changed, otherwise rendered and cached."""
    cache = cache or PdfCache()
    digest = view_digest(view)
    key = cache_key(view, digest)
    data = cache.get(key)
    if data is not None:
        return PdfFile(data, pdf_filename(view, digest), key, True)
    started = time.perf_counter()
    data = render_pdf(view, digest)
    logger.info(
        "Rendered the Part 1 PDF of plan %s (%s bytes) in %.0f ms",
        view.plan.pk,
        len(data),
        (time.perf_counter() - started) * 1000,
    )
    cache.put(key, data)
    return PdfFile(data, pdf_filename(view, digest), key, False)


def plan_pdf_bytes(plan):
    """`export_plan --format pdf`: the plan's Part 1 PDF as bytes."""
    return plan_pdf(plan_view(plan)).data
