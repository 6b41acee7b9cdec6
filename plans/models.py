"""Organisations, roles, plans and the Part 1 answers and tables that belong to a plan.

A plan belongs to one Health and Wellbeing Board and is pinned to one template edition. States:

- DRAFT: editors change any section.
- AWAITING_SIGN_OFF, SIGNED_OFF: read-only; signatories and the chair sign (workflow issue).
- SUBMITTED, RETURNED, ASSURED: an immutable version has been sent to the area team.
Only DRAFT plans can be edited: `Plan.is_editable`.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from bcf.core.models import MoneyField

from .editions import EDITION_CHOICES, ROUND_CHOICES, get_edition


class AreaTeam(models.Model):
    name = models.CharField("name", max_length=200, unique=True, help_text="NHS England area team or LGA region")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LocalAuthority(models.Model):
    name = models.CharField("name", max_length=200, unique=True)
    short_name = models.CharField("short name", max_length=40, blank=True, help_text="For example RMBC")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


class CCG(models.Model):
    name = models.CharField("name", max_length=200, unique=True, help_text="For example NHS South Cheshire CCG")

    class Meta:
        ordering = ["name"]
        verbose_name = "clinical commissioning group"

    def __str__(self):
        return self.name


class HealthAndWellbeingBoard(models.Model):
    name = models.CharField("name", max_length=200, unique=True)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, verbose_name="local authority")
    area_team = models.ForeignKey(
        AreaTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="hwbs", verbose_name="area team"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Health and Wellbeing Board"

    def __str__(self):
        return self.name


class Provider(models.Model):
    name = models.CharField("name", max_length=200, unique=True, help_text="An NHS trust or other provider")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    EDITOR = "editor", "Plan editor"
    SIGNATORY = "signatory", "Signatory"
    CHAIR = "chair", "HWB chair"
    REVIEWER = "reviewer", "Area team reviewer"
    NATIONAL = "national", "National viewer"


class RoleAssignment(models.Model):
    """One role of one user, scoped to an HWB (editor, signatory, chair) or an area team (reviewer)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("role", max_length=20, choices=Role.choices)
    hwb = models.ForeignKey(
        HealthAndWellbeingBoard,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name="Health and Wellbeing Board",
    )
    area_team = models.ForeignKey(AreaTeam, null=True, blank=True, on_delete=models.CASCADE, verbose_name="area team")
    ccg = models.ForeignKey(
        CCG,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="signs for CCG",
        help_text="Signatories only: the CCG they sign for. Leave empty for the council's signatory.",
    )
    position = models.CharField("position", max_length=200, blank=True, help_text="Job title shown on the sign-off")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_scope",
                condition=(
                    Q(role__in=["editor", "signatory", "chair"], hwb__isnull=False)
                    | Q(role="reviewer", area_team__isnull=False)
                    | Q(role="national")
                ),
                violation_error_message="Editors, signatories and chairs need an HWB; reviewers an area team.",
            ),
        ]

    def __str__(self):
        scope = self.hwb or self.area_team or "England"
        return f"{self.user} – {self.get_role_display()} – {scope}"


class PlanStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    AWAITING_SIGN_OFF = "AWAITING_SIGN_OFF", "Awaiting sign-off"
    SIGNED_OFF = "SIGNED_OFF", "Signed off"
    SUBMITTED = "SUBMITTED", "Submitted"
    RETURNED = "RETURNED", "Returned"
    ASSURED = "ASSURED", "Assured"


class Plan(models.Model):
    hwb = models.ForeignKey(
        HealthAndWellbeingBoard,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name="Health and Wellbeing Board",
    )
    edition = models.CharField("template edition", max_length=10, choices=EDITION_CHOICES)
    round = models.CharField("submission round", max_length=20, choices=ROUND_CHOICES)
    status = models.CharField("status", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField("version", default=1)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
        verbose_name="previous version",
    )
    is_current = models.BooleanField("current plan", default=True)
    ccgs = models.ManyToManyField(CCG, through="PlanCCG", related_name="plans", verbose_name="CCGs")

    # 1 a) Summary of plan (DOMAIN.md §4.1)
    boundary_differences = models.TextField("boundary differences", blank=True)
    date_agreed_at_hwb = models.DateField("date agreed at Health and Well-Being Board", null=True, blank=True)
    date_agreed_note = models.CharField("note on the date agreed", max_length=300, blank=True)
    date_submitted = models.DateTimeField("date submitted", null=True, blank=True, editable=False)
    minimum_2014_15 = MoneyField("minimum required value of BCF pooled budget 2014/15", null=True, blank=True)
    minimum_2015_16 = MoneyField("minimum required value of BCF pooled budget 2015/16", null=True, blank=True)
    total_agreed_2014_15 = MoneyField("total agreed value of pooled budget 2014/15", null=True, blank=True)
    total_agreed_2015_16 = MoneyField("total agreed value of pooled budget 2015/16", null=True, blank=True)
    total_agreed_note = models.TextField("note on the total agreed value", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped in the transaction of every write the application makes to the plan (its content, its
    # signatures or its status); the task list's stored statuses are valid for one revision.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    task_summary = models.JSONField(null=True, blank=True, editable=False)  # plans.task_summary

    class Meta:
        ordering = ["hwb__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["hwb", "round"], condition=Q(is_current=True), name="one_current_plan_per_hwb_and_round"
            ),
        ]

    def __str__(self):
        return f"{self.hwb} – {self.get_round_display()} v{self.version}"

    @property
    def edition_def(self):
        return get_edition(self.edition)

    @property
    def is_editable(self):
        return self.status == PlanStatus.DRAFT

    @property
    def local_authority(self):
        return self.hwb.local_authority

    def ordered_ccgs(self):
        return [link.ccg for link in self.ccg_links.all()]


class PlanCCG(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ccg_links")
    ccg = models.ForeignKey(CCG, on_delete=models.PROTECT, verbose_name="CCG")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "ccg"], name="unique_plan_ccg")]

    def __str__(self):
        return str(self.ccg)


class PlanningUnit(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="planning_units")
    name = models.CharField("name", max_length=200, help_text="For example North Nottinghamshire")
    ccgs = models.ManyToManyField(CCG, blank=True, verbose_name="CCGs")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="unique_planning_unit_name")]

    def __str__(self):
        return self.name


class Answer(models.Model):
    """The answer to one narrative question of the plan's edition; only the question's parts are used."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField("question key", max_length=80)
    text = models.TextField("answer", blank=True)
    yes = models.BooleanField("yes/no", null=True, blank=True)
    date = models.DateField("date", null=True, blank=True)
    percent = models.DecimalField("percentage", max_digits=7, decimal_places=3, null=True, blank=True)
    percent_joint_care_plan = models.DecimalField(
        "percentage with a joint care plan", max_digits=7, decimal_places=3, null=True, blank=True
    )
    count = models.PositiveIntegerField("number of people", null=True, blank=True)
    tool = models.CharField("risk stratification approach", max_length=500, blank=True)
    amount = MoneyField("amount", null=True, blank=True)
    care_act_amount = MoneyField("Care Act amount", null=True, blank=True)
    breakdown = models.JSONField(
        "breakdown", default=list, blank=True, help_text='[{"label": str, "amount": "123.00"}]'
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="unique_answer_per_question")]

    def __str__(self):
        return f"{self.plan} – {self.key}"


class SectionRevision(models.Model):
    """A counter per plan section, bumped by every save, so a save from a stale page is refused."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="section_revisions")
    section = models.CharField(max_length=40)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "section"], name="unique_section_revision")]

    def __str__(self):
        return f"{self.section} r{self.revision}"


def _upload_to(instance, filename):
    suffix = PurePath(filename).suffix.lower()
    return f"plans/{instance.plan_id}/{uuid.uuid4().hex}{suffix}"


class RelatedDocument(models.Model):
    """A row of 1 c)/1 e) Related documentation, or an image placed under a question (question_key)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField(default=0)
    ref = models.CharField("reference", max_length=20, blank=True, help_text="For example A1 or 01")
    title = models.CharField("document or information title", max_length=300)
    synopsis = models.TextField("synopsis and links", blank=True)
    question_key = models.CharField(
        "placed under question",
        max_length=80,
        blank=True,
        help_text="For a diagram shown under a question (for example the governance structure)",
    )
    file = models.FileField("file", upload_to=_upload_to, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.ref} {self.title}".strip()

    @property
    def is_image(self):
        return self.content_type in ("image/png", "image/jpeg")


class RiskRating(models.TextChoices):
    LOW = "Low", "Low"
    MEDIUM = "Medium", "Medium"
    HIGH = "High", "High"


class Level(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class Risk(models.Model):
    """A risk in either style: 2014-04 levels (rating, or impact + likelihood levels) or 2014-09 scores."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveIntegerField(default=0)
    group = models.CharField("group heading", max_length=200, blank=True, help_text="For example a planning unit")
    risk = models.TextField("there is a risk that")
    rating = models.CharField("risk rating", max_length=10, choices=RiskRating.choices, blank=True)
    impact_level = models.CharField("impact", max_length=10, choices=Level.choices, blank=True)
    likelihood_level = models.CharField("likelihood", max_length=10, choices=Level.choices, blank=True)
    likelihood = models.SmallIntegerField("likelihood (1-5)", null=True, blank=True)
    impact = models.SmallIntegerField("potential impact (1-5)", null=True, blank=True)
    financial_impact_000s = models.DecimalField(
        "financial impact (£000s)", max_digits=12, decimal_places=1, null=True, blank=True
    )
    impact_falls_on = models.CharField("financial impact falls on", max_length=300, blank=True)
    leads = models.JSONField("leads", default=list, blank=True)
    mitigation = models.TextField("mitigating actions", blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.risk[:80]

    @property
    def risk_factor(self):
        """Overall risk factor (likelihood × potential impact): always computed, never typed."""
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact


class ProviderCommentary(models.Model):
    """Annex 2: one per acute provider (edition 2014-09)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="provider_commentaries")
    position = models.PositiveIntegerField(default=0)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, verbose_name="name of provider organisation")
    ceo = models.CharField("name of provider CEO", max_length=200, blank=True)
    signature = models.CharField("signature (the provider's typed name and date)", max_length=300, blank=True)
    nel_2013_14_outturn = models.PositiveIntegerField("non-elective FFCEs 2013/14 outturn", null=True, blank=True)
    nel_2014_15_plan = models.PositiveIntegerField("non-elective FFCEs 2014/15 plan", null=True, blank=True)
    nel_2015_16_plan = models.PositiveIntegerField("non-elective FFCEs 2015/16 plan", null=True, blank=True)
    prevented_2014_15 = models.PositiveIntegerField(
        "non-elective admissions the BCF is planned to prevent in 14-15", null=True, blank=True
    )
    prevented_2015_16 = models.PositiveIntegerField(
        "non-elective admissions the BCF is planned to prevent in 15-16", null=True, blank=True
    )
    agrees = models.BooleanField("Q1 agrees with the data", null=True, blank=True)
    disagreement = models.TextField("Q2 why the provider does not agree", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "provider commentaries"

    def __str__(self):
        return str(self.provider)

    @staticmethod
    def _change(new, old):
        if new is None or old is None:
            return None
        diff = new - old
        pct = None if old == 0 else round(diff * 100 / old, 1)
        return {"difference": diff, "percent": pct}

    @property
    def change_14_15(self):
        """14/15 change compared to 13/14 outturn."""
        return self._change(self.nel_2014_15_plan, self.nel_2013_14_outturn)

    @property
    def change_15_16(self):
        """15/16 change compared to planned 14/15 outturn."""
        return self._change(self.nel_2015_16_plan, self.nel_2014_15_plan)


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


# --- Sign-off, submission and versions (DOMAIN.md §7) ---------------------------------------------
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


class SubmissionFile(models.Model):
    """One stored file of a submitted version, kept in the database with its SHA-256."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("kind", max_length=10, choices=FileKind.choices)
    filename = models.CharField("file name", max_length=200)
    content_type = models.CharField("content type", max_length=100)
    content = models.BinaryField("content")
    size = models.PositiveIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("stored at")

    class Meta:
        ordering = ["submission", "kind"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind"], name="one_file_per_kind_per_version")]

    def __str__(self):
        return self.filename

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A stored file can never change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A stored file can never be deleted")


# --- Area team review and assurance (DOMAIN.md §7) -----------------------------------------------
#
# plans/review.py writes these; plan_assure in plans/workflow.py writes the outcome with the state.


class SectionComment(models.Model):
    """A comment on one section of one plan version: a reviewer starts a thread, and the reviewers,
    the plan's editors, signatories and chair reply to it. Kept, never edited."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="section_comments", verbose_name="plan version"
    )
    section = models.CharField("section", max_length=40, help_text="The section's slug in the plan's edition")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name="in reply to",
    )
    text = models.TextField("comment")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("author", max_length=300, help_text="Their name when they wrote it")
    author_role = models.CharField("as", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("written at", db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "section"], name="section_comment_plan_section")]

    def __str__(self):
        return f"{self.author_name} on {self.section}: {self.text[:60]}"


class AssuranceOutcomeChoice(models.TextChoices):
    APPROVED = "Approved", "Approved"
    APPROVED_WITH_SUPPORT = "Approved with support", "Approved with support"
    APPROVED_SUBJECT_TO_CONDITIONS = "Approved subject to conditions", "Approved subject to conditions"
    NOT_APPROVED = "Not approved", "Not approved"


class AssuranceOutcome(models.Model):
    """The area team's assurance outcome of one submitted version, recorded once with the ASSURED state."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="assurance", verbose_name="plan version")
    outcome = models.CharField("outcome", max_length=40, choices=AssuranceOutcomeChoice.choices)
    conditions = models.TextField(
        "conditions", blank=True, help_text="What the HWB must do; required when approved subject to conditions"
    )
    comment = models.TextField("overall comment", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="recorded by"
    )
    recorded_by_name = models.CharField("recorded by (name)", max_length=300)
    recorded_at = models.DateTimeField("recorded at")

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                name="conditions_given_when_approved_subject_to_conditions",
                condition=~Q(outcome="Approved subject to conditions") | ~Q(conditions=""),
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.outcome}"


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


from .models_jobs import FileJob, FileJobStatus  # noqa: E402, F401 - the file jobs' model, kept beside
