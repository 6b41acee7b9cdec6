"""Small shared model pieces."""

from django.db import models


class MoneyField(models.DecimalField):
    """Pounds and pence, stored exactly."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, "bcf.core.models.MoneyField", args, kwargs


class OutgoingEmail(models.Model):
    """One e-mail to one person, queued in the transaction that decided to send it and sent by a
    background job (send_email in bcf/core/mail.py), retried with growing delays while the mail server refuses it.
    A message that still fails after EMAIL_MAX_ATTEMPTS is marked failed: administrators see it in
    Django admin (with the error) and can send it again from there."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField("to")
    subject = models.CharField("subject", max_length=300)
    body = models.TextField("body")
    purpose = models.CharField("purpose", max_length=60, blank=True, help_text="Which notification this is")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField("attempts", default=0)
    last_error = models.TextField("last error", blank=True)
    created_at = models.DateTimeField("queued at", auto_now_add=True)
    next_attempt_at = models.DateTimeField("next attempt at", null=True, blank=True)
    sent_at = models.DateTimeField("sent at", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing e-mail"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"
