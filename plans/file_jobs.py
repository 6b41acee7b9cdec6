"""Files made by background jobs (STYLE.md shape 5): a submitted version's PDF, workbook and JSON,
and the PDF preview of a plan as it is now. Each file has a FileJob row, written in the transaction
that asks for the file together with its queued job (bcf/core/jobs.py); the job (plans/tasks.py)
fills it. Pages read the rows to show each file "being prepared", ready, or why it failed.
"""

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from bcf.core.jobs import JobFailed, enqueue

from .models import FileJob, FileJobStatus, FileKind, Plan, Submission, SubmissionFile

log = logging.getLogger("bcf.jobs")

FILE_TYPES = {
    FileKind.JSON: ("json", "application/json"),
    FileKind.PDF: ("pdf", "application/pdf"),
    FileKind.XLSX: ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
EXPORTERS = {
    FileKind.JSON: "plans.plan_json:export_json",
    FileKind.PDF: "plans.exports.pdf:plan_pdf_bytes",
    FileKind.XLSX: "metrics.exports.workbook:workbook_bytes",
}
# Previews are what a person waits for on screen: they go ahead of version files in the queue.
PREVIEW_PRIORITY = 10
# A job that fails for a reason other than its content (the database went away, a worker was
# stopped) is tried again this many times in all.
MAX_ATTEMPTS = 3


def exporter(kind):
    from django.utils.module_loading import import_string

    return import_string(EXPORTERS[kind].replace(":", "."))


def version_filename(plan, kind):
    return f"{slugify(plan.hwb.name)}-{plan.round}-v{plan.version}.{FILE_TYPES[kind][0]}"


# --- asking for files ---------------------------------------------------------------------------


def queue_version_files(submission):
    """In the submitting transaction: one FileJob per file of the version, each with its job."""
    from .tasks import render_version_file

    jobs = []
    for kind in FILE_TYPES:
        job = FileJob.objects.create(plan_id=submission.plan_id, submission=submission, kind=kind)
        job.task_id = str(enqueue(render_version_file, job.pk) or "")
        job.save(update_fields=["task_id"])
        jobs.append(job)
    return jobs


def queue_preview(view):
    """The job preparing the PDF of the plan as it is now: the one already asked for (queued,
    running or ready) when there is one, otherwise a new one. A failed one is asked for again."""
    from .exports.pdf import cache_key, view_digest
    from .tasks import render_preview

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
    from .exports.pdf import cache_key, view_digest

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


def store_version_file(job):
    """Render the version's file and store it with its SHA-256. Idempotent: when the file is already
    stored (an earlier run, or another worker) its bytes are checked against their SHA-256 and kept."""
    submission = Submission.objects.select_related("plan__hwb").get(pk=job.submission_id)
    existing = SubmissionFile.objects.filter(submission=submission, kind=job.kind).first()
    if existing is not None:
        if hashlib.sha256(bytes(existing.content)).hexdigest() != existing.sha256:
            raise JobFailed("The stored file no longer matches its SHA-256.")
        return existing
    plan = submission.plan
    from .selectors import plan_view

    if plan_view(plan).content_hash != submission.content_hash:
        raise JobFailed(f"Version {submission.version}'s content has changed since it was submitted.")
    content = exporter(job.kind)(plan)
    if isinstance(content, str):
        content = content.encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            return SubmissionFile.objects.create(
                submission=submission,
                kind=job.kind,
                filename=version_filename(plan, job.kind),
                content_type=FILE_TYPES[job.kind][1],
                content=content,
                size=len(content),
                sha256=digest,
                created_at=timezone.now(),
            )
    except IntegrityError:  # another worker stored it first: it must be the same bytes
        stored = SubmissionFile.objects.get(submission=submission, kind=job.kind)
        if stored.sha256 != digest:
            log.error("Two renders of %s of version %s differ", job.kind, submission.pk)
        return stored


def announce_if_complete(submission_id):
    """Once every file job of the version has finished, e-mail its reviewers (once)."""
    from . import notifications

    with transaction.atomic():
        jobs = list(FileJob.objects.select_for_update().filter(submission_id=submission_id))
        if not jobs or any(not j.is_finished for j in jobs) or any(j.announced for j in jobs):
            return False
        FileJob.objects.filter(pk=jobs[0].pk).update(announced=True)
        submission = Submission.objects.select_related("plan__hwb").get(pk=submission_id)
        notifications.submitted(plan=submission.plan, submission=submission)
        return True


def pending_plan_ids():
    return set(
        FileJob.objects.filter(status__in=[FileJobStatus.QUEUED, FileJobStatus.RUNNING]).values_list(
            "plan_id", flat=True
        )
    )


def sweep(*, stale_after_seconds):
    """Queue again every file job whose queued job is gone or was abandoned (a worker stopped in the
    middle): run when a worker starts. Returns how many were queued again."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import render_preview, render_version_file

    cutoff = timezone.now() - timezone.timedelta(seconds=stale_after_seconds)
    requeued = 0
    for job in FileJob.objects.filter(status__in=[FileJobStatus.QUEUED, FileJobStatus.RUNNING]):
        task = DBTaskResult.objects.filter(id=job.task_id).first() if job.task_id else None
        alive = task is not None and (
            task.status == "READY" or (task.status == "RUNNING" and task.started_at and task.started_at > cutoff)
        )
        if alive:
            continue
        with transaction.atomic():
            if task is not None and task.status == "RUNNING":
                DBTaskResult.objects.filter(id=task.id).update(status="FAILED", finished_at=timezone.now())
            work = render_version_file if job.submission_id else render_preview.using(priority=PREVIEW_PRIORITY)
            FileJob.objects.filter(pk=job.pk).update(
                status=FileJobStatus.QUEUED, task_id=str(enqueue(work, job.pk) or "")
            )
        requeued += 1
    return requeued


__all__ = ["Plan"]
