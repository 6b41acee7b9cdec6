"""The record of each file a background job prepares: a submitted version's PDF, workbook or JSON,
or the PDF preview of a plan as it is now. Pages read it to show "being prepared", "ready" or the
reason it failed; the job (plans/outputs/jobs.py, plans/workflow/files.py) fills it. Re-exported from plans.models."""

from django.db import models
from django.db.models import Q


class FileJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class FileJob(models.Model):
    """One file to prepare. A version's file (submission set) ends as a SubmissionFile row; a preview
    (submission empty) ends in the PDF cache under `cache_key`."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="file_jobs")
    submission = models.ForeignKey(
        "plans.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="file_jobs"
    )
    # A quarterly return's file: the submitted return it belongs to (then `plan` is the plan reported on).
    return_submission = models.ForeignKey(
        "plans.ReturnSubmission", null=True, blank=True, on_delete=models.PROTECT, related_name="file_jobs"
    )
    kind = models.CharField("kind", max_length=10)  # plans.models.FileKind
    cache_key = models.CharField("PDF cache key", max_length=64, blank=True)
    status = models.CharField("status", max_length=10, choices=FileJobStatus.choices, default=FileJobStatus.QUEUED)
    message = models.TextField("message", blank=True, help_text="Why the file could not be prepared")
    attempts = models.PositiveIntegerField("attempts", default=0)
    task_id = models.CharField("job id", max_length=64, blank=True, help_text="The queued job that prepares it")
    announced = models.BooleanField(
        "announced", default=False, help_text="The version's reviewers were e-mailed when this job finished"
    )
    created_at = models.DateTimeField("queued at", auto_now_add=True)
    started_at = models.DateTimeField("started at", null=True, blank=True)
    finished_at = models.DateTimeField("finished at", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "file job"
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"], condition=Q(submission__isnull=False), name="one_job_per_version_file"
            ),
            models.UniqueConstraint(
                fields=["return_submission", "kind"],
                condition=Q(return_submission__isnull=False),
                name="one_job_per_return_file",
            ),
        ]
        indexes = [models.Index(fields=["plan", "cache_key"])]

    def __str__(self):
        what = f"version {self.submission_id} {self.kind}" if self.submission_id else f"preview {self.cache_key}"
        return f"{what}: {self.get_status_display()}"

    @property
    def is_finished(self):
        return self.status in (FileJobStatus.READY, FileJobStatus.FAILED)
