"""A submitted version's files (PDF, workbook, JSON), made by background jobs: `plan_submit` queues
one job per file in its own transaction, the job stores the file with its SHA-256 (a rerun keeps the
stored bytes once their SHA-256 is checked), and once every file of the version is done the area
team's reviewers are e-mailed. The pieces the job is made of are in plans/outputs/jobs.py."""

from django.db import transaction
from django_tasks import task

from bcf.core.jobs import enqueue, enqueue_after
from plans.editing import record
from plans.models import FileJob, Submission, Verb
from plans.outputs import jobs
from plans.workflow import notifications
from plans.workflow.seals import seal_version


def queue_version_files(submission):
    """In the submitting transaction: one FileJob per file of the version, each with its job."""
    queued = []
    for kind in jobs.FILE_TYPES:
        job = FileJob.objects.create(plan_id=submission.plan_id, submission=submission, kind=kind)
        job.task_id = str(enqueue(render_version_file, job.pk) or "")
        job.save(update_fields=["task_id"])
        queued.append(job)
    return queued


def requeue(job):
    """Queue a version file's job again (a worker stopped in the middle of it)."""
    return str(enqueue(render_version_file, job.pk) or "")


def _store(job):
    before = Submission.objects.get(pk=job.submission_id).files.filter(kind=job.kind).exists()
    stored = jobs.store_version_file(job)
    if not before:
        plan = stored.submission.plan
        record(
            plan=plan,
            user=None,
            section="workflow",
            field=f"Version {stored.submission.version}: file stored",
            verb=Verb.FILE_ADDED,
            old="",
            new=f"{stored.filename} (SHA-256 {stored.sha256[:12]}…)",
        )


@task()
def render_version_file(job_id):
    """A submitted version's PDF, workbook or JSON, stored with its SHA-256."""
    status = jobs.run(job_id, _store, lambda delay, pk: enqueue_after(render_version_file, delay, pk))
    job = FileJob.objects.filter(pk=job_id).first()
    if job is not None and job.submission_id:
        announce_if_complete(job.submission_id)
    return status


def announce_if_complete(submission_id):
    """Once every file job of the version has finished, e-mail its reviewers (once)."""
    with transaction.atomic():
        version_jobs = list(FileJob.objects.select_for_update().filter(submission_id=submission_id))
        if not version_jobs or any(not j.is_finished for j in version_jobs) or any(j.announced for j in version_jobs):
            return False
        FileJob.objects.filter(pk=version_jobs[0].pk).update(announced=True)
        submission = Submission.objects.select_related("plan__hwb").get(pk=submission_id)
        seal_version(submission)
        notifications.submitted(plan=submission.plan, submission=submission)
        return True
