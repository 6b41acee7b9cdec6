"""Background jobs of the plans app (run by `manage.py db_worker`): each fills one FileJob row
(plans/file_jobs.py). A job that fails because of the plan's content (too long to lay out, an image
too large) fails at once with a message for the editor; any other failure is tried again with a
growing delay, MAX_ATTEMPTS times in all, then shown as failed."""

import logging
import uuid

from django.conf import settings
from django_tasks import task

from bcf.core.jobs import JobFailed, backoff, enqueue_after, time_limit

from . import file_jobs
from .models import FileJobStatus

log = logging.getLogger("bcf.jobs")


def _run(job_id, work, requeue):
    job = file_jobs.claim(job_id)
    if job is None:
        return "nothing to do"
    try:
        with time_limit(settings.JOB_TIME_LIMIT_SECONDS, "Preparing the file"):
            work(job)
    except JobFailed as exc:
        file_jobs.finish(job, FileJobStatus.FAILED, str(exc))
    except Exception as exc:
        if job.attempts < file_jobs.MAX_ATTEMPTS:
            file_jobs.finish(job, FileJobStatus.QUEUED, "")
            requeue(backoff(job.attempts, base=5), job.pk)
            log.warning("File job %s failed (attempt %s), tried again later: %s", job.pk, job.attempts, exc)
            return "retrying"
        reference = uuid.uuid4().hex[:8].upper()
        log.exception("File job %s failed for good (reference %s)", job.pk, reference)
        file_jobs.finish(job, FileJobStatus.FAILED, f"The file could not be prepared (reference {reference}).")
    else:
        file_jobs.finish(job, FileJobStatus.READY)
    return job.status


@task()
def render_version_file(job_id):
    """A submitted version's PDF, workbook or JSON, stored with its SHA-256."""

    def requeue(delay, pk):
        enqueue_after(render_version_file, delay, pk)

    status = _run(job_id, file_jobs.store_version_file, requeue)
    job = file_jobs.FileJob.objects.filter(pk=job_id).first()
    if job is not None and job.submission_id:
        file_jobs.announce_if_complete(job.submission_id)
    return status


def _preview(job):
    from .exports.pdf import plan_pdf
    from .selectors import plan_view

    plan_pdf(plan_view(job.plan_id))


@task(priority=file_jobs.PREVIEW_PRIORITY)
def render_preview(job_id):
    """The PDF of a plan as it is now, into the PDF cache."""

    def requeue(delay, pk):
        enqueue_after(render_preview, delay, pk)

    return _run(job_id, _preview, requeue)
