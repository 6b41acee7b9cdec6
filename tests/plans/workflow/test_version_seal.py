"""Each submitted version keeps a chained digest of its files (issue 12, item 7): a stored file
deleted and put back with a recomputed SHA-256 is no longer served as intact, and the reviewer's
page says the version's record does not hold."""

import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from plans.models import SubmissionFile, VersionSeal
from plans.workflow import services as workflow
from plans.workflow.seals import seal_problems
from tests.plans.review.test_review import NOTTS_EDITOR, NOTTS_REVIEWER, person, submit_notts


@pytest.fixture
def v1(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return submit_notts(demo["nottinghamshire"])


@pytest.mark.django_db
def test_versions_are_sealed_in_a_chain(v1):
    seal = VersionSeal.objects.get(submission__plan=v1)
    files = dict(SubmissionFile.objects.filter(submission__plan=v1).values_list("kind", "sha256"))
    assert seal.files == files and set(files) >= {"json", "pdf", "xlsx"}
    assert seal.previous_digest == ""
    workflow.plan_return(plan=v1, user=person(NOTTS_REVIEWER), reasons="Again")
    v1.refresh_from_db()
    v2 = submit_notts(workflow.resubmission_start(plan=v1, user=person(NOTTS_EDITOR)))
    assert VersionSeal.objects.get(submission__plan=v2).previous_digest == seal.digest
    assert seal_problems(v2.submission) == []


@pytest.mark.django_db
def test_a_file_deleted_and_put_back_with_a_recomputed_hash_is_not_served(client, v1):
    stored = SubmissionFile.objects.get(submission__plan=v1, kind="json")
    forged = (
        stored.content.tobytes().replace(b"Nottinghamshire", b"Nottinghamshyre")
        if hasattr(stored.content, "tobytes")
        else bytes(stored.content).replace(b"Nottinghamshire", b"Nottinghamshyre")
    )
    with connection.cursor() as cursor:  # behind the application's back, its guards switched off
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE plans_submissionfile DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM plans_submissionfile WHERE id = %s", [stored.pk])
    SubmissionFile.objects.create(
        submission=stored.submission,
        kind="json",
        filename=stored.filename,
        content_type=stored.content_type,
        content=forged,
        size=len(forged),
        sha256=hashlib.sha256(forged).hexdigest(),
        created_at=stored.created_at,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE plans_submissionfile ENABLE TRIGGER USER")
    client.force_login(person(NOTTS_REVIEWER))
    response = client.get(reverse("workflow:download", args=[v1.pk, "json"]))
    assert response.status_code == 500 and b"Nottinghamshyre" not in response.content
    page = client.get(reverse("review:plan", args=[v1.pk])).content.decode()
    assert "This version&#x27;s stored record does not hold" in page or "stored record does not hold" in page
    assert "JSON file is not the one sealed" in page
    # Once the version's record is broken, none of its files is served as the one submitted.
    assert client.get(reverse("workflow:download", args=[v1.pk, "pdf"])).status_code == 500
