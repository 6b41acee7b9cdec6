"""Start a draft plan from a Word document (upload, review, confirm) and download Part 1 as Word.

The parsed document waits in the editor's session between the upload and the confirmation (one at a
time, bounded in size): nothing is written to the plan tables until the editor confirms. Every plan
and Board is found through the user's roles, so another Board's is a 404.
"""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from bcf.core.imports import PlanImportError
from bcf.core.markup import render_markup

from .. import editions as ed
from ..access import plan_for_user, roles_for_user
from ..content.selectors import plan_view
from ..editions import get_edition, question_label
from ..models import HealthAndWellbeingBoard, Plan, Role
from .exporter import CONTENT_TYPE, build_docx, docx_filename
from .forms import WordReviewForm, WordUploadForm
from .importer import Draft, answer_parts
from .reader import DocumentError, max_upload_bytes
from .services import document_import

SESSION_KEY = "word_import"
# The session row holds at most one pending document: the reader's text limit plus room for markup.
MAX_PENDING_CHARS = 3_000_000
PREVIEW_CHARS = 600
UPLOAD_OVERHEAD = 64 * 1024  # room for the form's other fields around the file in a multipart body


def boards_for_editor(user):
    """The Boards whose plans the user may start: those they are a plan editor for."""
    ids = {r.hwb_id for r in roles_for_user(user) if r.role == Role.EDITOR and r.hwb_id}
    return HealthAndWellbeingBoard.objects.filter(pk__in=ids).order_by("name")


def can_start_from_word(user):
    return user.is_authenticated and any(r.role == Role.EDITOR and r.hwb_id for r in roles_for_user(user))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    boards = boards_for_editor(request.user)
    if not boards:
        raise Http404("No Board to start a plan for")
    limit = max_upload_bytes()
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit + UPLOAD_OVERHEAD:
        # Refused before the body is read: a 50 MB upload is not written to disk to be turned away.
        form = WordUploadForm(data={}, boards=boards)
        for name in [name for name in form.errors if name != "file"]:
            del form.errors[name]  # the other answers were in the unread body: only the file is wrong
        form.errors["file"] = form.error_class([f"The selected file must be smaller than {limit // (1024 * 1024)} MB"])
        return render(request, "plans/word/upload.html", {"form": form}, status=413)
    if request.method == "POST":
        form = WordUploadForm(request.POST, request.FILES, boards=boards)
        if form.is_valid():
            draft = form.cleaned_data["draft"]
            pending = {
                "token": uuid.uuid4().hex,
                "hwb": form.cleaned_data["hwb"].pk,
                "round": form.cleaned_data["round"],
                "draft": draft.as_dict(),
            }
            if len(json.dumps(pending)) > MAX_PENDING_CHARS:
                form.add_error(
                    "file", "The document has more text than one plan can hold: split it, or remove appendices"
                )
            else:
                request.session[SESSION_KEY] = pending
                return redirect("word:review", pending["token"])
    else:
        form = WordUploadForm(boards=boards)
    return render(request, "plans/word/upload.html", {"form": form})


def _pending(request, token):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != token:
        return None
    board = boards_for_editor(request.user).filter(pk=pending["hwb"]).first()
    if board is None:
        return None
    return pending, board, Draft.from_dict(pending["draft"])


def _questions(draft):
    """Each question of the edition with what was placed in it, for the review page."""
    edition = get_edition(draft.edition)
    out = []
    for section in edition.sections:
        for question in section.questions:
            items = draft.items_for(question.key)
            text = "\n\n".join(item.text for item in items)
            parts = (answer_parts(question, text) or {}) if text else {}
            found = []
            if parts.get(ed.YES) is not None:
                found.append((question.label_for(ed.YES), "Yes" if parts[ed.YES] else "No"))
            if parts.get(ed.DATE):
                found.append((question.label_for(ed.DATE), parts[ed.DATE]))
            out.append(
                {
                    "key": question.key,
                    "label": question_label(section, question),
                    "prompt": question.prompt,
                    "count": len(items),
                    "characters": len(text),
                    "preview": text[:PREVIEW_CHARS],
                    "html": render_markup(text),
                    "long": len(text) > PREVIEW_CHARS,
                    "found": found,
                }
            )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def review(request, token):
    found = _pending(request, token)
    if found is None:
        messages.info(request, "That document is no longer waiting to be checked: upload it again.")
        return redirect("word:upload")
    pending, board, draft = found
    if request.method == "POST" and request.POST.get("action") == "cancel":
        request.session.pop(SESSION_KEY, None)
        messages.info(request, f"{draft.filename or 'The document'} was discarded: no plan was created.")
        return redirect("plans:home")
    form = WordReviewForm(request.POST or None, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            plan = document_import(
                draft=draft,
                user=request.user,
                hwb_name=board.name,
                assignments=form.assignments(),
                round=pending["round"],
            )
        except (DocumentError, PlanImportError) as exc:
            form.add_error(None, f"The plan was not created: {exc}")
        else:
            request.session.pop(SESSION_KEY, None)
            moved = sum(1 for key in form.assignments().values() if key)
            placed = sum(1 for item in draft.items if item.target) + moved
            messages.success(
                request,
                f"Draft plan created from {draft.filename or 'the document'}: {placed} passages placed, "
                f"{len(draft.unplaced) - moved} discarded",
            )
            return redirect("plans:overview", plan.pk)
    current = Plan.objects.filter(hwb=board, round=pending["round"], is_current=True).first()
    edition = get_edition(draft.edition)
    rounds = {code: label for code, label, _ in edition.rounds}
    unplaced = [
        {"item": item, "field": form[f"item_{item.id}"], "html": render_markup(item.text)} for item in draft.unplaced
    ]
    return render(
        request,
        "plans/word/review.html",
        {
            "form": form,
            "draft": draft,
            "board": board,
            "edition": edition,
            "round_label": rounds.get(pending["round"], pending["round"]),
            "current": current,
            "questions": _questions(draft),
            "unplaced": unplaced,
            "summary": draft.summary,
            "token": token,
        },
    )


@login_required
@require_GET
def part1_docx(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    response = HttpResponse(build_docx(plan_view(plan)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, docx_filename(plan))
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
