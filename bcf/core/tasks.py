"""Background jobs of the core app: sending one queued e-mail (bcf/core/mail.py)."""

from django.db import transaction
from django_tasks import task

from .jobs import time_limit


@task()
def send_email(email_id):
    with transaction.atomic(), time_limit(120, "Sending the e-mail"):
        from .mail import send_queued

        return send_queued(email_id)
