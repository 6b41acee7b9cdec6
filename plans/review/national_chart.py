"""The national dashboard's chart: plans by planned non-elective reduction, with the 3.5% line.

Drawn with matplotlib and made page-ready (no inline CSS, ids prefixed, title and description) by the
same helper as the Part 2 charts; matplotlib is imported only when the dashboard is drawn.
"""

from metrics.charts import BLUE, ORANGE, RC, load_matplotlib, svg_element


def reductions_chart(figures, slug="reductions"):
    """An inline <svg> of the bands in `figures.bands`, and its text alternative."""
    matplotlib, Figure, _formatter = load_matplotlib()
    labels = [label for label, _count in figures.bands]
    counts = [count for _label, count in figures.bands]
    threshold_at = next(i for i, (label, _c) in enumerate(figures.bands) if label.startswith("3.5%")) - 0.5
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 3.6))
        axes = figure.add_subplot()
        axes.bar(range(len(counts)), counts, color=BLUE, width=0.7)
        axes.axvline(threshold_at, color=ORANGE, linestyle="--", linewidth=2)
        top = max(counts + [1])
        axes.text(threshold_at + 0.08, top * 0.95, "3.5% minimum", color="#0b0c0c", va="top")
        axes.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
        axes.set_ylabel("Plans")
        axes.set_xlabel("Planned reduction in non-elective admissions")
        axes.set_ylim(0, top * 1.15)
        axes.yaxis.get_major_locator().set_params(integer=True)
        figure.tight_layout()
        title = "Plans by planned reduction in non-elective admissions"
        alt = (
            f"{figures.with_reduction} plans give a planned reduction; {figures.below_minimum} are below the "
            f"3.5% minimum. " + "; ".join(f"{label}: {count}" for label, count in figures.bands) + "."
        )
        return {"svg": svg_element(figure, slug, title, alt), "title": title, "alt": alt}
