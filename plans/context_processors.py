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
