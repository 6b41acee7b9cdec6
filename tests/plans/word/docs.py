"""Small Word documents for the tests, built with python-docx (and one by LibreOffice)."""

import io
import subprocess
import zipfile
from html import escape
from pathlib import Path

PROVIDERS_PROMPT = (
    "Please describe how health and social care providers have been involved in the development of this plan, "
    "and the extent to which they are party to it"
)


def docx_bytes(build):
    from docx import Document

    document = Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def officer_draft(document):
    """A short 2014-04 draft as an officer writes one: renumbered headings, a prompt in a shaded box,
    a summary table, a list, a table in an answer and a note nobody asked for."""
    document.add_heading("Sandford Health and Wellbeing Board: Better Care Fund draft", 0)
    document.add_paragraph("Circulated to Board members for comment, not for publication.")
    document.add_heading("Section 1(a) – Summary of plan", 2)
    table = document.add_table(rows=0, cols=2)
    for label, value in [
        ("Local Authority", "Sandford Borough Council"),
        ("Clinical Commissioning Groups", "NHS Sandford CCG"),
        ("Boundary Differences", "No boundary differences"),
        ("Date agreed at Health and Well-Being Board:", "12/03/2014"),
        ("Minimum required value of BCF pooled budget: 2014/15", "£1,250,000"),
        ("2015/16", "£12.5m"),
        ("Total agreed value of pooled budget: 2014/15", "£2,000,000"),
        ("2015/16", "£13,000,000"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading("1 (c) Service Provider Engagement", 2)
    box = document.add_table(rows=1, cols=1)
    box.rows[0].cells[0].text = PROVIDERS_PROMPT
    document.add_paragraph("Providers shaped the plan through the Sandford provider forum.")
    document.add_paragraph("The forum agreed three priorities:")
    for item in ("Discharge to assess", "Falls response", "Carers' breaks"):
        document.add_paragraph(item, style="List Bullet")
    grid = document.add_table(rows=2, cols=2)
    for i, row in enumerate([("Provider", "Role"), ("Sandford Hospital Trust", "Acute")]):
        grid.rows[i].cells[0].text, grid.rows[i].cells[1].text = row
    document.add_heading("d) Patient, service user and public engagement", 2)
    document.add_paragraph("Healthwatch Sandford ran four listening events in January.")
    document.add_heading("4) RISKS", 1)
    risks = document.add_table(rows=3, cols=3)
    for i, row in enumerate(
        [
            ("Risk", "Risk rating", "Mitigating Actions"),
            ("Savings in acute care are not realised.", "High", "Monthly review at the Board."),
            ("Staff cannot be recruited.", "Medium", "Joint recruitment campaign."),
        ]
    ):
        for j, value in enumerate(row):
            risks.rows[i].cells[j].text = value


def officer_draft_bytes():
    return docx_bytes(officer_draft)


def empty_docx_bytes():
    return docx_bytes(lambda document: None)


def with_macros(data):
    """The same package as a macro-enabled document (what a .docm renamed to .docx is)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            target.writestr(info, content)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return out.getvalue()


def zip_bomb(data, expanded_mb=120):
    """The document with a part that expands from a few hundred KB to `expanded_mb` MB."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("word/media/image1.bin", "w", force_zip64=True) as bomb:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(expanded_mb):
                bomb.write(chunk)
    return out.getvalue()


def libreoffice_docx_from_text(text, workdir):
    """A .docx written by LibreOffice Writer from the text: a paragraph per line, tab-separated lines
    as a table, so its styles and tables are a real word processor's."""
    html = ["<html><head><meta charset='utf-8'></head><body>"]
    rows = []

    def flush():
        if rows:
            html.append("<table border='1'>")
            html.extend("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
            html.append("</table>")
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            html.append(f"<p>{escape(line.strip())}</p>")
    flush()
    html.append("</body></html>")
    workdir = Path(workdir)
    source = workdir / "draft.html"
    source.write_text("\n".join(html), encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{workdir}/lo-profile",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (workdir / "draft.docx").read_bytes()
