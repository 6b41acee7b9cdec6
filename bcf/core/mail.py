"""E-mails sent by background jobs: `queue_email` stores the message and queues its job in the
caller's transaction, so a transition and its e-mails commit together; a mail server that is down
delays them (retried with backoff) and never undoes or slows the transition."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .jobs import backoff, enqueue, enqueue_after, time_limit
from .models import OutgoingEmail


@task()
def send_email(email_id):
    """The background job that sends one queued e-mail."""
    with transaction.atomic(), time_limit(120, "Sending the e-mail"):
        return send_queued(email_id)


def queue_email(*, to, subject, body, purpose=""):
    email = OutgoingEmail.objects.create(to=to, subject=subject[:300], body=body, purpose=purpose)
    enqueue(send_email, email.pk)
    return email


def send_queued(email_id):
    """Send one queued e-mail; on failure schedule the next attempt, or mark it failed for good."""
    email = OutgoingEmail.objects.select_for_update().filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).first()
    if email is None:
        return "nothing to send"  # sent already by an earlier run of this job, or cancelled
    email.attempts += 1
    try:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        EmailMessage(subject=email.subject, body=email.body, to=[email.to], connection=connection).send()
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status, email.next_attempt_at = OutgoingEmail.Status.FAILED, None
        else:
            delay = backoff(email.attempts)
            email.next_attempt_at = timezone.now() + timezone.timedelta(seconds=delay)
            enqueue_after(send_email, delay, email.pk)
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return f"attempt {email.attempts} failed: {email.last_error}"
    email.status, email.sent_at, email.next_attempt_at = OutgoingEmail.Status.SENT, timezone.now(), None
    email.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return "sent"


def resend(emails):
    """Queue failed e-mails again (the admin action): a fresh set of attempts each."""
    count = 0
    for email in emails.filter(status=OutgoingEmail.Status.FAILED):
        email.status, email.attempts, email.next_attempt_at = OutgoingEmail.Status.QUEUED, 0, None
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        enqueue(send_email, email.pk)
        count += 1
    return count


def sweep():
    """Queue again the queued e-mails whose job is gone (a worker stopped in the middle); run when a
    worker starts. An e-mail whose job is still waiting is left to it."""
    from django_tasks_db.models import DBTaskResult

    waiting = {
        tuple(r["args"])
        for r in DBTaskResult.objects.filter(task_path=send_email.module_path, status="READY").values_list(
            "args_kwargs", flat=True
        )
    }
    count = 0
    for email in OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED):
        if (email.pk,) not in waiting:
            enqueue(send_email, email.pk)
            count += 1
    return count
