"""Template context for every page: the service name and the menu items the user's roles give."""

from django.conf import settings

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
    return context
