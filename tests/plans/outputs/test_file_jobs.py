"""Files and e-mails made by background jobs (issue 11): a submission answers at once and its files
arrive through the real database queue and the backend's own worker steps; a render is bounded in
time and memory and fails with a message for the editor; e-mails are retried with backoff and a
permanent failure is shown to administrators."""

import hashlib
import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from bcf.core.imports import PlanImportError
from bcf.core.jobs import LimitExceeded, enqueue, run_bounded
from bcf.core.models import OutgoingEmail
from bcf.core.uploads import check_upload
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.models import Answer, FileJob, FileJobStatus, FileKind, Submission, SubmissionFile
from plans.outputs import pdf
from plans.workflow import services as workflow
from plans.workflow.files import render_version_file
from tests.conftest import demo_document
from tests.plans.workflow.test_workflow import (
    NOTTS_CHAIR,
    NOTTS_EDITOR,
    NOTTS_REVIEWER,
    person,
    sign_all_but_chair,
    sign_as,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ready(demo):
    return workflow.plan_mark_ready(plan=demo["nottinghamshire"], user=person(NOTTS_EDITOR))


@pytest.fixture
def signed_off(ready):
    return sign_as(NOTTS_CHAIR, sign_all_but_chair(ready))


def due_now():
    """Bring every job waiting for a retry's delay forward to now (instead of sleeping)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


class TestSubmissionFiles:
    def test_submit_answers_without_rendering_and_the_version_page_shows_files_being_prepared_then_ready(
        self, client, signed_off, run_jobs, mailoutbox
    ):
        run_jobs()  # the e-mails of sign-off
        mailoutbox.clear()
        client.force_login(person(NOTTS_EDITOR))
        started = time.process_time()
        response = client.post(reverse("workflow:submit", args=[signed_off.pk]))
        assert response.status_code == 302
        assert time.process_time() - started < 5  # no PDF laid out in the request (a render takes seconds)
        submission = Submission.objects.get(plan=signed_off)
        assert not SubmissionFile.objects.filter(submission=submission).exists()
        jobs = FileJob.objects.filter(submission=submission)
        assert sorted(jobs.values_list("kind", flat=True)) == ["json", "pdf", "xlsx"]
        assert set(jobs.values_list("status", flat=True)) == {FileJobStatus.QUEUED}
        assert DBTaskResult.objects.filter(status="READY", task_path=render_version_file.module_path).count() == 3

        versions = client.get(reverse("workflow:versions", args=[signed_off.pk]))
        assert versions["Refresh"] == "3"
        page = text_of(versions)
        assert page.count("Being prepared") == 3 and versions.content.decode().count('data-file-status="queued"') == 3
        assert "SHA-256 <code" not in versions.content.decode()
        assert mailoutbox == []  # the reviewers hear once the files are stored

        run_jobs()
        versions = client.get(reverse("workflow:versions", args=[signed_off.pk]))
        assert not versions.has_header("Refresh")
        page = text_of(versions)
        assert "Being prepared" not in page
        for stored in submission.files.all():
            assert stored.sha256 in page and hashlib.sha256(bytes(stored.content)).hexdigest() == stored.sha256
            assert stored.get_kind_display() in page
        assert [m.to for m in mailoutbox] == [[NOTTS_REVIEWER]]
        assert submission.files.get(kind=FileKind.PDF).sha256 in mailoutbox[0].body

    def test_a_rerun_keeps_the_one_stored_file_and_checks_its_sha256(self, signed_off, run_jobs):
        submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        run_jobs()
        before = {f.kind: f.sha256 for f in submission.files.all()}
        job = FileJob.objects.get(submission=submission, kind=FileKind.JSON)
        FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.QUEUED)
        enqueue(render_version_file, job.pk)
        run_jobs()
        assert {f.kind: f.sha256 for f in submission.files.all()} == before
        assert FileJob.objects.get(pk=job.pk).status == FileJobStatus.READY

    def test_a_submission_that_rolls_back_leaves_no_job_behind(self, signed_off, monkeypatch):
        def refuse(**kwargs):
            if kwargs.get("field", "").endswith("submitted"):
                raise RuntimeError("the history could not be written")

        monkeypatch.setattr(workflow, "record", refuse)
        with pytest.raises(RuntimeError):
            workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        assert not Submission.objects.exists() and not FileJob.objects.exists()
        assert not DBTaskResult.objects.filter(task_path=render_version_file.module_path).exists()


class TestBoundedRenders:
    def test_a_render_past_its_time_limit_fails_with_a_message_on_the_preparing_page(
        self, client, demo, settings, run_jobs
    ):
        settings.RENDER_TIME_LIMIT_SECONDS = 1  # Rutland's 75 pages take several seconds
        plan = demo["rutland"]
        client.force_login(person("editor@rutland.example.org"))
        client.get(reverse("outputs:part1", args=[plan.pk]))
        run_jobs()
        response = client.get(reverse("outputs:part1", args=[plan.pk]))
        assert response.status_code == 503
        assert "took longer than 1 seconds and was stopped" in text_of(response)
        assert FileJob.objects.get(plan=plan).status == FileJobStatus.FAILED

    def test_a_render_past_its_memory_ceiling_is_stopped_with_a_message(self, settings):
        def grow():
            return len(bytearray(400 * 1024 * 1024))

        with pytest.raises(LimitExceeded, match="needed more than 100 MB of memory"):
            run_bounded(grow, seconds=30, memory_mb=100)
        assert run_bounded(len, b"small", seconds=30, memory_mb=100) == 5

    def test_long_unbroken_words_are_cut_into_pieces_and_five_of_60000_characters_render(self):
        html = pdf.breakable('<p><a href="https://example.org/' + "b" * 60 + '">' + "a" * 45 + "&amp;" + "</a></p>")
        assert 'href="https://example.org/' + "b" * 60 + '"' in html  # attributes untouched
        assert "a" * 20 + "\u200b" + "a" * 20 + "\u200b" + "aaaaa&amp;" in html
        doc = demo_document("cheshire-east")
        for key in list(doc["answers"])[:5]:
            doc["answers"][key]["text"] = "a" * 60_000
        plan = import_plan(doc)
        started = time.monotonic()
        data = pdf.render_pdf(plan_view(plan))  # bounded: 120 s; it took 289 s of CPU before
        assert data.startswith(b"%PDF-") and time.monotonic() - started < 120

    def test_an_image_with_too_many_pixels_is_refused_with_a_message(self, settings):
        buffer = io.BytesIO()
        Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")  # 144 megapixels in a few KB
        assert len(buffer.getvalue()) < 500_000
        with pytest.raises(ValueError, match="too large: it must have no more than 25 million pixels"):
            check_upload(SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png"))
        small = io.BytesIO()
        Image.new("RGB", (800, 600)).save(small, format="PNG")
        assert check_upload(SimpleUploadedFile("ok.png", small.getvalue())) == "image/png"

    def test_an_import_is_held_to_the_forms_text_limits(self):
        doc = demo_document("cheshire-east")
        key = next(iter(doc["answers"]))
        doc["answers"][key]["text"] = "a" * 60_001
        with pytest.raises(PlanImportError) as error:
            import_plan(doc)
        assert error.value.path == f"answers.{key}.text" and "60,000 characters or fewer" in error.value.message


class TestEmails:
    def test_an_email_the_server_refuses_is_retried_with_backoff_then_shown_to_administrators(
        self, client, settings, run_jobs, mailoutbox
    ):
        from bcf.core.mail import queue_email

        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
        settings.EMAIL_MAX_ATTEMPTS, settings.EMAIL_RETRY_BASE_SECONDS = 3, 60
        email = queue_email(to="someone@example.org", subject="Sign the plan", body="Please sign.")
        run_jobs()
        email.refresh_from_db()
        assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
        assert "Connection refused" in email.last_error or "Errno" in email.last_error
        waited = (email.next_attempt_at - timezone.now()).total_seconds()
        assert 50 < waited <= 60
        assert run_jobs() == 0  # the retry waits for its delay
        due_now()
        run_jobs()
        email.refresh_from_db()
        assert email.attempts == 2 and 110 < (email.next_attempt_at - timezone.now()).total_seconds() <= 120
        due_now()
        run_jobs()
        email.refresh_from_db()
        assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 3)

        admin = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "x" * 16)
        client.force_login(admin)
        listing = client.get(reverse("admin:core_outgoingemail_changelist") + "?status__exact=failed")
        assert "Sign the plan" in listing.content.decode() and "someone@example.org" in listing.content.decode()

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        client.post(
            reverse("admin:core_outgoingemail_changelist"),
            {"action": "send_again", "_selected_action": [email.pk]},
        )
        run_jobs()
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.SENT and [m.to for m in mailoutbox] == [["someone@example.org"]]

    def test_a_transition_and_its_emails_commit_together(self, ready, monkeypatch):
        before = OutgoingEmail.objects.count()
        assert before  # marking ready queued the signatories' e-mails in its own transaction

        def refuse(**kwargs):
            raise RuntimeError("no")

        monkeypatch.setattr(workflow, "_set_status", lambda *a, **k: refuse())
        with pytest.raises(RuntimeError):
            workflow.plan_reopen(plan=ready, user=person(NOTTS_EDITOR))
        assert OutgoingEmail.objects.count() == before


@pytest.mark.parametrize("kind", [FileKind.PDF])
def test_an_answer_changed_after_submission_fails_the_versions_file_with_a_reason(signed_off, run_jobs, kind):
    submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
    Answer.objects.filter(plan=signed_off, key="vision.vision").update(text="Edited behind its back")
    run_jobs()
    job = FileJob.objects.get(submission=submission, kind=kind)
    assert job.status == FileJobStatus.FAILED and "changed since it was submitted" in job.message
