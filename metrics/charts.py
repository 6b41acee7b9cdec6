"""Part 2 charts as self-contained SVG (matplotlib's SVG backend), each with a text alternative; for
the PDF the same charts as JPEG drawn by metrics/raster_charts.py (WeasyPrint laid out an SVG
chart's every path and label, and matplotlib took about 80 ms to draw each raster chart; Pillow
draws one in a few). matplotlib is slow to import, so it is imported only when a chart is drawn for
the pages (`load_matplotlib`).
"""

import io
import re
from dataclasses import dataclass
from decimal import Decimal

from metrics import raster_charts
from metrics.formatting import format_count, format_metric_value, format_money


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # a complete <svg> element, no external references ("" when drawn as a raster image)
    alt: str  # the text alternative
    png: bytes | None = None  # the chart as a raster image (JPEG), for the PDF


def load_matplotlib():
    """matplotlib with the SVG backend, and the two classes the charts use (imported on first draw)."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    return matplotlib, Figure, FuncFormatter


def warm_up():
    """Import matplotlib and load the PDF charts' font now (a worker does, when it starts)."""
    load_matplotlib()
    raster_charts.warm_up()


def _chart(figure, slug, title, alt):
    return Chart(title=title, svg=svg_element(figure, slug, title, alt), alt=alt)


BLUE = "#1d70b8"
GREY = "#505a5f"
ORANGE = "#f47738"
TEXT = "#0b0c0c"
COLOURS = {"grey": GREY, "text": TEXT}  # the raster charts' axes and words
RC = {
    "svg.fonttype": "none",  # text stays text: searchable, and read by screen readers
    "svg.hashsalt": "bcf-part2",  # the same data draws the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "DejaVu Sans"],
    "font.size": 10,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": GREY,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def svg_element(figure, slug, title, alt):
    """The figure as an <svg> element to inline: no XML prolog, DTD or metadata (they point outside
    the document), ids prefixed so several charts can share a page, and a title and description."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = _presentation_attributes(svg)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for ident in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{ident}"', f'id="{slug}-{ident}"').replace(f"#{ident}", f"#{slug}-{ident}")
    svg = re.sub(r'\s(width|height)="([\d.]+)pt"', "", svg, count=2)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{slug}-title {slug}-desc" class="bcf-chart" '
        'preserveAspectRatio="xMidYMid meet" ',
        1,
    )
    head = f'<title id="{slug}-title">{_escape(title)}</title><desc id="{slug}-desc">{_escape(alt)}</desc>'
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, svg, count=1)


_STYLE = re.compile(r'\sstyle="([^"]*)"')
PRESENTATION = {
    "fill",
    "fill-opacity",
    "opacity",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "font-size",
    "font-family",
    "font-style",
    "font-weight",
    "text-anchor",
    "clip-path",
}


def _presentation_attributes(svg):
    """Styles as SVG presentation attributes: the pages' Content-Security-Policy refuses inline CSS
    (style attributes and <style> elements), which would leave every shape black."""

    def attributes(match):
        out = []
        for declaration in match.group(1).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name in PRESENTATION and value:
                out.append(f' {name}="{_escape(value)}"')
        return "".join(out)

    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, flags=re.S)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE.sub(attributes, svg)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _money_axis(value, _position):
    value = abs(value)
    if value >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    if value >= 1_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def _float(value):
    return float(value) if value is not None else None


def p4p_chart(p4p, slug="p4p", raster=False):
    """Baseline against planned admissions for each quarter of the performance period."""
    if p4p is None or not any(q.baseline is not None or q.plan is not None for q in p4p.quarters):
        return None
    title = "Non-elective admissions: baseline and plan by quarter"
    parts = [
        f"Quarter {q.number}: baseline {q.baseline_label} {format_count(q.baseline) or 'not given'}, "
        f"plan {q.plan_label} {format_count(q.plan) or 'not given'}"
        for q in p4p.quarters
    ]
    alt = f"Bar chart of non-elective admissions. {'; '.join(parts)}."
    if p4p.avoided is not None:
        alt += f" In total {format_count(p4p.avoided)} fewer admissions planned than the baseline."
    baseline = [q.baseline or 0 for q in p4p.quarters]
    planned = [q.plan or 0 for q in p4p.quarters]
    labels = [f"Quarter {q.number}\n{q.baseline_label}\n{q.plan_label}" for q in p4p.quarters]
    if raster:
        image = raster_charts.bar_chart_v(
            (7.2, 3.8),
            {"left": 0.1, "bottom": 0.95, "top": 0.45},
            labels,
            [("Baseline", baseline, GREY), ("Plan", planned, BLUE)],
            lambda v: f"{v:,.0f}",
            COLOURS,
            ylabel="Non-elective admissions",
        )
        return Chart(title=title, svg="", alt=alt, png=image)
    matplotlib, Figure, FuncFormatter = load_matplotlib()
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.2, 3.8), layout="constrained")
        axes = figure.subplots()
        positions = range(len(p4p.quarters))
        width = 0.38
        axes.bar([p - width / 2 for p in positions], baseline, width, label="Baseline", color=GREY)
        axes.bar([p + width / 2 for p in positions], planned, width, label="Plan", color=BLUE)
        axes.set_xticks(list(positions), labels)
        axes.set_ylabel("Non-elective admissions")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        figure.legend(frameon=False, loc="outside upper left", ncols=2)
        return _chart(figure, slug, title, alt)


def expenditure_chart(by_area, slug="spend", raster=False):
    """Planned expenditure by area of spend, 2014/15 against 2015/16."""
    if not by_area:
        return None
    title = "Planned expenditure by area of spend"
    parts = [
        f"{area}: {format_money(years['2014/15'], pence=False)} in 2014/15, "
        f"{format_money(years['2015/16'], pence=False)} in 2015/16"
        for area, years in by_area
    ]
    alt = f"Bar chart of planned expenditure. {'; '.join(parts)}."
    size = (7.2, 1.1 + 0.55 * len(by_area))
    if raster:
        image = raster_charts.bar_chart_h(
            size,
            {"left": 0.22, "bottom": 0.45, "top": 0.45},
            [area for area, _ in by_area],
            [
                ("2014/15", [float(years["2014/15"]) for _, years in by_area], GREY),
                ("2015/16", [float(years["2015/16"]) for _, years in by_area], BLUE),
            ],
            lambda v: _money_axis(v, None),
            COLOURS,
        )
        return Chart(title=title, svg="", alt=alt, png=image)
    matplotlib, Figure, FuncFormatter = load_matplotlib()
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.subplots()
        areas = [area for area, _ in by_area][::-1]
        totals = dict(by_area)
        height = 0.38
        positions = range(len(areas))
        first = [float(totals[a]["2014/15"]) for a in areas]
        second = [float(totals[a]["2015/16"]) for a in areas]
        axes.barh([p + height / 2 for p in positions], first, height, label="2014/15", color=GREY)
        axes.barh([p - height / 2 for p in positions], second, height, label="2015/16", color=BLUE)
        axes.set_yticks(list(positions), areas)
        axes.xaxis.set_major_formatter(FuncFormatter(_money_axis))
        figure.legend(frameon=False, loc="outside upper left", ncols=2)
        return _chart(figure, slug, title, alt)


def metric_chart(metric, slug, raster=False):
    """One metric's baseline and planned trajectory."""
    points = [((f"Baseline {f.label}".strip() if f.is_baseline else f.label), f.value) for f in metric.figures]
    if sum(1 for _, value in points if value is not None) < 2:
        return None
    definition = metric.definition
    labels = [label for label, _ in points]
    values = [_float(value) for _, value in points]
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    annotations = [
        "" if v is None else format_metric_value(definition, Decimal(str(v))).replace(" per 100,000 population", "")
        for v in values
    ]
    low, high = min(v for _, v in known), max(v for _, v in known)
    margin = (high - low) * 0.35 or abs(high) * 0.1 or 1
    ylabel = {"rate": "per 100,000", "percent": "%"}.get(definition.kind, "value")
    title = f"{metric.definition.label}: baseline and plan"
    parts = [f"{label}: {format_metric_value(definition, v) or 'not given'}" for label, v in points]
    alt = f"Line chart of {metric.name}. {'; '.join(parts)}."
    if raster:
        image = raster_charts.line_chart(
            (7.2, 2.8),
            {"left": 0.1, "bottom": 0.8, "top": 0.15},
            [_wrap(label, 24) for label in labels],
            values,
            annotations,
            COLOURS,
            line=BLUE,
            first=GREY,
            ylabel=ylabel,
            limits=(low - margin, high + margin),
        )
        return Chart(title=title, svg="", alt=alt, png=image)
    matplotlib, Figure, FuncFormatter = load_matplotlib()
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.2, 2.8), layout="constrained")
        axes = figure.subplots()
        axes.plot([i for i, _ in known], [v for _, v in known], marker="o", color=BLUE, linewidth=2)
        axes.plot([known[0][0]], [known[0][1]], marker="o", color=GREY, markersize=9, linestyle="none")
        for i, v in known:
            axes.annotate(annotations[i], (i, v), textcoords="offset points", xytext=(0, 8), ha="center")
        axes.set_xticks(range(len(labels)), [_wrap(label, 24) for label in labels])
        axes.set_xlim(-0.5, len(labels) - 0.5)
        axes.set_ylim(low - margin, high + margin)
        axes.set_ylabel(ylabel)
        return _chart(figure, slug, title, alt)


def _wrap(text, width):
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def part2_charts(view, raster=False):
    """Every chart of a plan's Part 2 that has something to show, in the order of the workbook; as a
    raster image (Chart.png) rather than SVG when `raster`."""
    charts = [expenditure_chart(view.expenditure_by_area, raster=raster), p4p_chart(view.p4p, raster=raster)]
    charts += [metric_chart(metric, f"metric-{metric.code.lower()}", raster=raster) for metric in view.metrics]
    return [chart for chart in charts if chart is not None]


# --- quarterly returns (DOMAIN.md §10) ----------------------------------------------------------------


def admissions_chart(schedule, slug="admissions", raster=False):
    """A return's baseline, planned and actual non-elective admissions by P4P quarter (three lines)."""
    if not schedule or not any(q.baseline is not None or q.planned is not None for q in schedule):
        return None
    matplotlib, Figure, FuncFormatter = load_matplotlib()
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(schedule)))
        for attribute, label, colour, style in (
            ("baseline", "Baseline", GREY, "--"),
            ("planned", "Plan", BLUE, "-"),
            ("actual", "Actual", ORANGE, "-"),
        ):
            known = [(i, getattr(q, attribute)) for i, q in enumerate(schedule) if getattr(q, attribute) is not None]
            if known:
                axes.plot(
                    [i for i, _ in known],
                    [v for _, v in known],
                    marker="o",
                    color=colour,
                    linestyle=style,
                    linewidth=2,
                    label=label,
                )
        axes.set_xticks(positions, [q.label for q in schedule])
        axes.set_xlim(-0.3, len(schedule) - 0.7)
        axes.set_ylabel("Non-elective admissions")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        figure.legend(frameon=False, loc="outside upper left", ncols=3)
        title = "Non-elective admissions: baseline, plan and actual by quarter"
        parts = [
            f"{q.label}: baseline {format_count(q.baseline) or 'not given'}, "
            f"plan {format_count(q.planned) or 'not given'}, actual {format_count(q.actual) or 'not reported'}"
            for q in schedule
        ]
        alt = f"Line chart of non-elective admissions. {'; '.join(parts)}."
        return _jpeg_chart(figure, title, alt) if raster else _chart(figure, slug, title, alt)


def released_chart(rows, slug="released", raster=False):
    """P4P money released and not released to date, per Board: rows of (name, released, not released)."""
    rows = [r for r in rows if r[1] is not None or r[2] is not None]
    if not rows:
        return None
    matplotlib, Figure, FuncFormatter = load_matplotlib()
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.2, 1.0 + 0.32 * len(rows)), layout="constrained")
        axes = figure.subplots()
        names = [_wrap(name.replace(" Health and Wellbeing Board", ""), 40) for name, _, _ in rows][::-1]
        released = [float(r[1] or 0) for r in rows][::-1]
        held = [float(r[2] or 0) for r in rows][::-1]
        positions = range(len(rows))
        axes.barh(list(positions), released, 0.6, label="Released", color=BLUE)
        axes.barh(list(positions), held, 0.6, left=released, label="Not released", color=GREY)
        axes.set_yticks(list(positions), names)
        axes.xaxis.set_major_formatter(FuncFormatter(_money_axis))
        figure.legend(frameon=False, loc="outside upper left", ncols=2)
        title = "Pay-for-performance money released and not released to date, by Board"
        parts = [
            f"{name}: {format_money(r, pence=False) or '£0'} released, "
            f"{format_money(h, pence=False) or '£0'} not released"
            for name, r, h in rows
        ]
        alt = f"Stacked bar chart. {'; '.join(parts)}."
        return _jpeg_chart(figure, title, alt) if raster else _chart(figure, slug, title, alt)


def _jpeg_chart(figure, title, alt):
    """A return's chart as JPEG for its PDF, drawn by matplotlib (one chart a document: the Pillow
    drawing of metrics.raster_charts is kept for the plans' many)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="jpeg", dpi=150, pil_kwargs={"quality": 92, "subsampling": 0})
    return Chart(title=title, svg="", alt=alt, png=buffer.getvalue())
