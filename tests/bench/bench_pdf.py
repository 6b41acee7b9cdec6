"""The Part 1 PDF of the largest demo plan (Rutland) and of a 2014-04 plan with Part 2 charts: cold
render, warm (cached) time, and the floor; and the five-answers-of-60,000-characters case.

cold   plan_pdf_bytes(plan) with an empty cache, in a warm process (as a worker renders): the
       view-model, the content hash, the HTML and charts, WeasyPrint in its bounded child process,
       the cache write. CPU time, the child's included.
warm   plan_pdf_bytes(plan) again: the view-model and content hash, then the cached file.
floor  WeasyPrint alone rendering the same words as plain HTML (every prompt, answer and table cell as
       headings, paragraphs and the answers' own Markdown tables; no stylesheet, contents, running
       headers or layout tables), built before the clock starts: no application work at all.
Target (issue 11): cold / floor <= 1.5 for both plans; warm <= 50 ms. Figures are printed, never
asserted. The runs are interleaved and measured on CPU time, which a busy machine disturbs less.
"""

import io
import resource
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


def _cpu():
    """CPU time of this process and of its finished children: a render's layout runs in a child."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _long_words_plan():
    """Five answers of 60,000 characters of "a" (the forms allow it): before issue 11 this took 289 s."""
    from plans.content.plan_json import import_plan
    from plans.models import Plan
    from tests.conftest import demo_document

    name = "Bench long words Health and Wellbeing Board"
    plan = Plan.objects.filter(hwb__name=name).first()
    if plan is None:
        from tests.bench.load_setup import renamed

        doc = renamed(demo_document("cheshire-east"), name, "Bench long words Council")
        for key in list(doc["answers"])[:5]:
            doc["answers"][key]["text"] = "a" * 60_000
        plan = import_plan(doc)
    return plan


def measure(plan, rounds=ROUNDS):
    """Cold render (the worker's way: view-model, HTML and charts here, layout in a bounded child,
    cache write) against the floor, interleaved, on CPU time."""
    from weasyprint import HTML

    from plans.content.selectors import plan_view
    from plans.outputs import pdf

    cache = pdf.PdfCache()

    def clear_cache():
        for name in cache.storage.listdir("")[1]:
            cache.storage.delete(name)

    view = plan_view(plan)
    floor_html = plain_html(view)
    cold_cpu, floor_cpu, data = [], [], None
    for _ in range(rounds):
        clear_cache()
        started = _cpu()
        data = pdf.plan_pdf_bytes(plan)
        cold_cpu.append(_cpu() - started)
        started = _cpu()
        HTML(string=floor_html).write_pdf()
        floor_cpu.append(_cpu() - started)
    cold, floor = statistics.median(cold_cpu), statistics.median(floor_cpu)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"plan                {plan.hwb.name}, {plan.edition}: {pages} pages, {len(data):,} bytes")
    print(f"  cold render       {_ms(cold)} CPU (median of {rounds}; {', '.join(_ms(x) for x in cold_cpu)})")
    print(f"  floor             {_ms(floor)} CPU (WeasyPrint alone, the same words as plain HTML)")
    print(f"  ratio cold/floor  {cold / floor:.2f}  target <= 1.5 (issue 11)")
    return data


def main():
    from plans.content.selectors import plan_view
    from plans.outputs import pdf
    from tests.bench.pdf_plans import plan_2014_04_with_part2

    call_command("migrate", verbosity=0)  # its own database, even on a fresh clone
    cache_dir = tempfile.TemporaryDirectory(prefix="bench-pdf-")
    settings.PDF_CACHE_DIR = cache_dir.name
    settings.STORAGES = {
        **settings.STORAGES,
        "pdf_cache": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": cache_dir.name},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("pdf_cache", None)

    started = time.perf_counter()
    pdf.warm_up()  # what a worker does when it starts: WeasyPrint, matplotlib, fonts
    print(f"worker warm-up      {_ms(time.perf_counter() - started)} (imports, stylesheet, sample page; once)")
    rutland = _rutland()
    measure(plan_2014_04_with_part2())
    measure(rutland)

    warm = []
    for _ in range(20):
        started = time.perf_counter()
        pdf.plan_pdf_bytes(rutland)
        warm.append(time.perf_counter() - started)
    print(f"warm (cached)       {_ms(statistics.median(warm))}  (median of {len(warm)}; max {_ms(max(warm))})")

    plan = _long_words_plan()
    started, started_wall = _cpu(), time.perf_counter()
    data = pdf.render_pdf(plan_view(plan))
    cpu, wall = _cpu() - started, time.perf_counter() - started_wall
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"five answers of 60,000 characters of 'a': {_ms(cpu)} CPU ({_ms(wall)} wall), {pages} pages (was 289 s)")
    cache_dir.cleanup()
