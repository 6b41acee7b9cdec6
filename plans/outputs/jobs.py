"""Files made by background jobs (STYLE.md shape 5): the PDF preview of a plan as it is now (its job
is here) and the pieces a submitted version's files are made with (their job is in
plans/workflow/files.py, which also e-mails the reviewers). Each file has a FileJob row, written in
the transaction that asks for the file together with its queued job (bcf/core/jobs.py); the job
fills it. Pages read the rows to show each file "being prepared", ready, or why it failed. A job
that fails because of the plan's content (too long to lay out, an image too large) fails at once
with a message for the editor; any other failure is tried again with a growing delay, MAX_ATTEMPTS
times in all, then shown as failed.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django_tasks import task

from bcf.core.jobs import JobFailed, backoff, enqueue, enqueue_after, time_limit
from plans.content.selectors import plan_view
from plans.models import FileJob, FileJobStatus, FileKind, Submission, SubmissionFile
from plans.outputs.exporters import EXPORTERS
from plans.outputs.pdf import cache_key, plan_pdf, view_digest

log = logging.getLogger("bcf.jobs")

FILE_TYPES = {
    FileKind.JSON: ("json", "application/json"),
    FileKind.PDF: ("pdf", "application/pdf"),
    FileKind.XLSX: ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# Previews are what a person waits for on screen: they go ahead of version files in the queue.
PREVIEW_PRIORITY = 10
# A job that fails for a reason other than its content (the database went away, a worker was
# stopped) is tried again this many times in all.
MAX_ATTEMPTS = 3


def exporter(kind):
    return import_string(EXPORTERS[kind].replace(":", "."))


def version_filename(plan, kind):
    return f"{slugify(plan.hwb.name)}-{plan.round}-v{plan.version}.{FILE_TYPES[kind][0]}"


# --- asking for files ---------------------------------------------------------------------------


def queue_preview(view):
    """The job preparing the PDF of the plan as it is now: the one already asked for (queued,
    running or ready) when there is one, otherwise a new one. A failed one is asked for again."""
    key = cache_key(view, view_digest(view))
    with transaction.atomic():
        existing = (
            FileJob.objects.select_for_update()
            .filter(plan=view.plan, submission__isnull=True, cache_key=key)
            .exclude(status=FileJobStatus.FAILED)
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            return existing
        job = FileJob.objects.create(plan=view.plan, kind=FileKind.PDF, cache_key=key)
        job.task_id = str(enqueue(render_preview.using(priority=PREVIEW_PRIORITY), job.pk) or "")
        job.save(update_fields=["task_id"])
        return job


def latest_preview(view):
    """The newest preview job for the plan as it is now, or None."""
    key = cache_key(view, view_digest(view))
    return FileJob.objects.filter(plan=view.plan, submission__isnull=True, cache_key=key).order_by("-pk").first()


def queue_position(job):
    """How many jobs will run before this one (0 when it is next or already running)."""
    if job.status != FileJobStatus.QUEUED or not job.task_id:
        return 0
    from django_tasks_db.models import DBTaskResult

    mine = DBTaskResult.objects.filter(id=job.task_id).first()
    if mine is None:
        return 0
    ahead = DBTaskResult.objects.ready().filter(priority__gte=mine.priority, enqueued_at__lt=mine.enqueued_at)
    return ahead.count()


# --- what the pages show -------------------------------------------------------------------------


def version_files(submissions):
    """{plan id: [row]} for the versions' files, one row per kind in FILE_TYPES order, each
    {"kind", "label", "file" (a SubmissionFile or None), "job" (its FileJob or None)}."""
    submissions = list(submissions)
    files, jobs = {}, {}
    for f in SubmissionFile.objects.filter(submission__in=submissions).defer("content").select_related("submission"):
        files[(f.submission_id, f.kind)] = f
    for job in FileJob.objects.filter(submission__in=submissions):
        jobs[(job.submission_id, job.kind)] = job
    out = {}
    for submission in submissions:
        rows = []
        for kind in FILE_TYPES:
            stored, job = files.get((submission.pk, kind)), jobs.get((submission.pk, kind))
            if stored is None and job is None:
                continue  # a version stored before this file existed
            rows.append({"kind": kind, "label": FileKind(kind).label, "file": stored, "job": job})
        out[submission.plan_id] = rows
    return out


# --- the jobs' work ------------------------------------------------------------------------------


def claim(job_id):
    """Mark the job running (committed at once, so the pages show it); None when there is nothing to
    do: the job is gone or already finished."""
    with transaction.atomic():
        job = FileJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == FileJobStatus.READY:
            return None
        job.status, job.started_at, job.attempts = FileJobStatus.RUNNING, timezone.now(), job.attempts + 1
        job.message = ""
        job.save(update_fields=["status", "started_at", "attempts", "message"])
        return job


def finish(job, status, message=""):
    FileJob.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now())
    job.status, job.message = status, message


def store_once(model, *, owner, kind, filename, content_type, render, what):
    """Store the file `render()` makes as a `model` row (a StoredFile) of `owner` with its SHA-256,
    once. Idempotent: when it is already stored (an earlier run, or another worker) its bytes are
    checked against their SHA-256 and kept; two workers storing at once keep the first."""
    existing = model.objects.filter(submission=owner, kind=kind).first()
    if existing is not None:
        if hashlib.sha256(bytes(existing.content)).hexdigest() != existing.sha256:
            raise JobFailed("The stored file no longer matches its SHA-256.")
        return existing
    content = render()
    if isinstance(content, str):
        content = content.encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            return model.objects.create(
                submission=owner,
                kind=kind,
                filename=filename,
                content_type=content_type,
                content=content,
                size=len(content),
                sha256=digest,
                created_at=timezone.now(),
            )
    except IntegrityError:  # another worker stored it first: it must be the same bytes
        stored = model.objects.get(submission=owner, kind=kind)
        if stored.sha256 != digest:
            log.error("Two renders of %s of %s differ", kind, what)
        return stored


def store_version_file(job):
    """Render the version's file and store it with its SHA-256 (once: `store_once`); refused when the
    plan's content no longer matches what was submitted."""
    submission = Submission.objects.select_related("plan__hwb").get(pk=job.submission_id)
    plan = submission.plan

    def render():
        if plan_view(plan).content_hash != submission.content_hash:
            raise JobFailed(f"Version {submission.version}'s content has changed since it was submitted.")
        return exporter(job.kind)(plan)

    return store_once(
        SubmissionFile,
        owner=submission,
        kind=job.kind,
        filename=version_filename(plan, job.kind),
        content_type=FILE_TYPES[job.kind][1],
        render=render,
        what=f"version {submission.pk}",
    )


def run(job_id, work, requeue):
    """Claim the job, do `work(job)` within the job time limit, and record how it ended."""
    job = claim(job_id)
    if job is None:
        return "nothing to do"
    try:
        with time_limit(settings.JOB_TIME_LIMIT_SECONDS, "Preparing the file"):
            work(job)
    except JobFailed as exc:
        finish(job, FileJobStatus.FAILED, str(exc))
    except Exception as exc:
        if job.attempts < MAX_ATTEMPTS:
            finish(job, FileJobStatus.QUEUED, "")
            requeue(backoff(job.attempts, base=5), job.pk)
            log.warning("File job %s failed (attempt %s), tried again later: %s", job.pk, job.attempts, exc)
            return "retrying"
        reference = uuid.uuid4().hex[:8].upper()
        log.exception("File job %s failed for good (reference %s)", job.pk, reference)
        finish(job, FileJobStatus.FAILED, f"The file could not be prepared (reference {reference}).")
    else:
        finish(job, FileJobStatus.READY)
    return job.status


def _preview(job):
    plan_pdf(plan_view(job.plan_id))


@task(priority=PREVIEW_PRIORITY)
def render_preview(job_id):
    """The PDF of a plan as it is now, into the PDF cache."""
    return run(job_id, _preview, lambda delay, pk: enqueue_after(render_preview, delay, pk))


def requeue_preview(job):
    """Queue a preview job again (a worker stopped in the middle of it)."""
    return str(enqueue(render_preview.using(priority=PREVIEW_PRIORITY), job.pk) or "")
