"""Service-wide behaviour: security headers, sign-in throttling, health check, accessibility page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_sign_in_is_throttled_after_repeated_failures(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="officer@example.org")
    for _ in range(3):
        assert (
            client.post(reverse("login"), {"username": "officer@example.org", "password": "wrong"}).status_code == 200
        )
    response = client.post(reverse("login"), {"username": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same place is not locked out.
    UserFactory(email="colleague@example.org")
    ok = client.post(reverse("login"), {"username": "colleague@example.org", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_count(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    UserFactory(email="officer@example.org")
    client.post(reverse("login"), {"username": "officer@example.org", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "officer@example.org", "password": PASSWORD}).status_code == 302
    client.logout()
    client.post(reverse("login"), {"username": "officer@example.org", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "officer@example.org", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_accessibility_statement_is_linked_from_every_page(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("accessibility") in page
    statement = client.get(reverse("accessibility")).content.decode()
    assert "WCAG" in statement or "Web Content Accessibility Guidelines" in statement
