"""The Part 1 PDF, read back as a reviewer would read it: its text (pdftotext), pages, images, fonts and
metadata. Every PDF here is laid out by the real WeasyPrint."""

import io
import re
import struct
import subprocess
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from bcf.core.markup import _parser
from metrics.models import ExpenditureRow
from plans.content.selectors import plan_view
from plans.models import Answer, PlanStatus, Provider, ProviderCommentary, RelatedDocument
from plans.outputs import pdf
from schemes.models import ANNEX1_FIELDS
from tests.factories import MilestoneFactory, PlanFactory, RiskFactory, SchemeFactory

# The page body without the running header and footer: A4 in points, less the 20 mm margins.
BODY_CROP = ["-x", "0", "-y", "57", "-W", "595", "-H", "728"]


@pytest.fixture(autouse=True)
def pdf_dirs(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    settings.MEDIA_ROOT = tmp_path / "uploads"


def pdftotext(data, *args):
    result = subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def page_texts(data):
    return pdftotext(data).split("\f")[:-1]


def body_text(data):
    return pdftotext(data, *BODY_CROP)


def squash(text):
    """Text without whitespace or hyphens: line wrapping, page breaks, broken URLs and pdftotext joining
    "co-" and "ordination" at a line end cannot split a match."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def markup_blocks(text):
    """Each paragraph, list item and table cell of a Markdown answer as plain text."""
    blocks = []
    for token in _parser().parse(text or ""):
        if token.type != "inline":
            continue
        words = "".join(
            child.content if child.type in ("text", "code_inline") else " "
            for child in token.children or []
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        if words.strip():
            blocks.append(words)
    return blocks


def missing_blocks(text, haystack):
    return [block for block in markup_blocks(text) if squash(block) not in haystack]


def page_count(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def png(width, height, colour=b"\x1d\x70\xb8"):
    """A real PNG of one colour, width × height pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + colour * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def signed(view, when=datetime(2014, 9, 17, 10, 30, tzinfo=UTC)):
    """The workflow's sign-off blocks for the view, every organisation signed (what `view.signatures` gives)."""
    people = iter(
        [("Dr David Briggs", "Managing Director"), ("Helen Briggs", "Chief Executive"), ("Roger Begy", "")] * 5
    )
    blocks = [SimpleNamespace(kind="ccg", on_behalf_of=c.name, key=f"ccg:{c.pk}") for c in view.ccgs]
    blocks.append(SimpleNamespace(kind="council", on_behalf_of=view.plan.hwb.local_authority.name, key="council"))
    blocks.append(SimpleNamespace(kind="hwb", on_behalf_of=view.plan.hwb.name, key="hwb"))
    for block in blocks:
        block.by, block.position = next(people)
        block.signed_at, block.valid = when, True
    return blocks


_DEMO_PDFS = {}


def signed_demo_pdf(view):
    """The PDF of a demo plan with every block signed, laid out once per test run (the demo fixture
    reloads the same content for each test, so its content hash is the same)."""
    view.signatures = signed(view)
    key = pdf.view_digest(view)
    if key not in _DEMO_PDFS:
        _DEMO_PDFS[key] = pdf.render_pdf(view)
    return _DEMO_PDFS[key]


@pytest.mark.django_db
class TestDemoPlans:
    @pytest.mark.parametrize("name", ["cheshire-east", "nottinghamshire", "rutland"])
    def test_every_prompt_answer_and_row_is_in_the_pdf(self, demo, name):
        view = plan_view(demo[name])
        data = signed_demo_pdf(view)
        body = squash(body_text(data))

        for section in view.edition.sections:
            heading = section.part if section.kind == "providers" else f"{section.number} {section.title}"
            assert squash(heading) in body, section.slug
            if section.prompt:
                assert squash(section.prompt) in body, section.slug
            for question in section.questions:
                assert squash(question.prompt) in body, question.key
                for point in question.points:
                    assert squash(point) in body, question.key
                answer = view.answers.get(question.key)
                assert not missing_blocks(answer.text if answer else "", body), question.key
        assert not [a.key for a in view.answers.values() if missing_blocks(a.text, body)]

        for risk in view.risks:
            assert not missing_blocks(risk.risk, body) and not missing_blocks(risk.mitigation, body), risk.pk
            if risk.group:
                assert squash(risk.group) in body
        for scheme in view.schemes:
            assert squash(f"{scheme.ref}") in body and squash(scheme.name) in body
        for document in view.documents:
            assert squash(document.title) in body and not missing_blocks(document.synopsis, body)
        for milestone in view.milestones:
            assert squash(milestone.task) in body
        for commentary in view.provider_commentaries:
            assert squash(str(commentary.provider)) in body
        for signature in view.signatures:
            assert squash(signature.by) in body
            if signature.position:
                assert squash(signature.position) in body
        assert "17September2014" in body  # the date of signing

    @pytest.mark.parametrize("name", ["cheshire-east", "nottinghamshire", "rutland"])
    def test_pages_are_numbered_page_n_of_m_and_none_is_empty(self, demo, name):
        view = plan_view(demo[name])
        data = signed_demo_pdf(view)
        pages = page_texts(data)
        count = page_count(data)
        assert len(pages) == count > 10
        for number, text in enumerate(pages, start=1):
            assert f"page {number} of {count}" in text
            assert f"reference {pdf.view_digest(view)[:12]}" in text
            assert "Version 1" in text
            if number > 1:
                assert view.plan.hwb.name in text  # the running header
        bodies = pdftotext(data, *BODY_CROP).split("\f")[:-1]
        assert all(len(body.split()) >= 5 for body in bodies), "an empty page"

    def test_contents_page_numbers_point_at_their_sections(self, demo):
        view = plan_view(demo["rutland"])
        data = signed_demo_pdf(view)
        pages = [squash(p) for p in pdftotext(data, *BODY_CROP).split("\f")[:-1]]
        contents = pdftotext(data, "-f", "2", "-l", "2", "-layout")
        checked = 0
        for section in view.edition.sections:
            heading = f"{section.number} {section.title}"
            match = re.search(re.escape(heading) + r"\s*(\d+)\s*$", contents, re.M)
            if section.kind == "providers":
                continue
            assert match, heading
            assert squash(heading) in pages[int(match.group(1)) - 1], heading
            checked += 1
        assert checked == len(view.edition.sections) - 1

    def test_cover_names_the_plan(self, demo):
        view = plan_view(demo["nottinghamshire"])
        cover = page_texts(signed_demo_pdf(view))[0]
        flat = " ".join(cover.split())
        assert "Better Care Fund planning template – Part 1" in flat
        for text in (
            "Nottinghamshire Health and Wellbeing Board",
            "Nottinghamshire County Council",
            "April 2014 (original template)",
            "Final (deadline 4 April 2014)",
            "Draft",
            pdf.view_digest(view)[:12],
            *[c.name for c in view.ccgs],
        ):
            assert text in flat, text


@pytest.mark.django_db
class TestLayoutOfParts:
    def test_unanswered_questions_say_not_answered(self):
        plan = PlanFactory()
        Answer.objects.create(plan=plan, key="vision.vision", text="Our vision is **joined-up** care.")
        view = plan_view(plan)
        body = body_text(pdf.render_pdf(view))
        assert "Our vision is joined-up care." in " ".join(body.split())
        questions = [q for q in view.edition.questions if "text" in q.parts]
        annex_fields = len(ANNEX1_FIELDS) * len(view.schemes)
        assert body.count("Not answered") >= len(questions) - 1 + annex_fields

    def test_scored_risks_show_the_computed_risk_factor(self):
        plan = PlanFactory()
        RiskFactory(plan=plan, risk="Partners cannot meet their contributions", likelihood=3, impact=4, leads=["Sav"])
        data = pdf.render_pdf(plan_view(plan))
        body = squash(body_text(data))
        for header in ("There is a risk that:", "Likelihood", "Potential impact", "Lead", "Mitigating Actions"):
            assert squash(header) in body
        assert squash("Overall risk factor (likelihood *potential impact)") in body
        # likelihood 3, impact 4, risk factor 12 on the risk's row
        row = r"Partners cannot meet their +3 +4 +12 +Sav +Monthly finance review"
        assert re.search(row, pdftotext(data, "-layout", *BODY_CROP))

    def test_original_risks_show_levels_under_planning_unit_headings(self):
        plan = PlanFactory(original=True)
        RiskFactory(plan=plan, group="NORTH NOTTINGHAMSHIRE", risk="Slow start", likelihood=None, impact=None,
                    impact_level="HIGH", likelihood_level="MEDIUM")  # fmt: skip
        RiskFactory(plan=plan, group="", risk="Staff leave", rating="Low", likelihood=None, impact=None)
        layout = pdftotext(pdf.render_pdf(plan_view(plan)), "-layout", *BODY_CROP)
        assert re.search(r"Risk +Risk rating +Mitigating Actions", layout)
        heading, first, second = (layout.index(t) for t in ("NORTH NOTTINGHAMSHIRE", "Slow start", "Staff leave"))
        assert heading < first < second
        assert re.search(r"Slow start +HIGH impact", layout) and re.search(r"Staff leave +Low +Monthly", layout)

    def test_a_row_taller_than_a_page_breaks_with_the_header_row_repeated(self):
        plan = PlanFactory()
        mitigation = "\n\n".join(f"Mitigation step {i} with enough words to wrap in the column." for i in range(120))
        RiskFactory(plan=plan, risk="A very long risk", mitigation=mitigation)
        RiskFactory(plan=plan, risk="A short risk after it", mitigation="Short.")
        Answer.objects.create(
            plan=plan,
            key="case_for_change",
            text="| Area | Detail | Lead |\n| --- | --- | --- |\n| Hub | " + "Detail of the hub. " * 400 + " | Sav |",
        )
        data = pdf.render_pdf(plan_view(plan))
        pages = pdftotext(data, *BODY_CROP).split("\f")
        risk_pages = [p for p in pages if "Mitigation step" in p]
        assert len(risk_pages) >= 3
        assert all("Mitigating Actions" in p and "There is a risk that:" in p for p in risk_pages)
        body = squash("".join(pages))
        assert all(squash(f"Mitigation step {i} with enough words") in body for i in range(120))
        assert "Ashortriskafterit" in body
        table_pages = [p for p in pdftotext(data, "-layout", *BODY_CROP).split("\f") if "Detail of the hub." in p]
        assert len(table_pages) >= 2 and all(re.search(r"Area +Detail +Lead", p) for p in table_pages)

    def test_milestones_are_charted_and_listed(self):
        plan = PlanFactory()
        for n in range(1, 41):
            MilestoneFactory(plan=plan, number=n, task=f"Task number {n}", start=date(2014, 8 + n % 5, 1),
                             end=date(2015, 1 + n % 9, 1))  # fmt: skip
        data = pdf.render_pdf(plan_view(plan))
        body = " ".join(body_text(data).split())
        assert "(chart 1 of 2)" in body and "(chart 2 of 2)" in body
        assert all(f"Task number {n}" in body for n in range(1, 41))

    def test_annex_2_shows_the_computed_changes(self):
        plan = PlanFactory()
        ProviderCommentary.objects.create(
            plan=plan,
            provider=Provider.objects.create(name="Peterborough Hospital"),
            nel_2013_14_outturn=1000,
            nel_2014_15_plan=1100,
            nel_2015_16_plan=990,
            agrees=False,
            disagreement="The baseline excludes **winter** pressures.",
        )
        body = " ".join(body_text(pdf.render_pdf(plan_view(plan))).split())
        assert "Peterborough Hospital" in body and "The baseline excludes winter pressures." in body
        assert "14/15 Change compared to 13/14 outturn +100 (+10.0%)" in body
        assert "15/16 Change compared to planned 14/15 outturn -110 (-10.0%)" in body

    def test_annex_1_lists_each_schemes_expenditure_lines_from_part_2(self):
        plan = PlanFactory()
        hub = SchemeFactory(plan=plan, ref="IUR1", name="Integrated Crisis Response")
        SchemeFactory(plan=plan, ref="E3", name="Programme Support")
        line = {"plan": plan, "commissioner": "CCG", "provider": "NHS community", "new_or_existing": "new"}
        ExpenditureRow.objects.create(
            **line, scheme=hub, area_of_spend="Community health", source_of_funding="CCG minimum contribution",
            amount_2014_15=Decimal("125000"), amount_2015_16=Decimal("250000.50"),
        )  # fmt: skip
        ExpenditureRow.objects.create(
            **line, scheme=hub, area_of_spend="Social care", source_of_funding="Disabled Facilities Grant",
            amount_2014_15=Decimal("0"), amount_2015_16=Decimal("40000"),
        )  # fmt: skip
        ExpenditureRow.objects.create(
            **line, scheme=None, area_of_spend="Acute", source_of_funding="CCG minimum contribution",
            amount_2014_15=Decimal("999"), amount_2015_16=Decimal("999"),
        )  # fmt: skip
        pages = [" ".join(p.split()) for p in pdftotext(pdf.render_pdf(plan_view(plan)), *BODY_CROP).split("\f")]
        hub_page = next(p for p in pages if "IUR1 Integrated Crisis Response Scheme ref no." in p)
        quiet_page = next(p for p in pages if "E3 Programme Support Scheme ref no." in p)
        assert (
            "Investment requirements Community health, commissioned by CCG, provided by NHS community, funded from "
            "CCG minimum contribution (new): 2014/15 £125,000.00, 2015/16 £250,000.50" in hub_page
        )
        assert "Social care, commissioned by CCG" in hub_page and "2015/16 £40,000.00" in hub_page
        assert "Acute" not in hub_page and "£999" not in hub_page  # a line naming no scheme
        assert "No expenditure line of Part 2 (tab 3, HWB Expenditure Plan) names this scheme." in quiet_page

    def test_signed_off_plan_shows_signatures_and_no_watermark(self):
        plan = PlanFactory(status=PlanStatus.SIGNED_OFF)
        view = plan_view(plan)
        view.signatures = signed(view)
        data = pdf.render_pdf(view)
        body = " ".join(body_text(data).split())
        assert "By Dr David Briggs Position Managing Director Date 17 September 2014" in body
        assert "By Chair of Health and Wellbeing Board" in body and "Not signed" not in body
        assert images_per_page(data) == {}

    def test_signature_recorded_by_the_workflow_is_shown(self):
        from plans.models import Signature

        plan = PlanFactory(status=PlanStatus.AWAITING_SIGN_OFF)
        view = plan_view(plan)
        ccg = view.ccgs[0]
        Signature.objects.create(
            plan=plan,
            kind="ccg",
            ccg=ccg,
            on_behalf_of=ccg.name,
            name="Amanda Sullivan",
            position="Chief Officer",
            signed_at=datetime(2014, 4, 3, 9, 0, tzinfo=UTC),
            content_hash=pdf.view_digest(view),
        )
        body = " ".join(body_text(pdf.render_pdf(plan_view(plan))).split())
        assert f"{ccg.name} By Amanda Sullivan Position Chief Officer Date 3 April 2014" in body
        assert body.count("Not signed") == 2  # the council and the HWB chair

    def test_signature_that_no_longer_holds_is_not_shown_as_signed(self):
        view = plan_view(PlanFactory())
        view.signatures = signed(view)
        view.signatures[0].valid = False
        body = " ".join(body_text(pdf.render_pdf(view)).split())
        assert "no longer holds" in body and body.count("Not signed") == 1

    def test_without_signatures_every_block_is_unsigned(self):
        plan = PlanFactory()
        view = plan_view(plan)
        view.signatures = None
        body = " ".join(body_text(pdf.render_pdf(view)).split())
        assert body.count("Not signed") == len(view.ccgs) + 2

    def test_a_draft_is_watermarked_on_every_page(self):
        data = pdf.render_pdf(plan_view(PlanFactory()))
        watermarks = images_per_page(data)
        assert sorted(watermarks) == list(range(1, page_count(data) + 1))
        assert "DRAFT" not in pdftotext(data)  # an image: the text stays clean for copying and search

    def test_the_cover_title_keeps_part_1_together_and_names_the_version_reference(self):
        view = plan_view(PlanFactory())
        cover = pdftotext(pdf.render_pdf(view), "-f", "1", "-l", "1")
        lines = [" ".join(line.split()) for line in cover.splitlines()]
        assert "template – Part 1" in lines  # not "…Part" on one line and "1" on the next
        assert "Version reference" in lines and pdf.view_digest(view)[:12] in lines
        assert "Content hash" not in cover

    def test_uploaded_diagram_is_placed_under_its_question_and_fits_the_page(self):
        plan = PlanFactory(status=PlanStatus.SUBMITTED)
        RelatedDocument.objects.create(
            plan=plan,
            title="Governance structure",
            question_key="action.governance",
            file=SimpleUploadedFile("governance.png", png(3000, 500)),
            content_type="image/png",
        )
        data = pdf.render_pdf(plan_view(plan))
        pages = [squash(p) for p in page_texts(data)]
        placed = images_per_page(data)
        assert len(placed) == 1
        (page, (width, x_ppi)), = placed.items()  # fmt: skip
        assert width == 3000 and x_ppi >= 3000 / (174 / 25.4) - 1  # no wider than the text column
        governance = next(
            i for i, p in enumerate(pages, start=1) if i > 2 and squash("4 b) Governance arrangements") in p
        )
        assert page in (governance, governance + 1) and "Governancestructure" in pages[page - 1]

    def test_fonts_are_bundled_and_metadata_set(self):
        data = pdf.render_pdf(plan_view(PlanFactory()))
        fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
        rows = [line for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(re.match(r"[A-Z]{6}\+Liberation-?Sans", row) and " yes " in row for row in rows)
        reader = PdfReader(io.BytesIO(data))
        assert reader.metadata.title.startswith("Better Care Fund planning template – Part 1: Example")
        assert reader.metadata.author.endswith("Health and Wellbeing Board")
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def images_per_page(data):
    """{page: (width, x-ppi)} of the images drawn, from `pdfimages -list` (the draft watermark included)."""
    listing = subprocess.run(["pdfimages", "-list", "-"], input=data, capture_output=True, check=True).stdout.decode()
    placed = {}
    for line in listing.splitlines()[2:]:
        cells = line.split()
        if cells and cells[2] == "image":
            placed[int(cells[0])] = (int(cells[3]), int(cells[12]))
    return placed


@pytest.mark.django_db
class TestUnsafeContent:
    EVIL = (
        "See ![diagram](http://evil.example/track.png) and ![secrets](file:///etc/passwd).\n\n"
        '<img src="http://evil.example/raw.png"> <img src="file:///etc/passwd">\n\n'
        "![inline](data:image/png;base64,iVBORw0KGgo=) [click](javascript:alert(1))"
    )

    def test_image_links_in_answers_render_as_text_and_nothing_is_fetched(self, monkeypatch, caplog):
        plan = PlanFactory()
        Answer.objects.create(plan=plan, key="vision.vision", text=self.EVIL)
        connections, requested = [], []
        monkeypatch.setattr("socket.socket.connect", lambda sock, address: connections.append(address))
        fetcher_class = pdf._fetcher_class()
        original = fetcher_class.fetch
        monkeypatch.setattr(
            fetcher_class, "fetch", lambda self, url, headers=None: requested.append(url) or original(self, url)
        )

        view = plan_view(plan)
        html = pdf.render_html(view)
        data = pdf.layout(html)  # in this process, so the fetcher's log is ours to read

        assert connections == []
        assert requested and all(url.startswith(f"{pdf.ORIGIN}/static/pdf/") for url in requested)
        assert re.findall(r"<img\b", html) == []  # no image element can come from an answer
        assert "javascript:" not in re.sub(r"&[a-z]+;", "", "".join(re.findall(r'href="([^"]*)"', html)))
        body = " ".join(body_text(data).split())
        assert "![secrets](file:///etc/passwd)" in body
        assert '<img src="http://evil.example/raw.png">' in body

    def test_fetcher_serves_static_files_and_the_plans_own_images_only(self, caplog):
        plan, other = PlanFactory(), PlanFactory()
        own = RelatedDocument.objects.create(
            plan=plan, title="Diagram", question_key="action.governance", content_type="image/png",
            file=SimpleUploadedFile("d.png", png(4, 4)),
        )  # fmt: skip
        theirs = RelatedDocument.objects.create(
            plan=other, title="Theirs", question_key="action.governance", content_type="image/png",
            file=SimpleUploadedFile("t.png", png(4, 4)),
        )  # fmt: skip
        fetcher = pdf.pdf_url_fetcher(pdf.plan_images(plan_view(plan)))

        css = fetcher(f"{pdf.ORIGIN}/static/pdf/part1.css")
        assert css.content_type == "text/css" and b"@page" in css.read()
        image = fetcher(f"{pdf.ORIGIN}/plan-files/{own.pk}")
        assert image.content_type == "image/png" and image.read().startswith(b"\x89PNG")

        for url in [
            "http://evil.example/track.png",
            "https://evil.example/static/pdf/part1.css",
            "file:///etc/passwd",
            "data:image/png;base64,iVBORw0KGgo=",
            f"{pdf.ORIGIN}/plan-files/{theirs.pk}",
            f"{pdf.ORIGIN}/static/../../../../etc/passwd",
            f"{pdf.ORIGIN}/static/pdf/%2e%2e/%2e%2e/bcf/settings.py",
            f"{pdf.ORIGIN}/static/pdf/part1.css?x=1",
            f"{pdf.ORIGIN}/etc/passwd",
            f"http://{pdf.HOST}/static/pdf/part1.css",
        ]:
            caplog.clear()
            with pytest.raises(pdf.RefusedURL):
                fetcher(url)
            assert any("refused to fetch" in r.getMessage() for r in caplog.records), url
        assert len(fetcher.refused) == 10 and len(fetcher.fetched) == 2

    def test_weasyprint_asks_the_fetcher_and_still_renders_when_refused(self, monkeypatch, caplog):
        from weasyprint import HTML

        connections = []
        monkeypatch.setattr("socket.socket.connect", lambda sock, address: connections.append(address))
        fetcher = pdf.pdf_url_fetcher()
        html = (
            '<link rel="stylesheet" href="http://evil.example/x.css"><p>Still here</p>'
            '<img src="http://evil.example/a.png"><img src="file:///etc/passwd">'
            '<img src="data:image/png;base64,iVBORw0KGgo="><p style="background: url(https://evil.example/b.png)">x</p>'
        )
        data = HTML(string=html, base_url=f"{pdf.ORIGIN}/", url_fetcher=fetcher).write_pdf()
        assert "Still here" in pdftotext(data)
        assert connections == [] and fetcher.fetched == []
        assert sorted(fetcher.refused) == sorted(
            [
                "http://evil.example/x.css",
                "http://evil.example/a.png",
                "file:///etc/passwd",
                "data:image/png;base64,iVBORw0KGgo=",
                "https://evil.example/b.png",
            ]
        )
        assert sum("refused to fetch" in r.getMessage() for r in caplog.records) == 5


@pytest.mark.django_db
class TestCache:
    def test_unchanged_plan_is_served_from_the_cache_and_a_changed_answer_renders_again(self, monkeypatch, settings):
        plan = PlanFactory()
        answer = Answer.objects.create(plan=plan, key="vision.vision", text="First version of the vision.")
        renders = []
        original = pdf.render_pdf
        monkeypatch.setattr(pdf, "render_pdf", lambda view, digest=None: renders.append(1) or original(view, digest))

        first = pdf.plan_pdf(plan_view(plan))
        second = pdf.plan_pdf(plan_view(plan))
        assert (first.from_cache, second.from_cache, len(renders)) == (False, True, 1)
        assert second.data == first.data and first.key.startswith(pdf.view_digest(plan_view(plan))[:12])
        assert pdf.PdfCache().get(first.key) == first.data

        answer.text = "Second version of the vision."
        answer.save()
        third = pdf.plan_pdf(plan_view(plan))
        assert (third.from_cache, len(renders)) == (False, 2) and third.key != first.key
        assert "Second version of the vision." in body_text(third.data)
        assert "First version" not in body_text(third.data)

    def test_signing_or_a_new_status_renders_again_though_the_content_is_the_same(self, monkeypatch):
        plan = PlanFactory()
        view = plan_view(plan)
        draft = pdf.plan_pdf(view)
        view = plan_view(plan)
        view.signatures = signed(view)
        assert pdf.cache_key(view, pdf.view_digest(view)) != draft.key
        plan.status = PlanStatus.SIGNED_OFF
        plan.save()
        signed_off = pdf.plan_pdf(plan_view(plan))
        assert not signed_off.from_cache and signed_off.key.split("-")[0] == draft.key.split("-")[0]

    def test_export_plan_writes_the_pdf(self, tmp_path):
        from django.core.management import call_command

        plan = PlanFactory()
        SchemeFactory(plan=plan, ref="UP1", name="Community Agents")
        target = tmp_path / "plan.pdf"
        call_command("export_plan", plan.pk, "--format", "pdf", "-o", str(target), stderr=io.StringIO())
        data = target.read_bytes()
        assert data.startswith(b"%PDF-") and "UP1 Community Agents" in " ".join(body_text(data).split())
