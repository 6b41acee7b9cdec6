"""Sign in with an email address and password (usernames are the email addresses)."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from bcf.core.security import client_ip, sign_in_failed, sign_in_locked, sign_in_succeeded


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip()
        if not email or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            # Run the hasher anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def throttled_login_view():
    from django.contrib.auth import views as auth_views
    from django.core.exceptions import NON_FIELD_ERRORS
    from django.forms.utils import ErrorDict

    class LoginView(auth_views.LoginView):
        locked_message = (
            "Too many failed attempts to sign in with this email address. Wait 15 minutes and try again, "
            "or ask your administrator to reset your password."
        )

        def post(self, request, *args, **kwargs):
            email = request.POST.get("username", "")
            if sign_in_locked(email, client_ip(request)):
                form = self.get_form()
                # Set the errors directly: while locked, the password is not even checked.
                form.cleaned_data = {}
                form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([self.locked_message])})
                return self.render_to_response(self.get_context_data(form=form), status=429)
            return super().post(request, *args, **kwargs)

        def form_invalid(self, form):
            sign_in_failed(self.request.POST.get("username", ""), client_ip(self.request))
            return super().form_invalid(form)

        def form_valid(self, form):
            sign_in_succeeded(self.request.POST.get("username", ""), client_ip(self.request))
            return super().form_valid(form)

    return LoginView


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE idle seconds. Each request in use renews the session, but
    it is written back at most once every SESSION_RENEW_SECONDS, not on every page: the idle limit
    holds to within that margin, and reading a page does not cost a database write."""

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.renew_after = settings.SESSION_RENEW_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request already read (a signed-in page); never load one just for this.
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.renew_after:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
