from django.conf import settings


def service(request):
    """The service name and which menu items the signed-in person's roles give them."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from plans.content.selectors import roles_for_user

        roles = {r.role for r in roles_for_user(user)}
        context["nav_review"] = "reviewer" in roles or user.is_superuser
        context["nav_national"] = "national" in roles or user.is_superuser
    return context
