"""A submitted return's stored files, for everyone who may read the return (plans.access)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from plans.access import return_for_user
from plans.models import FileKind, ReturnFile


@login_required
@require_GET
def return_file(request, return_id, kind):
    """The stored PDF, workbook or JSON of a submitted return, exactly as stored; 404 until it is ready."""
    ret = return_for_user(request.user, return_id)
    if kind not in FileKind.values:
        raise Http404("No such file")
    stored = ReturnFile.objects.filter(submission__quarterly_return=ret, kind=kind).first()
    if stored is None:
        raise Http404("The file is not ready")
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(kind != FileKind.PDF, stored.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = f'"{stored.sha256}"'
    return response
