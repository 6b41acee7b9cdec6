"""The Part 2 charts for the PDF, drawn straight onto a Pillow image and saved as JPEG.

matplotlib drew each PDF chart in about 80 ms of CPU (a figure, axes, tick and text objects, then
Agg), a fifth of a 2014-04 plan's whole render; these charts have few shapes (bars, one line, some
labels), known sizes and fixed margins, so they are drawn here in a few milliseconds each with the
same colours, sizes and bundled Liberation Sans the PDF's text uses. The pages keep matplotlib's SVG
(metrics/charts.py). Each chart's words stay in its title and text alternative, printed beside the
image in the PDF.
"""

import functools
import io
import math

from django.contrib.staticfiles import finders
from PIL import Image, ImageDraw, ImageFont

DPI = 150  # sharp on paper at the charts' printed size (about 17 cm wide), a few tens of KB each
FONT = "pdf/fonts/LiberationSans-Regular.ttf"
WHITE = "#ffffff"


def _px(points):
    return points * DPI / 72


@functools.cache
def _font(points):
    return ImageFont.truetype(finders.find(FONT), round(_px(points)))


def warm_up():
    for points in (8, 10):
        _font(points)


def nice_ticks(low, high, count=6):
    """Tick values at a round step (1, 2, 2.5 or 5 × 10ⁿ) between low and high, as an axis shows them."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    value = first * step
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value = (first + len(ticks)) * step
    return ticks, step


def plain_number(step):
    """A tick label formatter showing as many decimals as the step needs."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    return lambda value: f"{value:.{decimals}f}"


class Canvas:
    """A figure of `size` inches with a plot box at fixed margins (`left` as a fraction of the width,
    `bottom` and `top` in inches, the right edge at 98 %), the value axis and category axis drawn as
    matplotlib draws them: spines on the left and bottom, ticks outward, labels beside them."""

    def __init__(self, size, *, left, bottom, top, grey, text):
        self.width, self.height = round(size[0] * DPI), round(size[1] * DPI)
        self.image = Image.new("RGB", (self.width, self.height), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self.x0, self.x1 = left * self.width, 0.98 * self.width
        self.y0, self.y1 = top * DPI, self.height - bottom * DPI
        self.grey, self.text_colour = grey, text
        self.tick = _px(3.5)
        self.line = max(1, round(_px(0.8)))

    # --- coordinates

    def horizontal(self, value, low, high):
        return self.x0 + (value - low) / (high - low) * (self.x1 - self.x0)

    def vertical(self, value, low, high):
        return self.y1 - (value - low) / (high - low) * (self.y1 - self.y0)

    # --- drawing

    def text(self, xy, text, anchor, points=10):
        """Text (several lines allowed) placed by a Pillow anchor for its block ("ma": middle, top)."""
        font = _font(points)
        lines = text.split("\n")
        spacing = _px(points) * 1.2
        x, y = xy
        if anchor[1] == "m":
            y -= spacing * (len(lines) - 1) / 2
        for i, line in enumerate(lines):
            self.draw.text((x, y + i * spacing), line, fill=self.text_colour, font=font, anchor=anchor)

    def vertical_text(self, xy, text, points=10):
        """Text turned a quarter to the left, centred on xy (an axis label)."""
        font = _font(points)
        left, top, right, bottom = font.getbbox(text)
        label = Image.new("RGB", (right - left + 4, bottom - top + 4), WHITE)
        ImageDraw.Draw(label).text((2 - left, 2 - top), text, fill=self.text_colour, font=font)
        label = label.rotate(90, expand=True)
        self.image.paste(label, (round(xy[0] - label.width / 2), round(xy[1] - label.height / 2)))

    def spines(self):
        self.draw.line([(self.x0, self.y0), (self.x0, self.y1)], fill=self.grey, width=self.line)
        self.draw.line([(self.x0, self.y1), (self.x1, self.y1)], fill=self.grey, width=self.line)

    def left_ticks(self, items):
        """[(y, label)] on the left spine."""
        for y, label in items:
            self.draw.line([(self.x0 - self.tick, y), (self.x0, y)], fill=self.grey, width=self.line)
            self.text((self.x0 - self.tick * 2, y), label, "rm")

    def bottom_ticks(self, items):
        """[(x, label)] under the bottom spine."""
        for x, label in items:
            self.draw.line([(x, self.y1), (x, self.y1 + self.tick)], fill=self.grey, width=self.line)
            self.text((x, self.y1 + self.tick * 2), label, "ma")

    def legend(self, entries):
        """[(label, colour)] in a row at the figure's top left, as matplotlib's legend without a frame."""
        size = _px(10)
        x, y = _px(8), _px(8)
        for label, colour in entries:
            self.draw.rectangle([x, y + size * 0.15, x + size * 2, y + size * 0.85], fill=colour)
            x += size * 2.8
            self.text((x, y + size / 2), label, "lm")
            x += _font(10).getlength(label) + size * 2

    def jpeg(self):
        # High quality without chroma subsampling: the PDF embeds JPEG as it is.
        buffer = io.BytesIO()
        self.image.save(buffer, format="JPEG", quality=92, subsampling=0, dpi=(DPI, DPI))
        return buffer.getvalue()


def _value_range(values, *, from_zero):
    """matplotlib's automatic limits: the data's range (from zero for bars) plus 5 % each side."""
    low, high = min([*values, 0] if from_zero else values), max([*values, 0] if from_zero else values)
    span = (high - low) or abs(high) or 1
    low = low if from_zero and low == 0 else low - span * 0.05
    return low, high + span * 0.05


def bar_chart_h(size, margins, categories, series, formatter, colours):
    """Horizontal grouped bars: `categories` top to bottom, `series` [(label, values, colour)]."""
    canvas = Canvas(size, **margins, **colours)
    values = [v for _, vs, _ in series for v in vs]
    low, high = _value_range(values, from_zero=True)
    ticks, _step = nice_ticks(low, high)
    count = len(categories)
    band_low, band_high = -0.6, count - 0.4
    height = 0.38
    for position, _category in enumerate(categories):
        centre = count - 1 - position  # the first category at the top
        for index, (_label, vals, colour) in enumerate(series):
            offset = height / 2 - index * height
            top = canvas.vertical(centre + offset + height / 2, band_low, band_high)
            bottom = canvas.vertical(centre + offset - height / 2, band_low, band_high)
            left, right = canvas.horizontal(0, low, high), canvas.horizontal(vals[position], low, high)
            canvas.draw.rectangle([min(left, right), top, max(left, right), bottom], fill=colour)
    canvas.spines()
    canvas.left_ticks(
        (canvas.vertical(count - 1 - p, band_low, band_high), category) for p, category in enumerate(categories)
    )
    canvas.bottom_ticks((canvas.horizontal(t, low, high), formatter(t)) for t in ticks if low <= t <= high)
    canvas.legend([(label, colour) for label, _, colour in series])
    return canvas.jpeg()


def bar_chart_v(size, margins, categories, series, formatter, colours, *, ylabel):
    """Vertical grouped bars: `categories` left to right (labels may hold line breaks)."""
    canvas = Canvas(size, **margins, **colours)
    values = [v for _, vs, _ in series for v in vs]
    low, high = _value_range(values, from_zero=True)
    ticks, _step = nice_ticks(low, high)
    count = len(categories)
    band_low, band_high = -0.6, count - 0.4
    width = 0.38
    for position in range(count):
        for index, (_label, vals, colour) in enumerate(series):
            offset = -width / 2 + index * width
            left = canvas.horizontal(position + offset - width / 2, band_low, band_high)
            right = canvas.horizontal(position + offset + width / 2, band_low, band_high)
            top, bottom = canvas.vertical(vals[position], low, high), canvas.vertical(0, low, high)
            canvas.draw.rectangle([left, min(top, bottom), right, max(top, bottom)], fill=colour)
    canvas.spines()
    canvas.left_ticks((canvas.vertical(t, low, high), formatter(t)) for t in ticks if low <= t <= high)
    canvas.bottom_ticks((canvas.horizontal(p, band_low, band_high), category) for p, category in enumerate(categories))
    canvas.vertical_text((_px(12), (canvas.y0 + canvas.y1) / 2), ylabel)
    canvas.legend([(label, colour) for label, _, colour in series])
    return canvas.jpeg()


def line_chart(size, margins, labels, values, annotations, colours, *, line, first, ylabel, limits):
    """A line with round markers through the known `values` (None where not given), the first point
    marked larger in `first`'s colour, each point's value written above it."""
    canvas = Canvas(size, **margins, **colours)
    low, high = limits
    ticks, step = nice_ticks(low, high)
    formatter = plain_number(step)
    band_low, band_high = -0.5, len(labels) - 0.5
    points = [
        (canvas.horizontal(i, band_low, band_high), canvas.vertical(v, low, high), annotation)
        for i, (v, annotation) in enumerate(zip(values, annotations, strict=True))
        if v is not None
    ]
    canvas.draw.line([(x, y) for x, y, _ in points], fill=line, width=round(_px(2)), joint="curve")
    for index, (x, y, annotation) in enumerate(points):
        radius = _px(9 if index == 0 else 6) / 2
        canvas.draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=first if index == 0 else line)
        canvas.text((x, y - _px(8)), annotation, "ms")
    canvas.spines()
    canvas.left_ticks((canvas.vertical(t, low, high), formatter(t)) for t in ticks if low <= t <= high)
    canvas.bottom_ticks((canvas.horizontal(i, band_low, band_high), label) for i, label in enumerate(labels))
    canvas.vertical_text((_px(12), (canvas.y0 + canvas.y1) / 2), ylabel)
    return canvas.jpeg()
