"""The milestones as a Gantt-style chart: the bars and month ticks an SVG template draws (page and PDF)."""


def gantt(milestones):
    """Bars for a Gantt-style chart (SVG in the page and the PDF): months across, milestones down."""
    dated = [m for m in milestones if m.start or m.end]
    if not dated:
        return None
    first = min((m.start or m.end) for m in dated)
    last = max((m.end or m.start) for m in dated)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    label_width, month_width, row_height, top = 260, 28, 22, 40
    rows = []
    for index, m in enumerate(milestones):
        start, end = m.start or m.end, m.end or m.start
        bar = None
        if start:
            offset = (start.year - first.year) * 12 + start.month - first.month
            length = (end.year - start.year) * 12 + end.month - start.month + 1
            bar = {"x": label_width + offset * month_width, "width": max(length, 1) * month_width - 2}
        label = f"{m.number}. {m.task}"
        rows.append(
            {
                "y": top + index * row_height,
                "label": label[:42] + ("…" if len(label) > 42 else ""),
                "full": label,
                "bar": bar,
                "period": m.period,
            }
        )
    ticks = []
    for i in range(months):
        year, month = divmod(first.month - 1 + i, 12)
        ticks.append(
            {
                "x": label_width + i * month_width,
                "label": "JFMAMJJASOND"[month],
                "year": first.year + year if month == 0 or i == 0 else None,
            }
        )
    return {
        "width": label_width + months * month_width + 10,
        "height": top + len(milestones) * row_height + 10,
        "rows": rows,
        "ticks": ticks,
        "label_width": label_width,
        "month_width": month_width,
        "top": top,
        "first": first,
        "last": last,
    }
