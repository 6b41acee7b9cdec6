"""The area team's zip of submitted files and the national CSV: made in the request when the set is
small, by a background job when it is large (more than settings.EXPORT_JOB_THRESHOLD_VERSIONS
versions in the zip, or settings.EXPORT_JOB_THRESHOLD_ROWS rows in the CSV), so no request builds a
big file. A job's file goes to the default storage (STORAGES) under an ExportJob row that only the
person who asked for it can read; the "being prepared" page polls that row. Like the file jobs
(plans/outputs/jobs.py), a failure other than the content is tried again with a growing delay.
"""

import csv
import io
import logging
import uuid
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from bcf.core.jobs import JobFailed, backoff, enqueue, enqueue_after, time_limit
from bcf.core.spreadsheets import csv_safe
from bcf.core.validation import clean_filename
from plans.models import ExportJob, ExportKind, FileJobStatus
from plans.review.selectors import area_submitted_files, area_version_count, national_figures, national_plan_count
from plans.workflow import services as workflow

log = logging.getLogger("bcf.jobs")
MAX_ATTEMPTS = 3


# --- the files ------------------------------------------------------------------------------------


CSV_HEADER = [
    "Health and Wellbeing Board",
    "Area team",
    "Round",
    "Version",
    "State",
    "Submitted at",
    "Late",
    "Assurance outcome",
    "Conditions",
    "Pooled budget 2014/15 (£)",
    "Pooled budget 2015/16 (£)",
    "Minimum 2014/15 (£)",
    "Minimum 2015/16 (£)",
    "Planned non-elective reduction (%)",
    "Below 3.5% minimum",
    "P4P value (£)",
]


def unique_entry_name(name, used):
    """`name`, or "name (2).ext", "name (3).ext"… when it is already in the zip: unzipping would keep
    only one of two entries with the same name (two plans with the same name and version label)."""
    candidate, number = name, 1
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        stem, dot, ext = name, "", ""
    while candidate.lower() in used:
        number += 1
        candidate = f"{stem} ({number}){dot}{ext}"
    used.add(candidate.lower())
    return candidate


def area_zip_filename():
    return f"bcf-area-plans-{timezone.localdate():%Y-%m-%d}.zip"


def area_zip_bytes(user):
    """Every stored file of every submitted version of the reviewer's area, exactly as stored, one
    folder per Board; a file that no longer matches its SHA-256 is left out (and logged)."""
    buffer = io.BytesIO()
    used = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for stored in area_submitted_files(user).iterator(chunk_size=50):
            if not workflow.file_is_intact(stored):
                log.error("Stored file %s does not match its SHA-256; left out of the zip", stored.pk)
                continue
            folder = slugify(stored.submission.plan.hwb.name)
            name = unique_entry_name(f"{folder}/{clean_filename(stored.filename)}", used)
            archive.writestr(name, bytes(stored.content))
    return buffer.getvalue()


def national_csv_filename():
    return f"bcf-plans-{timezone.localdate():%Y-%m-%d}.csv"


def national_csv_bytes(user):
    """The national figures, one row per plan (the newest submitted version), as UTF-8 CSV with a
    byte order mark (so spreadsheets read the £ signs), every text cell made safe to open."""
    figures = national_figures(user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in figures.rows:
        plan = row.plan
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    plan.hwb.name,
                    plan.hwb.area_team.name if plan.hwb.area_team else "",
                    plan.get_round_display(),
                    plan.version,
                    plan.status_label,
                    timezone.localtime(row.submission.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if row.submission
                    else "",
                    "Yes" if row.is_late else "No",
                    row.outcome.outcome if row.outcome else "",
                    row.outcome.conditions if row.outcome else "",
                    row.pooled["2014/15"],
                    row.pooled["2015/16"],
                    row.minimum["2014/15"],
                    row.minimum["2015/16"],
                    row.reduction_percent,
                    {True: "No", False: "Yes", None: ""}[row.meets_minimum],
                    row.p4p_value,
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# What each kind of export is made from: how big the set is, and the bytes and name of its file.
EXPORTS = {
    ExportKind.AREA_ZIP: (area_version_count, area_zip_bytes, area_zip_filename, "application/zip"),
    ExportKind.NATIONAL_CSV: (
        national_plan_count,
        national_csv_bytes,
        national_csv_filename,
        "text/csv; charset=utf-8",
    ),
}


def threshold(kind):
    if kind == ExportKind.AREA_ZIP:
        return settings.EXPORT_JOB_THRESHOLD_VERSIONS
    return settings.EXPORT_JOB_THRESHOLD_ROWS


def export_size(kind, user):
    """How many versions (zip) or rows (CSV) the user's export holds."""
    return EXPORTS[kind][0](user)


def is_large(kind, user):
    return export_size(kind, user) > threshold(kind)


def content_type(kind):
    return EXPORTS[kind][3]


def make_export(kind, user):
    """The export's bytes and file name, as `user` sees the plans."""
    _count, make, name, _type = EXPORTS[kind]
    return make(user), name()


# --- asking for a large one ---------------------------------------------------------------------


def queue_export(*, kind, user):
    """The job preparing the user's export: the one already queued or running when there is one,
    otherwise a new one, queued in this transaction."""
    with transaction.atomic():
        existing = (
            ExportJob.objects.select_for_update()
            .filter(requested_by=user, kind=kind, status__in=[FileJobStatus.QUEUED, FileJobStatus.RUNNING])
            .first()
        )
        if existing is not None:
            return existing
        job = ExportJob.objects.create(requested_by=user, kind=kind, items=export_size(kind, user))
        job.task_id = str(enqueue(prepare_export, job.pk) or "")
        job.save(update_fields=["task_id"])
        return job


def export_for_user(user, token):
    """The user's own export job, or None (another person's is not found)."""
    return ExportJob.objects.filter(requested_by=user, token=token).first()


# --- the job ------------------------------------------------------------------------------------


def _claim(job_id):
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.status in (FileJobStatus.READY, FileJobStatus.FAILED):
            return None
        job.status, job.started_at, job.attempts = FileJobStatus.RUNNING, timezone.now(), job.attempts + 1
        job.message = ""
        job.save(update_fields=["status", "started_at", "attempts", "message"])
        return job


def _finish(job, status, message="", **fields):
    ExportJob.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now(), **fields)


@task()
def prepare_export(job_id):
    """Make the export's file, as the person who asked for it sees the plans, and store it."""
    job = _claim(job_id)
    if job is None:
        return "nothing to do"
    user = get_user_model().objects.get(pk=job.requested_by_id)
    try:
        with time_limit(settings.JOB_TIME_LIMIT_SECONDS, "Preparing the download"):
            content, filename = make_export(job.kind, user)
        stored = job.file.storage.save(f"exports/{job.token}/{filename}", ContentFile(content))
    except JobFailed as exc:  # past the time limit: trying again would take as long
        _finish(job, FileJobStatus.FAILED, f"{exc} Ask for it again later, or ask an administrator.")
        return FileJobStatus.FAILED
    except Exception as exc:
        if job.attempts < MAX_ATTEMPTS:
            _finish(job, FileJobStatus.QUEUED)
            enqueue_after(prepare_export, backoff(job.attempts, base=5), job.pk)
            log.warning("Export job %s failed (attempt %s), tried again later: %s", job.pk, job.attempts, exc)
            return "retrying"
        reference = uuid.uuid4().hex[:8].upper()
        log.exception("Export job %s failed for good (reference %s)", job.pk, reference)
        _finish(job, FileJobStatus.FAILED, f"The download could not be prepared (reference {reference}).")
        return FileJobStatus.FAILED
    _finish(job, FileJobStatus.READY, file=stored, filename=filename, size=len(content))
    return FileJobStatus.READY
