"""Sign-off, submission and versions (DOMAIN.md §7)."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from plans.editions import EDITION_CHOICES, ROUND_CHOICES
from plans.models.organisations import CCG
from plans.models.plan import Plan

#
# The workflow services in plans/workflow.py are the only writers of these models and of Plan.status.


class SignatureKind(models.TextChoices):
    CCG = "ccg", "Clinical Commissioning Group"
    COUNCIL = "council", "Council"
    HWB = "hwb", "Health and Wellbeing Board"


class Signature(models.Model):
    """One organisation's sign-off of one plan version, bound to the hash of the content it signed.

    A signature whose content hash no longer matches the plan is invalid, whatever the plan's state.
    Reopening or declining voids every signature (voided_at/by/reason); nothing is ever deleted.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signatures", verbose_name="plan version")
    kind = models.CharField("signed on behalf of", max_length=10, choices=SignatureKind.choices)
    ccg = models.ForeignKey(CCG, null=True, blank=True, on_delete=models.PROTECT, verbose_name="CCG")
    on_behalf_of = models.CharField("organisation", max_length=200, help_text="Its name when the plan was signed")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="signed by"
    )
    name = models.CharField("name", max_length=300, help_text="The signatory's name, from their account")
    position = models.CharField("position", max_length=200, blank=True, help_text="From the signatory's role")
    signed_at = models.DateTimeField("signed at", help_text="Server time of signing")
    content_hash = models.CharField("content hash", max_length=64, help_text="SHA-256 of the plan's content signed")
    voided_at = models.DateTimeField("voided at", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField("why it was voided", max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="signature_ccg_only_for_ccg_kind",
                condition=Q(kind="ccg", ccg__isnull=False) | (~Q(kind="ccg") & Q(ccg__isnull=True)),
            ),
            # One signature per organisation per plan version: a CCG by its id, the council and the
            # HWB by their kind. Voided signatures stay as history and do not count.
            models.UniqueConstraint(
                fields=["plan", "ccg"],
                condition=Q(voided_at__isnull=True, kind="ccg"),
                name="one_signature_per_ccg_per_plan_version",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(voided_at__isnull=True) & ~Q(kind="ccg"),
                name="one_signature_per_council_or_hwb_per_plan_version",
            ),
        ]

    def __str__(self):
        return f"{self.on_behalf_of}: {self.name}"

    @property
    def organisation_key(self):
        return f"ccg:{self.ccg_id}" if self.kind == SignatureKind.CCG else self.kind


class Decline(models.Model):
    """A signatory's refusal to sign, with their reason; the plan went back to DRAFT."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="declines", verbose_name="plan version")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("name", max_length=300)
    on_behalf_of = models.CharField("on behalf of", max_length=500)
    reason = models.TextField("reason")
    at = models.DateTimeField("declined at")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.on_behalf_of} declined {self.at:%Y-%m-%d}"


class Submission(models.Model):
    """An immutable version of a plan as sent to the area team: the stored files, their SHA-256, who
    submitted it and when, its round and whether it was late. Never changed or deleted once created
    (the database refuses it, see migration 0002); a renderer added later only adds missing files."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="submission", verbose_name="plan version")
    version = models.PositiveIntegerField("version")
    edition = models.CharField("template edition", max_length=10, choices=EDITION_CHOICES)
    round = models.CharField("submission round", max_length=20, choices=ROUND_CHOICES)
    submitted_at = models.DateTimeField("submitted at")
    # PROTECT, not SET_NULL: clearing the column would be a change, which the database refuses.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="submitted by"
    )
    submitted_by_name = models.CharField("submitted by (name)", max_length=300)
    deadline = models.DateTimeField("round deadline", null=True, blank=True)
    is_late = models.BooleanField("late", default=False, help_text="Submitted after the round's deadline")
    content_hash = models.CharField("content hash", max_length=64)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.plan.hwb} v{self.version} {self.get_round_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A submitted version can never change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A submitted version can never be deleted")


class FileKind(models.TextChoices):
    PDF = "pdf", "Part 1 (PDF)"
    XLSX = "xlsx", "Part 2 workbook (Excel)"
    JSON = "json", "Whole plan (JSON)"


class StoredFile(models.Model):
    """A file stored once, in the database, with its SHA-256: it can never change or be deleted."""

    filename = models.CharField("file name", max_length=200)
    content_type = models.CharField("content type", max_length=100)
    content = models.BinaryField("content")
    size = models.PositiveIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("stored at")

    class Meta:
        abstract = True

    def __str__(self):
        return self.filename

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A stored file can never change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A stored file can never be deleted")


class SubmissionFile(StoredFile):
    """One stored file of a submitted version, kept in the database with its SHA-256."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("kind", max_length=10, choices=FileKind.choices)

    class Meta:
        ordering = ["submission", "kind"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind"], name="one_file_per_kind_per_version")]


class SubmissionCheck(models.Model):
    """The check results of a submitted version, counted once: its content can no longer change, so
    the area team's list reads the counts instead of running every plan's checks on each page."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="check_summary")
    errors = models.PositiveIntegerField("errors")
    warnings = models.PositiveIntegerField("warnings")
    content_hash = models.CharField("content hash checked", max_length=64)
    checked_at = models.DateTimeField("checked at")

    def __str__(self):
        return f"{self.submission}: {self.warnings} warnings"


class VersionSeal(models.Model):
    """The chained digest of a submitted version, made once all its files are stored: the SHA-256 of
    the previous version's digest, this version's content reference and each stored file's SHA-256.
    A file deleted and put back with a recomputed hash no longer matches its version's seal, and a
    seal put back no longer matches the next version's; downloads and the reviewer's page check it."""

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="seal")
    files = models.JSONField("files sealed", help_text='{"pdf": "<sha256>", …}')
    previous_digest = models.CharField("previous version's digest", max_length=64, blank=True)
    digest = models.CharField("digest", max_length=64)
    sealed_at = models.DateTimeField("sealed at")

    def __str__(self):
        return f"{self.submission}: {self.digest[:12]}"

    @staticmethod
    def digest_of(previous_digest, content_hash, files):
        parts = [previous_digest or "", content_hash, *(f"{kind}:{sha}" for kind, sha in sorted(files.items()))]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A version's seal can never change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A version's seal can never be deleted")
