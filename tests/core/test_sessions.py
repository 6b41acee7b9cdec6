"""Sessions end after two idle hours (SESSION_COOKIE_AGE); pages renew them, writing the session back
at most once every SESSION_RENEW_SECONDS rather than on every page view."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from bcf.core.auth import IdleSessionMiddleware
from tests.factories import PlanFactory, editor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    plan = PlanFactory()
    client.force_login(editor_for(plan))
    client.get(reverse("plans:overview", args=[plan.pk]))
    return client, plan


def stored(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_pages_within_the_renewal_interval_do_not_write_the_session(signed_in, django_assert_num_queries):
    client, plan = signed_in
    before = stored(client).expire_date
    for _ in range(3):
        client.get(reverse("plans:overview", args=[plan.pk]))
    assert stored(client).expire_date == before
    with django_assert_num_queries(0):
        client.get(reverse("ping"))  # and a page that does not read the session never loads it


def test_a_page_after_the_renewal_interval_renews_the_session(signed_in, settings, monkeypatch):
    client, plan = signed_in
    before = stored(client).expire_date
    later = time.time() + settings.SESSION_RENEW_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("plans:overview", args=[plan.pk]))
    renewed = stored(client)
    assert renewed.expire_date > before
    assert renewed.get_decoded()[IdleSessionMiddleware.KEY] == int(later)


def test_an_idle_session_is_signed_out(signed_in):
    client, plan = signed_in
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)  # two idle hours have passed
    )
    response = client.get(reverse("plans:overview", args=[plan.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
