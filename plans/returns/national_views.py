"""The national view of quarterly returns per period (national viewers and administrators see every
Board; an area team reviewer sees their area's), its CSV, and the upload of the published quarterly
admissions (Django superusers: the service's administrators; a national viewer reads but does not
change national data). Figures come from plans.returns.national in a fixed number of queries."""

import csv
import hashlib
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from bcf.core.spreadsheets import csv_safe
from metrics.charts import released_chart
from plans.models import PublishedAdmissions
from plans.returns import published
from plans.returns.national import NATIONAL, chosen_period, national_returns, national_scope, periods


def _figures(request):
    if national_scope(request.user) is None:
        raise PermissionDenied
    all_periods = periods()
    period = chosen_period(all_periods, request.GET.get("period", ""))
    return all_periods, national_returns(request.user, period)


def can_upload_published(user):
    """National administrators: Django superusers (the people who administer the service)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def _released_chart(boards):
    """The P4P released / not released chart of these Boards (a page of the table: 25 bars, where all
    152 would be a chart 50 inches tall), drawn once per set of figures and kept in the fragments
    cache under the figures' own hash (matplotlib takes a few hundred milliseconds to draw it)."""
    rows = [(b.name, b.paid_to_date, b.not_released) for b in boards if b.paid_to_date is not None]
    if not rows:
        return None
    key = "returns-released-" + hashlib.sha256(repr(rows).encode()).hexdigest()
    cache = caches["fragments"]
    chart = cache.get(key)
    if chart is None:
        drawn = released_chart(rows)
        chart = {"title": drawn.title, "svg": drawn.svg, "alt": drawn.alt} if drawn else None
        cache.set(key, chart, 3600)
    return chart


BLUE, GREY, RED = "#1d70b8", "#b1b4b6", "#d4351c"


def submitted_chart(figures):
    """A single stacked bar of submitted, outstanding (not late) and late-and-outstanding returns, as
    an inline <svg> with presentation attributes only (no inline CSS) and its text alternative."""
    total = len(figures.boards)
    if not total:
        return None
    late = len(figures.outstanding_late)
    parts = [
        ("Submitted", len(figures.submitted), BLUE),
        ("Not yet submitted", len(figures.outstanding) - late, GREY),
        ("Late and not submitted", late, RED),
    ]
    title = f"Returns for {figures.period.code}: submitted and outstanding"
    alt = f"Bar chart of {total} Boards. " + "; ".join(f"{label}: {n}" for label, n, _c in parts) + "."
    width, x, bars, keys = 640, 0.0, [], []
    for i, (label, n, colour) in enumerate(parts):
        w = width * n / total
        if n:
            bars.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="32" fill="{colour}"/>')
        x += w
        keys.append(
            f'<rect x="{i * 215}" y="46" width="14" height="14" fill="{colour}"/>'
            f'<text x="{i * 215 + 20}" y="58" font-size="14" font-family="GDS Transport, arial, sans-serif" '
            f'fill="#0b0c0c">{escape(label)}: {n}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 70" width="100%" role="img" '
        f'aria-labelledby="submitted-title submitted-desc"><title id="submitted-title">{escape(title)}</title>'
        f'<desc id="submitted-desc">{escape(alt)}</desc>{"".join(bars)}{"".join(keys)}</svg>'
    )
    return {"title": title, "svg": svg, "alt": alt}


PER_PAGE = 25


def _page_query(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def national(request):
    all_periods, figures = _figures(request)
    page = Paginator(figures.boards if figures else [], PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/national.html",
        {
            "periods": all_periods,
            "figures": figures,
            "is_national": figures is not None and figures.scope == NATIONAL,
            "released_chart": _released_chart(page.object_list),
            "submitted_chart": submitted_chart(figures) if figures else None,
            "can_upload": can_upload_published(request.user),
            "page": page,
            "page_query": _page_query(request),
        },
    )


CSV_HEADER = [
    "Health and Wellbeing Board",
    "Area team",
    "Period",
    "State",
    "Version",
    "Submitted at",
    "Late",
    "P4P released to date (£)",
    "P4P not released (£)",
]


@login_required
@require_GET
def national_csv(request):
    _periods, figures = _figures(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for board in figures.boards if figures else []:
        at = board.submitted_at
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    board.name,
                    board.area_team,
                    figures.period.code,
                    board.state,
                    board.version,
                    timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "",
                    "Yes" if board.is_late else "No",
                    board.paid_to_date,
                    board.not_released,
                )
            ]
        )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    code = figures.period.code.replace("/", "-").replace(" ", "-") if figures else "none"
    response["Content-Disposition"] = content_disposition_header(True, f"bcf-returns-{code}.csv")
    return response


UPLOAD_OVERHEAD = 64 * 1024  # the multipart envelope and the CSRF token around the file


@login_required
@require_http_methods(["GET", "POST"])
def published_upload(request):
    if not can_upload_published(request.user):
        raise PermissionDenied
    problems, status = [], 200
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > published.MAX_BYTES + UPLOAD_OVERHEAD:
            problems, status = [published.Problem(None, "", "The selected file must be smaller than 1 MB")], 413
        elif "file" not in request.FILES:
            problems = [published.Problem(None, "", "Select a CSV file of published admissions")]
        else:
            upload = request.FILES["file"]
            try:
                data = upload.read(published.MAX_BYTES + 1)
                saved = published.upload(data, request.user)
            except published.UploadProblems as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    f"{saved.total:,} published figure{'s' if saved.total != 1 else ''} saved: "
                    f"{saved.created:,} new, {saved.updated:,} changed, {saved.unchanged:,} unchanged.",
                )
                return redirect("returns:published_upload")
    latest = PublishedAdmissions.objects.order_by("-uploaded_at").values("uploaded_at", "uploaded_by_name").first()
    return render(
        request,
        "returns/national_upload.html",
        {
            "problems": [str(p) for p in problems[: published.MAX_PROBLEMS]],
            "more_problems": max(len(problems) - published.MAX_PROBLEMS, 0),
            "quarters": published.P4P_QUARTERS,
            "max_rows": published.MAX_ROWS,
            "latest": latest,
            "count": PublishedAdmissions.objects.count(),
        },
        status=status if problems else 200,
    )
