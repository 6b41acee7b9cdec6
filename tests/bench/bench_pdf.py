"""The Part 1 PDF of the largest demo plan (Rutland): cold render, warm (cached) time, and the floor.

cold   plan_pdf_bytes(plan) with an empty cache: the view-model, the content hash, the HTML, WeasyPrint,
       the cache write: everything a first download costs.
warm   plan_pdf_bytes(plan) again: the view-model and content hash, then the cached file.
floor  WeasyPrint alone rendering the same words as plain HTML (every prompt, answer and table cell as
       headings, paragraphs and the answers' own Markdown tables; no stylesheet, contents, running
       headers or layout tables), built before the clock starts: no application work at all.
Also printed: WeasyPrint alone on the application's own HTML (built before the clock starts), which
separates the application's work from the cost of the document's layout.
Targets (issue 5): cold / floor <= 1.3, warm <= 50 ms. Figures are printed, never asserted. The runs are
interleaved and the ratio is also given on CPU time, which a busy machine disturbs less than wall time.
"""

import io
import statistics
import tempfile
import time
from html import escape

from django.conf import settings
from django.core.management import call_command
from pypdf import PdfReader

ROUNDS = 5


def _rutland():
    from plans.models import Plan

    plan = Plan.objects.filter(hwb__name__startswith="Rutland").order_by("-version").first()
    if plan is None:
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        plan = Plan.objects.filter(hwb__name__startswith="Rutland").order_by("-version").first()
    return plan


def plain_html(view):
    """The same words as the PDF, as plain HTML."""
    from bcf.core.markup import render_markup
    from schemes.models import ANNEX1_FIELDS

    out = [f"<h1>{escape(view.plan.hwb.name)}</h1>"]
    for section in view.edition.sections:
        out.append(f"<h2>{escape(section.heading)}</h2>")
        if section.prompt:
            out.append(f"<p>{escape(section.prompt)}</p>")
        for question in section.questions:
            out.append(f"<h3>{escape(question.prompt)}</h3>")
            out.extend(f"<p>{escape(point)}</p>" for point in question.points)
            answer = view.answers.get(question.key)
            out.append(render_markup(answer.text if answer else "") or "<p>Not answered</p>")
    for doc in view.documents:
        out.append(f"<p>{escape(doc.ref)} {escape(doc.title)}</p>{render_markup(doc.synopsis)}")
    for risk in view.risks:
        out.append(f"<p>{escape(risk.group)}</p>{render_markup(risk.risk)}")
        out.append(f"<p>{risk.likelihood} {risk.impact} {risk.risk_factor} {escape(', '.join(risk.leads))}</p>")
        out.append(str(render_markup(risk.mitigation)))
    for m in view.milestones:
        out.append(f"<p>{m.number} {escape(m.theme)} {escape(m.scheme_ref)} {escape(m.task)} {m.depends_on}</p>")
    for scheme in view.schemes:
        out.append(f"<h2>{escape(scheme.ref)} {escape(scheme.name)}</h2><p>{escape(scheme.theme)}</p>")
        for name, label, hint in ANNEX1_FIELDS:
            out.append(f"<h3>{escape(label)}</h3><p>{escape(hint)}</p>")
            out.append(render_markup(getattr(scheme, name)) or "<p>Not answered</p>")
    for c in view.provider_commentaries:
        out.append(f"<h2>{escape(str(c.provider))}</h2><p>{escape(c.ceo)} {c.nel_2013_14_outturn}</p>")
        out.append(str(render_markup(c.disagreement)))
    return "<!DOCTYPE html><html><body>" + "\n".join(str(part) for part in out) + "</body></html>"


def _ms(seconds):
    return f"{seconds * 1000:,.0f} ms"


def main():
    from weasyprint import HTML

    from plans.content.selectors import plan_view
    from plans.outputs import pdf

    plan = _rutland()
    cache_dir = tempfile.TemporaryDirectory(prefix="bench-pdf-")
    settings.PDF_CACHE_DIR = cache_dir.name

    def clear_cache():
        for file in pdf.PdfCache().directory.glob("*.pdf"):
            file.unlink()

    started = time.perf_counter()
    data = pdf.plan_pdf_bytes(plan)  # also imports WeasyPrint and warms fontconfig
    first = time.perf_counter() - started

    view = plan_view(plan)
    floor_html = plain_html(view)
    app_html = pdf.render_html(view)
    images = pdf.plan_images(view)

    def timed(run, wall, cpu):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)

    # Interleaved, so a busy machine slows all three alike.
    cold, floor, layout_only, cold_cpu, floor_cpu, layout_cpu = [], [], [], [], [], []
    for _ in range(ROUNDS):
        clear_cache()
        timed(lambda: pdf.plan_pdf_bytes(plan), cold, cold_cpu)
        timed(lambda: HTML(string=floor_html).write_pdf(), floor, floor_cpu)
        timed(
            lambda: HTML(
                string=app_html, base_url=f"{pdf.ORIGIN}/", url_fetcher=pdf.pdf_url_fetcher(images)
            ).write_pdf(),
            layout_only,
            layout_cpu,
        )

    warm = []
    for _ in range(20):
        started = time.perf_counter()
        pdf.plan_pdf_bytes(plan)
        warm.append(time.perf_counter() - started)

    steps = {}
    started = time.perf_counter()
    view = plan_view(plan)
    steps["view-model"] = time.perf_counter() - started
    started = time.perf_counter()
    digest = pdf.view_digest(view)
    steps["content hash"] = time.perf_counter() - started
    started = time.perf_counter()
    pdf.render_html(view, digest)
    steps["HTML"] = time.perf_counter() - started

    cold_m, floor_m, layout_m, warm_m = (statistics.median(x) for x in (cold, floor, layout_only, warm))
    cpu_ratio = statistics.median(cold_cpu) / statistics.median(floor_cpu)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"plan                {plan.hwb.name}, v{plan.version}: {pages} pages, {len(data):,} bytes")
    print(f"first render        {_ms(first)} (a new process: includes importing WeasyPrint)")
    print(f"cold render         {_ms(cold_m)}  (median of {ROUNDS}; runs {', '.join(_ms(x) for x in cold)})")
    print(f"warm (cached)       {_ms(warm_m)}  (median of {len(warm)}; max {_ms(max(warm))})  target <= 50 ms")
    print(f"floor               {_ms(floor_m)}  (WeasyPrint alone, the same words as plain HTML)")
    print(f"ratio cold / floor  {cold_m / floor_m:.2f}  target <= 1.3  (on CPU time: {cpu_ratio:.2f})")
    print(f"WeasyPrint alone on the application's HTML  {_ms(layout_m)}: cold / that = {cold_m / layout_m:.2f}")
    print("application steps   " + ", ".join(f"{name} {_ms(t)}" for name, t in steps.items()))
    cache_dir.cleanup()
