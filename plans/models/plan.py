"""Organisations, roles, plans and the Part 1 answers and tables that belong to a plan.

A plan belongs to one Health and Wellbeing Board and is pinned to one template edition. States:

- DRAFT: editors change any section.
- AWAITING_SIGN_OFF, SIGNED_OFF: read-only; signatories and the chair sign (workflow issue).
- SUBMITTED, RETURNED, ASSURED: an immutable version has been sent to the area team.
Only DRAFT plans can be edited: `Plan.is_editable`.
"""

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from bcf.core.models import MoneyField
from plans.editions import EDITION_CHOICES, ROUND_CHOICES, get_edition
from plans.models.organisations import CCG, HealthAndWellbeingBoard, Provider


class PlanStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    AWAITING_SIGN_OFF = "AWAITING_SIGN_OFF", "Awaiting sign-off"
    SIGNED_OFF = "SIGNED_OFF", "Signed off"
    SUBMITTED = "SUBMITTED", "Submitted"
    RETURNED = "RETURNED", "Returned"
    ASSURED = "ASSURED", "Assured"


class AssuranceOutcomeChoice(models.TextChoices):
    APPROVED = "Approved", "Approved"
    APPROVED_WITH_SUPPORT = "Approved with support", "Approved with support"
    APPROVED_SUBJECT_TO_CONDITIONS = "Approved subject to conditions", "Approved subject to conditions"
    NOT_APPROVED = "Not approved", "Not approved"

    @property
    def closes_the_round(self):
        """Approved, or approved with support: nothing more is asked of the Board this round."""
        return self in (AssuranceOutcomeChoice.APPROVED, AssuranceOutcomeChoice.APPROVED_WITH_SUPPORT)


# Status groups, spelled once. Read-only awaiting signatures; sent to the area team; signed by the chair.
SIGN_OFF_STATES = frozenset({PlanStatus.AWAITING_SIGN_OFF, PlanStatus.SIGNED_OFF})
SUBMITTED_STATES = frozenset({PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.ASSURED})
SIGNED_STATES = frozenset({PlanStatus.SIGNED_OFF}) | SUBMITTED_STATES


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
    # The area team's assurance outcome of this version (its AssuranceOutcome), kept on the row so the
    # status can be said in words on every list without a join.
    outcome = models.CharField(
        "assurance outcome", max_length=40, choices=AssuranceOutcomeChoice.choices, blank=True, editable=False
    )
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
    task_summary = models.JSONField(null=True, blank=True, editable=False)  # plans.content.task_summary

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
    def status_label(self):
        """The state in words: an assured version says its outcome, and a version that was not
        approved says so; never "Assured" for a plan that was not approved."""
        if self.outcome and self.status in (PlanStatus.ASSURED, PlanStatus.RETURNED):
            if self.status == PlanStatus.RETURNED:
                return f"{self.get_outcome_display()}: returned"
            return self.get_outcome_display()
        return self.get_status_display()

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


def file_sha256(handle):
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def upload_to(instance, filename):
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
    file = models.FileField("file", upload_to=upload_to, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(
        "SHA-256 of the file",
        max_length=64,
        blank=True,
        help_text="Of the bytes uploaded; part of the version reference",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.ref} {self.title}".strip()

    @property
    def is_image(self):
        return self.content_type in ("image/png", "image/jpeg")

    def save(self, *args, **kwargs):
        # Every stored file has its SHA-256 recorded, however it came (the form records it at upload).
        if self.file and not self.sha256:
            handle = self.file.file if not self.file._committed else self.file.open("rb")
            try:
                handle.seek(0)
                self.sha256 = file_sha256(handle)
                handle.seek(0)
            finally:
                if self.file._committed:
                    self.file.close()
        super().save(*args, **kwargs)

    def file_is_intact(self):
        """The stored bytes are still the ones uploaded (their SHA-256 is the one recorded)."""
        if not self.file:
            return True
        try:
            with self.file.open("rb") as handle:
                return file_sha256(handle) == self.sha256
        except OSError:
            return False


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
    # Scores proposed from an April 2014 rating when the plan moved to the September template; the
    # editor confirms them (plans.content.views.risk_scores) and they become likelihood and impact.
    proposed_likelihood = models.SmallIntegerField("proposed likelihood (1-5)", null=True, blank=True)
    proposed_impact = models.SmallIntegerField("proposed potential impact (1-5)", null=True, blank=True)

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


class UnplacedAnswer(models.Model):
    """An answer that has no place in the plan's template edition, kept when the plan moved from
    another edition (plans.editions.moves): shown on the plan page to read and copy, never deleted."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unplaced_answers")
    from_edition = models.CharField("from template edition", max_length=10, choices=EDITION_CHOICES)
    key = models.CharField("question key", max_length=80)
    part = models.CharField("part", max_length=40)
    label = models.CharField("question", max_length=300)
    value = models.TextField("answer")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label}: {self.value[:60]}"
