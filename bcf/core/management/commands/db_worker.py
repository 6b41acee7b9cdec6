"""`manage.py db_worker`: the database backend's worker (django_tasks_db), started warm.

Before it takes its first job it imports WeasyPrint and matplotlib and lays out a page (each PDF
render is forked from this warm process), and it queues again any job a stopped worker left behind.
Run as many as you like, on as many machines as reach the database.
"""

from django.conf import settings
from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = "Run background jobs (PDFs, workbooks, JSON, e-mails) from the database queue."

    def handle(self, *args, **options):
        from bcf.core.mail import sweep as sweep_emails
        from plans.exports.pdf import warm_up
        from plans.file_jobs import sweep as sweep_files

        warm_up()
        stale = 2 * max(settings.JOB_TIME_LIMIT_SECONDS, settings.RENDER_TIME_LIMIT_SECONDS)
        files, emails = sweep_files(stale_after_seconds=stale), sweep_emails()
        if files or emails:
            self.stdout.write(f"Queued again: {files} file job(s), {emails} e-mail(s) left by a stopped worker")
        return super().handle(*args, **options)
