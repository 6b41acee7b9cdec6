"""A quarterly return's PDF (DOMAIN.md §10): the cover, each section, the P4P table and the admissions
chart, the checks' warnings, the signature and the submission. Laid out with WeasyPrint as the plan's
Part 1 is (plans/outputs/pdf.py: its URL fetcher and its bounded child process), tagged for assistive
technology. The figures are worked out here (plans.returns.calculations through the view-model) so
the template, templates/returns/pdf/return.html, only lays them out."""

from decimal import Decimal

from django.template.loader import render_to_string

from bcf.core.issues import WARNING
from plans.models import ConditionStatus
from plans.outputs.pdf import ORIGIN, pdf_url_fetcher, static_url
from plans.returns.checks import SECTION_TITLES, check_return
from plans.returns.document import content_hash
from plans.returns.selectors import return_view

TEMPLATE = "returns/pdf/return.html"
CHART_PATH = "/charts/admissions.jpg"


def money(value):
    if value is None:
        return ""
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def count(value):
    if value is None:
        return ""
    return f"−{abs(value):,}" if value < 0 else f"{value:,}"


def percent(value):
    return "" if value is None else f"{value}%"


def number(value):
    if value is None:
        return ""
    value = Decimal(value).normalize()
    return f"{value:,f}"


def _date(value):
    return f"{value:%-d %B %Y}" if value else ""


def _lines(lines, name):
    return [
        {
            "name": name(line.row),
            "planned": money(line.row.planned),
            "forecast": money(line.row.forecast),
            "actual": money(line.row.actual_to_date),
            "variance": money(line.variance),
            "variance_percent": percent(line.variance_percent),
        }
        for line in lines
    ]


def _totals(totals):
    return {
        "planned": money(totals["planned"]),
        "forecast": money(totals["forecast"]),
        "actual": money(totals["actual_to_date"]),
        "variance": money(totals["variance"]),
        "variance_percent": percent(totals["variance_percent"]),
    }


def _p4p(view):
    if view.schedule is None:
        return None
    rows = [
        {
            "label": q.label,
            "baseline": count(q.baseline),
            "planned": count(q.planned),
            "actual": count(q.actual) or "not reported",
            "planned_reduction": count(q.planned_reduction),
            "achieved_reduction": count(q.achieved_reduction),
            "payment": money(q.payment),
            "paid_to_date": money(q.paid_to_date),
            "not_released": money(q.not_released),
            "own": q.number == view.quarter,
        }
        for q in view.schedule
    ]
    paid, not_released = view.released
    return {
        "unit_saving": money(view.p4p_row.unit_saving),
        "performance_element": money(view.p4p_row.performance_element),
        "rows": rows,
        "paid": money(paid),
        "not_released": money(not_released),
    }


def _submission(ret):
    try:
        submission = ret.submission
    except ret.__class__.submission.RelatedObjectDoesNotExist:
        return None
    return {
        "version": submission.version,
        "at": f"{submission.submitted_at:%-d %B %Y, %H:%M}",
        "by": submission.submitted_by_name,
        "due": _date(submission.due),
        "late": submission.is_late,
        "hash": submission.content_hash,
    }


def document_context(view, chart=None):
    ret = view.ret
    statuses = dict(ConditionStatus.choices)
    issues = check_return(view)
    signature = next((s for s in reversed(view.signatures) if s.voided_at is None), None)
    digest = content_hash(view)
    return {
        "ret": ret,
        "hwb": ret.hwb,
        "period": ret.period,
        "plan": ret.plan,
        "status": ret.get_status_display(),
        "titles": SECTION_TITLES,
        "cover_date": _date(ret.cover_date),
        "pooled": {True: "Yes", False: "No", None: "Not answered"}[ret.pooled],
        "pooled_expected_date": _date(ret.pooled_expected_date),
        "conditions": [
            {
                "label": c.label,
                "status": statuses.get(c.status, "Not answered"),
                "date": _date(c.date),
                "commentary": c.commentary,
            }
            for c in view.conditions
        ],
        "income": _lines(view.income, lambda r: f"{r.organisation} ({r.kind_label or r.kind})"),
        "income_totals": _totals(view.income_totals),
        "expenditure": _lines(view.expenditure, lambda r: f"{r.scheme_ref} {r.scheme_name}".strip()),
        "expenditure_totals": _totals(view.expenditure_totals),
        "p4p": _p4p(view),
        "revisions": [
            {"quarter": r.quarter, "old": count(r.old), "new": count(r.new), "at": _date(r.at), "by": r.by_name}
            for r in view.revisions
        ],
        "chart": chart,
        "metrics": [
            {
                "code": m.row.code,
                "name": m.row.name,
                "baseline": number(m.row.baseline),
                "target": number(m.row.target),
                "target_label": m.row.target_label,
                "period": m.row.period,
                "actual": number(m.row.actual),
                "on_track": {True: "On track", False: "Not on track", None: "Cannot say"}[m.on_track],
            }
            for m in view.metrics
        ],
        "errors": [i for i in issues if i.is_error],
        "warnings": [i for i in issues if i.level == WARNING],
        "signature": signature,
        "signature_holds": signature is not None and signature.content_hash == digest,
        "signed_at": f"{signature.signed_at:%-d %B %Y, %H:%M}" if signature else "",
        "submission": _submission(ret),
        "short_hash": digest[:12],
        "stylesheet": static_url("pdf/part1.css"),
    }


def render_document(view):
    """The HTML of the return's PDF and the images it shows, {path: (bytes, type)}."""
    from metrics.charts import admissions_chart

    chart, extra = None, {}
    drawn = admissions_chart(view.schedule, raster=True) if view.schedule else None
    if drawn is not None:
        chart = {"title": drawn.title, "alt": drawn.alt, "url": f"{ORIGIN}{CHART_PATH}"}
        extra[CHART_PATH] = (drawn.png, "image/jpeg")
    return render_to_string(TEMPLATE, document_context(view, chart)), extra


def layout(html, extra=None):
    """WeasyPrint laying out the return: plain data in, the PDF's bytes out (no database), tagged."""
    from weasyprint import HTML

    fetcher = pdf_url_fetcher(None, extra)
    return HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher).write_pdf(pdf_tags=True)


def return_pdf(ret, *, bounded=True):
    """The return's PDF as bytes. The layout runs in a bounded child process (bcf.core.jobs.run_bounded)
    unless `bounded` is false."""
    html, extra = render_document(return_view(ret))
    if not bounded:
        return layout(html, extra)
    import weasyprint  # noqa: F401 - imported here, so the child inherits it

    from bcf.core.jobs import run_bounded

    return run_bounded(layout, html, extra, what="Laying out the return's PDF")
