"""Abuse bounded (issue 16): password spraying from one address, a weak production secret key,
methods no page handles, and duplicate names in the area zip."""

import hashlib
import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from plans.models import Role, SubmissionFile
from plans.review.exports import unique_entry_name
from tests.factories import PASSWORD, AreaTeamFactory, PlanFactory, RoleFactory, UserFactory, bulk_submitted_plans


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_one_password_sprayed_across_many_accounts_from_one_address_is_slowed(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for n in range(10):
        UserFactory(email=f"officer{n}@example.org")
        response = client.post(reverse("login"), {"username": f"officer{n}@example.org", "password": "Summer2014!"})
        assert response.status_code == 200  # each account failed once only: the per-email lock never fires
    UserFactory(email="victim@example.org")
    response = client.post(reverse("login"), {"username": "victim@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts to sign in from your network" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = client.post(
        reverse("login"), {"username": "victim@example.org", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 302


def _settings_with(env):
    """Import the settings in a fresh interpreter with `env`; return (exit status, stderr)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ENV")}
    environment.update(env)
    done = subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", "import bcf.settings"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "a" * 80,
        "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc",
        "django-insecure-" + "x1y2z3w4v5u6t7s8r9q0p1o2n3m4l5k6j7i8h9g0",
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    status, stderr = _settings_with({"DJANGO_ENV": "production", "SECRET_KEY": key})
    assert status != 0 and "SECRET_KEY is too weak for production" in stderr


def test_production_starts_with_a_strong_secret_key():
    from django.core.management.utils import get_random_secret_key

    status, stderr = _settings_with({"DJANGO_ENV": "production", "SECRET_KEY": get_random_secret_key()})
    assert status == 0, stderr


def test_development_keeps_its_default_key():
    status, stderr = _settings_with({})
    assert status == 0, stderr


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "delete", "trace", "patch"])
def test_read_only_pages_answer_405_to_methods_they_do_not_handle(client, method):
    plan = PlanFactory()
    editor = RoleFactory(role=Role.EDITOR, hwb=plan.hwb).user
    client.force_login(editor)
    for url in (
        reverse("plans:home"),
        reverse("plans:overview", args=[plan.pk]),
        reverse("plans:check", args=[plan.pk]),
        reverse("plans:history", args=[plan.pk]),
        reverse("metrics:summary", args=[plan.pk]),
        reverse("accessibility"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert "POST" in response["Allow"] and method.upper() not in response["Allow"]
    assert client.get(reverse("plans:overview", args=[plan.pk])).status_code == 200


def test_zip_entry_names_are_made_unique():
    used = set()
    names = [unique_entry_name(n, used) for n in ["a/plan-v1.pdf", "a/plan-v1.pdf", "A/Plan-v1.pdf", "a/README"]]
    assert names == ["a/plan-v1.pdf", "a/plan-v1 (2).pdf", "A/Plan-v1 (3).pdf", "a/README"]


@pytest.mark.django_db
def test_the_area_zip_keeps_both_files_when_two_plans_share_a_name_and_version_label(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    area = AreaTeamFactory()
    first = bulk_submitted_plans(area, 1, prefix="St Helens")[0]
    second = bulk_submitted_plans(area, 1, prefix="St. Helens")[0]  # the same folder once slugified
    stored = SubmissionFile.objects.get(submission__plan=second)
    content = b"the second plan's Part 1"
    SubmissionFile.objects.create(  # stored files never change: add one with the first plan's file name
        submission=stored.submission,
        kind="pdf",
        filename=SubmissionFile.objects.get(submission__plan=first).filename,
        content_type="application/pdf",
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=stored.created_at,
    )
    client.force_login(RoleFactory(role=Role.REVIEWER, area_team=area).user)
    response = client.get(reverse("review:area_zip"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        contents = {archive.read(n) for n in names}
    assert len(names) == 3 and len(set(names)) == 3
    assert len(contents) == 3  # every file is there, none hidden behind another of the same name
