"""Store the files that renderers built after a version was submitted can now make (for example the
PDF once plans/outputs/pdf.py exists). Files already stored are never touched; a version whose content
no longer has its submitted hash is reported and left alone."""

from django.core.management.base import BaseCommand

from plans.models import Submission
from plans.workflow.services import WorkflowError, submission_add_missing_files


class Command(BaseCommand):
    help = "Add the PDF/workbook to submitted versions stored before their renderer existed."

    def handle(self, *args, **options):
        added = 0
        for submission in Submission.objects.select_related("plan__hwb").order_by("submitted_at"):
            try:
                stored = submission_add_missing_files(submission=submission)
            except WorkflowError as exc:
                self.stderr.write(f"{submission}: {exc}")
                continue
            for f in stored:
                self.stdout.write(f"{submission}: stored {f.filename} (SHA-256 {f.sha256})")
            added += len(stored)
        self.stdout.write(f"{added} file{'s' if added != 1 else ''} added")
