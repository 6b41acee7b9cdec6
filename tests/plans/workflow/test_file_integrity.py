"""The version reference that signatures bind includes every uploaded file's SHA-256, and a file
replaced in storage after signing is refused (issue 12, item 7)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.content.selectors import plan_view
from plans.models import RelatedDocument
from plans.outputs.pdf import plan_images
from plans.workflow import services as workflow
from tests.plans.content.test_views import png_bytes
from tests.plans.review.test_review import NOTTS_CCG_SIGNATORIES, NOTTS_CHAIR, NOTTS_COUNCIL, NOTTS_EDITOR, person


@pytest.fixture
def notts_with_image(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    plan = demo["nottinghamshire"]
    client.force_login(person(NOTTS_EDITOR))
    response = client.post(
        reverse("plans:row_add", args=[plan.pk, "documents"]),
        {
            "revision": 0,
            "title": "Governance structure",
            "file": SimpleUploadedFile("governance.png", png_bytes(), "image/png"),
            "question_key": "schemes.governance",
        },
    )
    assert response.status_code == 302
    return plan


@pytest.mark.django_db
def test_the_upload_records_its_sha256_and_the_version_reference_includes_it(notts_with_image):
    image = RelatedDocument.objects.get(plan=notts_with_image, title="Governance structure")
    assert image.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    before = plan_view(notts_with_image).content_hash
    RelatedDocument.objects.filter(pk=image.pk).update(sha256="0" * 64)  # another file, same name
    assert plan_view(notts_with_image).content_hash != before


@pytest.mark.django_db
def test_a_file_replaced_in_storage_after_signing_is_refused_and_left_out_of_the_pdf(notts_with_image):
    plan = workflow.plan_mark_ready(plan=notts_with_image, user=person(NOTTS_EDITOR))
    for email in [*NOTTS_CCG_SIGNATORIES, NOTTS_COUNCIL, NOTTS_CHAIR]:
        user = person(email)
        plan = workflow.plan_sign(
            plan=plan, user=user, organisations=[o.key for o in workflow.organisations_for(user, plan)]
        )
    image = RelatedDocument.objects.get(plan=plan, title="Governance structure")
    with image.file.open("wb") as handle:  # behind the application's back
        handle.write(png_bytes() + b"tampered")
    view = plan_view(plan)
    assert image.pk not in plan_images(view)
    with pytest.raises(workflow.FilesChanged, match="governance.png"):
        workflow.plan_submit(plan=plan, user=person(NOTTS_EDITOR))
    plan.refresh_from_db()
    assert plan.status == "SIGNED_OFF"
