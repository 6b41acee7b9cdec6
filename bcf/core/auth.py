"""Sign in with an email address and password (usernames are the email addresses)."""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

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
        locked_messages = {
            "email": "Too many failed attempts to sign in with this email address. Wait 15 minutes and try again, "
            "or ask your administrator to reset your password.",
            "address": "Too many failed attempts to sign in from your network. Wait 15 minutes and try again.",
        }

        def post(self, request, *args, **kwargs):
            email = request.POST.get("username", "")
            locked = sign_in_locked(email, client_ip(request))
            if locked:
                form = self.get_form()
                # Set the errors directly: while locked, the password is not even checked.
                form.cleaned_data = {}
                form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([self.locked_messages[locked]])})
                return self.render_to_response(self.get_context_data(form=form), status=429)
            return super().post(request, *args, **kwargs)

        def form_invalid(self, form):
            sign_in_failed(self.request.POST.get("username", ""), client_ip(self.request))
            return super().form_invalid(form)

        def form_valid(self, form):
            sign_in_succeeded(self.request.POST.get("username", ""), client_ip(self.request))
            return super().form_valid(form)

    return LoginView


# The section whose typed text the browser may now forget (static/bcf/drafts.js): set by a successful
# save, read once by the next page.
SAVED_DRAFT_KEY = "bcf_saved_draft"


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE idle seconds. Each request in use renews the session, but
    it is written back at most once every SESSION_RENEW_SECONDS, not on every page: the idle limit
    holds to within that margin, and reading a page does not cost a database write."""

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if getattr(request, "keeps_session_idle", False):
            return response  # a background request (presence heartbeat) is not the person using the service
        # Only a session this request already read (a signed-in page); never load one just for this.
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            # Read each time (not kept from start-up), so the page's countdown and this always agree.
            if now - session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


def session_seconds_left(request):
    """Seconds until this signed-in session ends if the person does nothing more. The session's expiry
    was last written at `_renewed_at`; this request writes it again if that was long enough ago."""
    now = int(time.time())
    renewed = request.session.get(IdleSessionMiddleware.KEY, 0)
    if now - renewed >= settings.SESSION_RENEW_SECONDS:
        return settings.SESSION_COOKIE_AGE
    return max(settings.SESSION_COOKIE_AGE - (now - renewed), 0)


@never_cache
@require_POST
def keep_signed_in(request):
    """ "Stay signed in" in the timeout warning: renew the session now and say how long it lasts."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    request.session[IdleSessionMiddleware.KEY] = int(time.time())  # saved with a fresh expiry
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE})
    target = request.POST.get("return_to", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = resolve_url("plans:home")
    return redirect(target)


def signed_in_required(view):
    """login_required that tells the sign-in page when a form was sent after the session ended, so it
    can say the person was signed out (their typed text is kept in the browser, static/bcf/drafts.js)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        query = {"next": request.get_full_path()}
        if request.method == "POST":
            query["signed_out"] = "1"
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}")

    return wrapped


def signed_out(request):
    """Where signing out lands, and where the timeout warning sends someone whose time ran out."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    sign_in = resolve_url(settings.LOGIN_URL) + (f"?{urlencode({'next': target})}" if target else "")
    return render(
        request,
        "registration/signed_out.html",
        {"timed_out": request.GET.get("timeout") == "1", "sign_in_url": sign_in, "idle_time": idle_time()},
    )


def idle_time():
    """How long idle ends a session, in words: "2 hours", "30 minutes"."""
    seconds = settings.SESSION_COOKIE_AGE
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and (seconds % size == 0 or unit == "second"):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"
