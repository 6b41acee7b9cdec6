"""Read a Word draft (.docx) or its text (.txt, .md) into blocks: paragraphs and tables, in order.

Every limit is checked before the content is trusted: the file's size, the zip's declared expanded
size and member count (a zip bomb is refused before anything is decompressed), macros (.docm or a
VBA part), and the amount of text. Problems raise DocumentError with a message for the person.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

SUFFIXES = (".docx", ".txt", ".md")
MAX_EXPANDED_BYTES = 80 * 1024 * 1024  # all parts of the .docx once unzipped
MAX_ZIP_MEMBERS = 2000
MAX_RATIO = 200  # expanded / compressed size of one part: ordinary XML compresses about 10:1
MAX_BLOCKS = 20_000
MAX_TEXT_CHARS = 2_000_000  # about 35 answers at the form's limit of 60,000 characters
MAX_CELLS = 50_000

MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocumentError(ValueError):
    """The file cannot be read as a plan draft; the message is for the person who chose it."""


@dataclass
class Block:
    """A paragraph (`text`) or a table (`rows` of cell texts). `heading` is a level from the style or
    Markdown `#`; `bullet` marks a list item."""

    text: str = ""
    rows: list = field(default_factory=list)
    heading: int = 0
    bullet: bool = False

    @property
    def is_table(self):
        return bool(self.rows)

    def plain(self):
        if self.is_table:
            return "\n".join("\t".join(row) for row in self.rows)
        return self.text


def max_upload_bytes():
    return settings.UPLOAD_MAX_BYTES


def read_upload(name, data):
    """Blocks of a document given its file name and bytes; raise DocumentError for a bad file."""
    suffix = PurePath(name or "").suffix.lower()
    limit = max_upload_bytes()
    if suffix == ".docm":
        raise DocumentError(
            "The selected file is a macro-enabled Word document (.docm): save it as a .docx and try again"
        )
    if suffix == ".doc" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DocumentError(
            "The selected file is an old Word document (.doc): open it in Word and save it as a .docx, then try again"
        )
    if suffix not in SUFFIXES:
        raise DocumentError("The selected file must be a Word document (.docx), a text file (.txt) or Markdown (.md)")
    if not data:
        raise DocumentError("The selected file is empty")
    if len(data) > limit:
        raise DocumentError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    blocks = read_docx(data) if suffix == ".docx" else read_text(data, markdown=suffix == ".md")
    _check_amount(blocks)
    return blocks


def _check_amount(blocks):
    if not any(b.plain().strip() for b in blocks):
        raise DocumentError("The selected document is empty: it has no text to bring in")
    if len(blocks) > MAX_BLOCKS:
        raise DocumentError(
            f"The document has more than {MAX_BLOCKS:,} paragraphs and tables: it is too long for one plan"
        )
    total = sum(len(b.plain()) for b in blocks)
    if total > MAX_TEXT_CHARS:
        raise DocumentError(
            f"The document has more than {MAX_TEXT_CHARS:,} characters of text: it is too long for one plan"
        )


# --- .docx -------------------------------------------------------------------------------------------


def _open_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError("The selected file is not a real Word document (.docx)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentError("The selected file has too many parts to be a Word document")
    expanded = 0
    for info in infos:
        expanded += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocumentError(
                "The selected file expands to far more than its size (a zip bomb), so it was not opened"
            )
    if expanded > MAX_EXPANDED_BYTES:
        raise DocumentError(
            f"The selected file expands to more than {MAX_EXPANDED_BYTES // (1024 * 1024)} MB, so it was not opened"
        )
    names = {info.filename for info in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocumentError("The selected file is not a real Word document (.docx)")
    content_types = archive.read("[Content_Types].xml")
    if MACRO_CONTENT_TYPE.encode() in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise DocumentError(
            "The selected document contains macros: save it as a plain .docx without macros and try again"
        )
    return archive


def read_docx(data):
    from docx import Document  # python-docx, imported when a Word file is read

    _open_zip(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a damaged package
        raise DocumentError("The selected file is damaged or is not a real Word document (.docx)") from None
    blocks = []
    # Style names by id, read once: python-docx looks a paragraph's style up through every style.
    document._bcf_style_names = {s.style_id: s.name for s in document.styles if s.style_id}
    _walk(document, document.element.body, blocks)
    return blocks


def _walk(document, parent, blocks):
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            for box in child.iter(f"{_W}txbxContent"):  # text boxes: "shaded boxes" around prompts
                _walk(document, box, blocks)
            block = _paragraph(Paragraph(child, document), document._bcf_style_names)
            if block is not None:
                blocks.append(block)
        elif child.tag == f"{_W}tbl":
            block = _table(Table(child, document))
            if block is not None:
                blocks.append(block)
        elif child.tag == f"{_W}sdt":  # content controls wrap paragraphs and tables
            for content in child.iterchildren(f"{_W}sdtContent"):
                _walk(document, content, blocks)
        if len(blocks) > MAX_BLOCKS:
            raise DocumentError(f"The document has more than {MAX_BLOCKS:,} paragraphs and tables: it is too long")


def _runs_text(paragraph):
    """The paragraph's text with bold runs as **bold** (the answers' markup keeps bold)."""
    parts = []
    for run in paragraph.iter_inner_content():
        text = getattr(run, "text", "")
        if not text:
            continue
        bold = bool(getattr(run, "bold", False))
        if parts and parts[-1][1] == bold:
            parts[-1][0] += text
        else:
            parts.append([text, bold])
    out = []
    for text, bold in parts:
        if bold and text.strip():
            lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.S).groups()
            out.append(f"{lead}**{core}**{trail}")
        else:
            out.append(text)
    return "".join(out)


def _paragraph(paragraph, style_names):
    text = _clean_line(_runs_text(paragraph).replace("\t", " ")).strip()
    if not text:
        return None
    p_pr = paragraph._p.pPr
    style_id = p_pr.pStyle.val if p_pr is not None and p_pr.pStyle is not None else ""
    style = style_names.get(style_id, style_id) or ""
    heading = 0
    match = re.match(r"Heading (\d)", style)
    if match:
        heading = int(match.group(1))
    elif style == "Title":
        heading = 1
    if heading and text.startswith("**") and text.endswith("**"):
        text = text[2:-2]
    bullet = style.startswith("List") or (p_pr is not None and p_pr.numPr is not None)
    return Block(text=text, heading=heading, bullet=bullet)


def _table(table):
    """Rows of cell texts, read from the XML directly (python-docx's cell grid is slow on big tables).
    A horizontally merged cell is one cell; a vertically merged one reads as empty below its first row."""
    from docx.text.paragraph import Paragraph

    rows = []
    cells = 0
    for tr in table._tbl.tr_lst:
        values = []
        for tc in tr.tc_lst:
            lines = [_clean_line(_runs_text(Paragraph(p, table))).strip() for p in tc.iter(f"{_W}p")]
            values.append("\n".join(line for line in lines if line))
        cells += len(values)
        if cells > MAX_CELLS:
            raise DocumentError(f"The document's tables have more than {MAX_CELLS:,} cells: it is too long")
        if any(v.strip() for v in values):
            rows.append(values)
    return Block(rows=rows) if rows else None


# --- .txt and .md --------------------------------------------------------------------------------------

_TAG = re.compile(r"</?(sup|sub|span|u|b|i|em|strong|br)\b[^>]*>", re.I)
_LINK = re.compile(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', re.I)
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _clean_line(line):
    line = _LINK.sub(lambda m: m.group(2), line)
    return _TAG.sub("", line)


def read_text(data, *, markdown=False):
    """A paragraph per line; consecutive lines with tabs (or, in Markdown, pipes) are a table's rows."""
    if b"\x00" in data[:4096]:
        raise DocumentError("The selected file is not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    blocks = []
    table = None
    for raw in text.splitlines():
        line = _clean_line(raw.rstrip())
        is_pipe_row = markdown and line.lstrip().startswith("|") and line.rstrip().endswith("|")
        if "\t" in line or is_pipe_row:
            if is_pipe_row:
                if _PIPE_SEPARATOR.match(line.strip()):
                    continue
                cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            else:
                cells = [c.strip() for c in line.split("\t")]
            if table is None:
                table = Block(rows=[])
                blocks.append(table)
            if any(cells):
                table.rows.append(cells)
            continue
        table = None
        stripped = line.strip()
        if not stripped:
            continue
        heading = 0
        match = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if match:
            heading, stripped = len(match.group(1)), match.group(2).strip()
            if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
                stripped = stripped[2:-2].strip()
        bullet = bool(re.match(r"^([-*•]|\d{1,2}[.)])\s+", stripped))
        blocks.append(Block(text=stripped, heading=heading, bullet=bullet))
        if len(blocks) > MAX_BLOCKS:
            raise DocumentError(f"The document has more than {MAX_BLOCKS:,} paragraphs and tables: it is too long")
    return [b for b in blocks if not b.is_table or b.rows]
