"""The record of each file a background job prepares: a submitted version's PDF, workbook or JSON,
or the PDF preview of a plan as it is now; and each large download an area team or national
user asked for (ExportJob). Pages read it to show "being prepared", "ready" or the
reason it failed; the job (plans/outputs/jobs.py, plans/workflow/files.py) fills it. Re-exported from plans.models."""

import uuid

from django.conf import settings
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


class ExportKind(models.TextChoices):
    AREA_ZIP = "area_zip", "Submitted plans of your area (zip)"
    NATIONAL_CSV = "national_csv", "National figures (CSV)"


def export_upload_to(instance, filename):
    return f"exports/{instance.token}/{filename}"


class ExportJob(models.Model):
    """A large download made by a background job (plans/review/exports.py): the area zip or the
    national CSV when it holds more than settings.EXPORT_JOB_THRESHOLD versions or rows. Only the
    person who asked for it can see it or download it; the file is kept in the default storage."""

    token = models.UUIDField("reference", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("kind", max_length=20, choices=ExportKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="asked for by"
    )
    status = models.CharField("status", max_length=10, choices=FileJobStatus.choices, default=FileJobStatus.QUEUED)
    message = models.TextField("message", blank=True, help_text="Why the file could not be prepared")
    file = models.FileField("file", upload_to=export_upload_to, blank=True, max_length=255)
    filename = models.CharField("file name", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("size in bytes", default=0)
    items = models.PositiveIntegerField("versions or rows", default=0, help_text="What the file holds")
    attempts = models.PositiveIntegerField("attempts", default=0)
    task_id = models.CharField("job id", max_length=64, blank=True, help_text="The queued job that prepares it")
    created_at = models.DateTimeField("asked for at", auto_now_add=True)
    started_at = models.DateTimeField("started at", null=True, blank=True)
    finished_at = models.DateTimeField("finished at", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "export job"
        indexes = [models.Index(fields=["requested_by", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.requested_by}: {self.get_status_display()}"

    @property
    def is_finished(self):
        return self.status in (FileJobStatus.READY, FileJobStatus.FAILED)
