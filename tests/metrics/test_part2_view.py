"""The Part 2 view-model the PDF renders generically, and its charts (SVG with a text alternative)."""

import io
import re

import pytest
from PIL import Image

from metrics.selectors import part2_view
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from tests.conftest import demo_document
from tests.factories import PlanFactory

from .factories import complete_part2_plan

pytestmark = pytest.mark.django_db


def test_no_part2_data_gives_none():
    plan = PlanFactory()
    assert part2_view(plan) is None
    assert plan_view(plan).part2 is None


def test_headline_rows_for_the_appendix():
    view = plan_view(complete_part2_plan())
    assert view.part2.headline_rows == [
        ("BCF pooled budget 2014/15 (total of the funding sources)", "£1,000,000.00"),
        ("BCF pooled budget 2015/16 (total of the funding sources)", "£2,500,000.00"),
        ("Planned reduction in non-elective admissions (P4P)", "3.5%"),
        ("Admissions avoided", "103"),
        ("Value of the reduction (admissions avoided × £1,490.00)", "£153,470.00"),
        ("Performance-related element left for NHS out-of-hospital services", "£437,530.00"),
    ]


def test_metric_table_has_a_header_and_a_row_per_metric():
    table = plan_view(complete_part2_plan()).part2.metric_table
    assert table["header"] == ["Metric", "Baseline", "2014/15 plan", "2015/16 plan"]
    assert len(table["rows"]) == 5
    n1 = table["rows"][0]
    assert n1[0].startswith("N1 Permanent admissions of older people")
    assert n1[1:] == [
        "600.0 per 100,000 population (2013/14)",
        "561.0 per 100,000 population",
        "523.8 per 100,000 population",
    ]
    assert table["rows"][3][0] == "N5 Patient / service user experience: Satisfied with care and support (ASCOF 3A)"
    assert all(isinstance(cell, str) for row in table["rows"] for cell in row)


def test_charts_are_self_contained_svg_with_a_text_alternative():
    charts = plan_view(complete_part2_plan()).part2.charts
    titles = [c.title for c in charts]
    assert titles[:2] == [
        "Planned expenditure by area of spend",
        "Non-elective admissions: baseline and plan by quarter",
    ]
    assert len([t for t in titles if t.endswith(": baseline and plan")]) == 5
    ids = []
    for chart in charts:
        assert chart.svg.startswith("<svg") and chart.svg.rstrip().endswith("</svg>")
        assert not re.search(r"<!DOCTYPE|<\?xml|<metadata|<image|@import", chart.svg)
        assert "style=" not in chart.svg and "<style" not in chart.svg, "the pages' CSP refuses inline CSS"
        assert not re.search(r'(?:href|src)="(?!#)', chart.svg), "only references inside the SVG itself"
        assert not re.search(r"url\((?!#)", chart.svg)
        assert "<title" in chart.svg and "<desc" in chart.svg and 'role="img"' in chart.svg
        ids += re.findall(r'\bid="([^"]+)"', chart.svg)
    assert len(ids) == len(set(ids)), "the charts can share one page"
    p4p = charts[1]
    assert "Quarter 1: baseline Q4 2013/14 760, plan Q4 2014/15 733" in p4p.alt
    assert "103 fewer admissions" in p4p.alt
    assert "Community health: £750,000 in 2014/15, £1,500,000 in 2015/16" in charts[0].alt


def test_the_same_plan_draws_the_same_charts():
    plan = complete_part2_plan()
    first = [c.svg for c in plan_view(plan).part2.charts]
    assert [c.svg for c in plan_view(plan).part2.charts] == first


def test_the_rutland_demo_has_a_p4p_chart_and_headline():
    view = plan_view(import_plan(demo_document("rutland")))
    assert ("Admissions avoided", "103") in view.part2.headline_rows
    assert any(c.title.startswith("Non-elective admissions") for c in view.part2.charts)


def test_pdf_charts_are_the_same_charts_as_jpeg_images():
    part2 = plan_view(complete_part2_plan()).part2
    pages, printed = part2.charts, part2.pdf_charts
    assert [(c.title, c.alt) for c in printed] == [(c.title, c.alt) for c in pages]
    for chart in printed:
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "JPEG" and image.width == 1080, "7.2 inches at 150 dpi"
        # Drawn, not blank: the bars and lines in the GOV.UK blue are on it.
        colours = image.convert("RGB").getcolors(1 << 20)
        assert any(abs(r - 29) < 12 and abs(g - 112) < 12 and abs(b - 184) < 12 for _, (r, g, b) in colours)
