"""Every file goes through Django's storage API (STORAGES), so a deployment can put them in object
storage and any instance can serve any file: with both storages in memory, uploads, rendered PDFs,
a submission's files and a resubmission's copies all work and nothing is written under MEDIA_ROOT or
PDF_CACHE_DIR."""

import hashlib
import io
import os

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bcf.core.jobs import run_jobs
from plans.models import RelatedDocument
from plans.workflow import services as workflow
from tests.plans.workflow.test_workflow import NOTTS_CHAIR, NOTTS_EDITOR, person, sign_all_but_chair, sign_as

pytestmark = pytest.mark.django_db


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d70b8").save(buffer, format="PNG")
    return buffer.getvalue()


def test_with_storage_in_memory_nothing_is_written_to_a_path(client, demo, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache-must-stay-empty"
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": memory, "pdf_cache": memory}
    plan = demo["nottinghamshire"]
    diagram = RelatedDocument.objects.create(
        plan=plan, title="Governance", question_key="schemes.governance", content_type="image/png",
        file=SimpleUploadedFile("governance.png", png()), sha256=hashlib.sha256(png()).hexdigest(),
    )  # fmt: skip
    assert storages["default"].exists(diagram.file.name)

    client.force_login(person(NOTTS_EDITOR))
    client.get(reverse("outputs:part1", args=[plan.pk]))  # the draft preview, made by a job
    run_jobs()
    preview = client.get(reverse("outputs:part1_pdf", args=[plan.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF-")
    assert any(name.endswith(".pdf") for name in storages["pdf_cache"].listdir("")[1])

    plan = workflow.plan_mark_ready(plan=plan, user=person(NOTTS_EDITOR))
    plan = sign_as(NOTTS_CHAIR, sign_all_but_chair(plan))
    workflow.plan_submit(plan=plan, user=person(NOTTS_EDITOR))
    run_jobs()
    assert client.get(reverse("workflow:download", args=[plan.pk, "pdf"])).status_code == 200
    plan.refresh_from_db()
    workflow.plan_return(plan=plan, user=person("reviewer@dn-at.example.org"), reasons="More detail.")
    plan.refresh_from_db()
    new = workflow.resubmission_start(plan=plan, user=person(NOTTS_EDITOR))
    copy = RelatedDocument.objects.get(plan=new, question_key="schemes.governance")
    assert copy.file.name != diagram.file.name and storages["default"].open(copy.file.name).read() == png()

    for folder in (settings.MEDIA_ROOT, settings.PDF_CACHE_DIR):
        assert not os.path.exists(folder) or not os.listdir(folder), folder
