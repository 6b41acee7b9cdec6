"""A submitted return's files (PDF, workbook, JSON), made by background jobs queued in the submitting
transaction, as a plan version's are (plans/workflow/files.py). The job machinery is the plans' own
(plans/outputs/jobs.py: claim, run within the time limit, retries, finish); what is particular to a
return is what the job renders and where it stores it (a ReturnFile with its SHA-256)."""

import logging

from django.utils.text import slugify
from django_tasks import task

from bcf.core.jobs import JobFailed, enqueue, enqueue_after
from plans.models import FileJob, FileKind, ReturnFile, ReturnSubmission
from plans.outputs import jobs
from plans.returns.document import content_hash, document_json
from plans.returns.selectors import return_view

log = logging.getLogger("bcf.jobs")

FILE_TYPES = jobs.FILE_TYPES  # {kind: (extension, content type)}, the plans' own
LABELS = {
    FileKind.PDF: "Return (PDF)",
    FileKind.XLSX: "Return workbook (Excel)",
    FileKind.JSON: "Return (JSON, bcf-return/1)",
}


def return_filename(ret, kind):
    return f"bcf-return-{slugify(ret.hwb.name)}-{slugify(ret.period_id)}-v{ret.version}.{FILE_TYPES[kind][0]}"


def render(ret, kind, *, bounded=True):
    """The return's file of this kind as bytes, made now from the return as it is."""
    if kind == FileKind.JSON:
        return document_json(return_view(ret)).encode("utf-8")
    if kind == FileKind.PDF:
        from plans.returns.pdf import return_pdf

        return return_pdf(ret, bounded=bounded)
    if kind == FileKind.XLSX:
        from plans.returns.workbook import return_workbook

        return return_workbook(ret)
    raise ValueError(f"No such file kind: {kind}")


# --- asking for files ---------------------------------------------------------------------------


def queue_return_files(submission):
    """In the submitting transaction: one FileJob per file of the return, each with its job."""
    plan_id = submission.quarterly_return.plan_id
    queued = []
    for kind in FILE_TYPES:
        job = FileJob.objects.create(plan_id=plan_id, return_submission=submission, kind=kind)
        job.task_id = str(enqueue(render_return_file, job.pk) or "")
        job.save(update_fields=["task_id"])
        queued.append(job)
    return queued


def requeue(job):
    """Queue a return file's job again (a worker stopped in the middle of it)."""
    return str(enqueue(render_return_file, job.pk) or "")


# --- what the pages show -------------------------------------------------------------------------


def return_file_rows(submission):
    """[{"kind", "label", "file" (a ReturnFile without its content, or None), "job" (FileJob or None)}]
    in FILE_TYPES order; a kind with neither a file nor a job is left out."""
    stored = {f.kind: f for f in ReturnFile.objects.filter(submission=submission).defer("content")}
    queued = {j.kind: j for j in FileJob.objects.filter(return_submission=submission)}
    rows = []
    for kind in FILE_TYPES:
        if kind in stored or kind in queued:
            rows.append({"kind": kind, "label": LABELS[kind], "file": stored.get(kind), "job": queued.get(kind)})
    return rows


def stored_file(submission, kind):
    """The stored file of this kind, or None."""
    return ReturnFile.objects.filter(submission=submission, kind=kind).first()


# --- the job's work ------------------------------------------------------------------------------


def store_return_file(job):
    """Render the return's file and store it with its SHA-256 (once: plans.outputs.jobs.store_once);
    refused when the return's content no longer matches what was submitted."""
    submission = ReturnSubmission.objects.select_related("quarterly_return__hwb", "quarterly_return__period").get(
        pk=job.return_submission_id
    )
    ret = submission.quarterly_return

    def make():
        if content_hash(return_view(ret)) != submission.content_hash:
            raise JobFailed(f"Version {submission.version} of the return has changed since it was submitted.")
        return render(ret, job.kind)

    return jobs.store_once(
        ReturnFile,
        owner=submission,
        kind=job.kind,
        filename=return_filename(ret, job.kind),
        content_type=FILE_TYPES[job.kind][1],
        render=make,
        what=f"return submission {submission.pk}",
    )


@task()
def render_return_file(job_id):
    """A submitted return's PDF, workbook or JSON, stored with its SHA-256."""
    return jobs.run(job_id, store_return_file, lambda delay, pk: enqueue_after(render_return_file, delay, pk))
