"""`manage.py db_worker`: the database backend's worker (django_tasks_db), started warm.

Before it takes its first job it imports WeasyPrint and matplotlib and lays out a page (each PDF
render is forked from this warm process), and it queues again any job a stopped worker left behind.
Run as many as you like, on as many machines as reach the database.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from bcf.core.mail import sweep as sweep_emails
from plans.models import FileJob, FileJobStatus
from plans.outputs import jobs
from plans.outputs.pdf import warm_up
from plans.workflow import files


def sweep_file_jobs(*, stale_after_seconds):
    """Queue again every file job whose queued job is gone or was abandoned by a stopped worker."""
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
            task_id = files.requeue(job) if job.submission_id else jobs.requeue_preview(job)
            FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.QUEUED, task_id=task_id)
        requeued += 1
    return requeued


class Command(db_worker.Command):
    help = "Run background jobs (PDFs, workbooks, JSON, e-mails) from the database queue."

    def handle(self, *args, **options):
        warm_up()
        stale = 2 * max(settings.JOB_TIME_LIMIT_SECONDS, settings.RENDER_TIME_LIMIT_SECONDS)
        requeued, emails = sweep_file_jobs(stale_after_seconds=stale), sweep_emails()
        if requeued or emails:
            self.stdout.write(f"Queued again: {requeued} file job(s), {emails} e-mail(s) left by a stopped worker")
        return super().handle(*args, **options)
