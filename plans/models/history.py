"""The plan's history: every saved change and every transition, each with a typed verb.

Code reads the history by verb (and a transition's target state in `payload`), never by matching the
words shown to people; those words come from the verb (`Verb.label`) and the record's subject.
"""

from django.conf import settings
from django.db import models

from plans.models.plan import Plan


class Verb(models.TextChoices):
    CREATED = "created", "Plan created"
    IMPORTED = "imported", "Plan imported"
    CHANGED = "changed", "Changed"
    ADDED = "added", "Added"
    REMOVED = "removed", "Removed"
    STATUS_CHANGED = "status_changed", "Status changed"
    SIGNED = "signed", "Signed"
    SIGNATURE_VOIDED = "signature_voided", "Signature voided"
    DECLINED = "declined", "Declined to sign"
    VERSION_STORED = "version_stored", "Version submitted"
    FILE_ADDED = "file_added", "File added to a submitted version"
    RETURNED = "returned", "Returned for resubmission"
    ASSURED = "assured", "Assurance outcome recorded"
    OUTCOME_CORRECTED = "outcome_corrected", "Assurance outcome corrected"
    RESUBMISSION_STARTED = "resubmission_started", "Resubmission started"
    NOT_CARRIED_OVER = "not_carried_over", "Not carried over to the new edition"
    ADMIN_CHANGED = "admin_changed", "Changed by an administrator"
    COMMENT_ANSWERED = "comment_answered", "Area team comment marked answered"


class ChangeRecord(models.Model):
    """The plan's history: every saved change (who, when, which field, old → new) and every transition."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    verb = models.CharField("what happened", max_length=30, choices=Verb.choices, default=Verb.CHANGED)
    section = models.CharField("section", max_length=40, blank=True)
    field = models.CharField("field", max_length=200)
    old = models.TextField("old value", blank=True)
    new = models.TextField("new value", blank=True)
    payload = models.JSONField(
        "details for code", default=dict, blank=True, help_text='For a status change: {"to": "SUBMITTED"}'
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "verb"], name="change_record_plan_verb")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_verb_display()}: {self.field}"
