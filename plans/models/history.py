"""The plan's history: every saved change and every transition."""

from django.conf import settings
from django.db import models

from plans.models.plan import Plan


class ChangeRecord(models.Model):
    """The plan's history: every saved change (who, when, which field, old → new) and every transition."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    section = models.CharField("section", max_length=40, blank=True)
    field = models.CharField("field", max_length=200)
    old = models.TextField("old value", blank=True)
    new = models.TextField("new value", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.field}"
