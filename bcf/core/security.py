"""Security headers and sign-in throttling.

The Content-Security-Policy allows only the service's own scripts, styles, fonts and images (no
inline script or style), so injected markup could not run even if it reached a page.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotAllowed

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class MethodAllowlistMiddleware:
    """Answer 405 to PUT, DELETE, PATCH, TRACE and every other method no page of the service handles,
    so a read-only page never answers them as if they were GET."""

    ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


def _key(email, ip):
    digest = hashlib.sha256(f"{(email or '').strip().lower()}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def _address_key(ip):
    return f"login-failures-from:{hashlib.sha256(str(ip).encode()).hexdigest()}"


def client_ip(request):
    if settings.TRUSTED_PROXY_COUNT and "HTTP_X_FORWARDED_FOR" in request.META:
        hops = [h.strip() for h in request.META["HTTP_X_FORWARDED_FOR"].split(",")]
        return hops[-settings.TRUSTED_PROXY_COUNT] if len(hops) >= settings.TRUSTED_PROXY_COUNT else hops[0]
    return request.META.get("REMOTE_ADDR", "")


def sign_in_locked(email, ip):
    """Why sign-in is refused: "email" when this email has failed too often from this address,
    "address" when this address has failed too often whatever the email (one password sprayed across
    many accounts); None when it is not."""
    if cache.get(_key(email, ip), 0) >= settings.LOGIN_FAILURE_LIMIT:
        return "email"
    if cache.get(_address_key(ip), 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return "address"
    return None


def _count(key):
    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def sign_in_failed(email, ip):
    _count(_key(email, ip))
    _count(_address_key(ip))


def sign_in_succeeded(email, ip):
    # The address's count stays: a sprayer who guesses one account right is still slowed for the rest.
    cache.delete(_key(email, ip))
