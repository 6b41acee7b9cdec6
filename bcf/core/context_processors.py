from django.conf import settings

SAVED_DRAFT_KEY = "bcf_saved_draft"


def service(request):
    """The service name and which menu items the signed-in person's roles give them."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from plans.selectors import roles_for_user

        roles = {r.role for r in roles_for_user(user)}
        context["nav_review"] = "reviewer" in roles or user.is_superuser
        context["nav_national"] = "national" in roles or user.is_superuser
        # The timeout warning (static/bcf/session.js) and the drafts kept in the browser (drafts.js).
        from .auth import session_seconds_left

        context["session_seconds_left"] = session_seconds_left(request)
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
        context["saved_draft"] = request.session.pop(SAVED_DRAFT_KEY, "") if SAVED_DRAFT_KEY in request.session else ""
    return context
