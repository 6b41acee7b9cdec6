"""Template context for every page: the service name and the menu items the user's roles give."""

from django.conf import settings

from bcf.core.auth import SAVED_DRAFT_KEY, session_seconds_left
from plans.access import roles_for_user
from plans.models import Role


def service(request):
    """The service name and which menu items the signed-in person's roles give them."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        roles = {r.role for r in roles_for_user(user)}
        context["nav_review"] = Role.REVIEWER in roles
        context["nav_national"] = Role.NATIONAL in roles
        # The timeout warning (static/bcf/session.js) and the drafts kept in the browser (drafts.js).
        context["session_seconds_left"] = session_seconds_left(request)
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
        context["saved_draft"] = request.session.pop(SAVED_DRAFT_KEY, "") if SAVED_DRAFT_KEY in request.session else ""
    return context


CARRIED_ERROR = "carried_form_error"


def carry_form_error(request, *, path, field_id, message, value=""):
    """Keep a form's error across the redirect to the page that shows the field (a comment box far down
    a section page): that page shows it in its error summary and next to the field, with the text kept."""
    request.session[CARRIED_ERROR] = {"path": path, "field_id": field_id, "message": message, "value": value}


def carried_form_error(request):
    """`carried_error` for the page the error was carried to, once; base.html puts it in the summary."""
    session = getattr(request, "session", None)
    if session is None or CARRIED_ERROR not in session:
        return {}
    error = session.get(CARRIED_ERROR)
    if not isinstance(error, dict) or error.get("path") != request.path:
        return {}
    del session[CARRIED_ERROR]
    return {"carried_error": error}
