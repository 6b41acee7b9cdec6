"""Quarterly returns of 2015/16 (DOMAIN.md §10): after its plan is approved, each Board reports every
quarter on delivery, and the pay-for-performance money is released on the admissions avoided.

A return belongs to one HWB, one reporting period and the HWB's latest submitted plan version. Like a
plan, each version is a row: a returned return is resubmitted as a new version (`previous`), and only
one version per HWB and period is current. The rows copy what they need from the plan (the funding
and expenditure lines and their 2015/16 figures, the conditions and metrics) when the return starts,
so a return reads the same however the plan's tables are later shown. Only inputs are stored; every
computed figure (variances, payments) comes from plans.returns.calculations.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bcf.core.models import MoneyField
from plans.models.organisations import HealthAndWellbeingBoard
from plans.models.plan import Plan
from plans.models.signoff import StoredFile


class ReturnPeriod(models.Model):
    """A reporting period and its deadline (reference data; an administrator may move a deadline)."""

    code = models.CharField("period", max_length=10, primary_key=True, help_text="For example 2015/16 Q1")
    covers = models.CharField("covers", max_length=60, help_text="For example Apr–Jun 2015")
    position = models.PositiveSmallIntegerField("order", unique=True)
    p4p_quarter = models.PositiveSmallIntegerField(
        "pay-for-performance quarter",
        null=True,
        blank=True,
        help_text="1 to 4 (Q4 2014/15 to Q3 2015/16); empty for the end-of-year return",
    )
    due = models.DateField("due")

    class Meta:
        ordering = ["position"]
        verbose_name = "reporting period"

    def __str__(self):
        return self.code

    @property
    def p4p_label(self):
        return P4P_QUARTERS[self.p4p_quarter - 1] if self.p4p_quarter else ""


# The four pay-for-performance quarters, k = 1..4, as a return names them (bcf-return/1 "admissions").
P4P_QUARTERS = ("2014/15 Q4", "2015/16 Q1", "2015/16 Q2", "2015/16 Q3")


class ReturnStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SIGNED_OFF = "SIGNED_OFF", "Signed off"
    SUBMITTED = "SUBMITTED", "Submitted"
    RETURNED = "RETURNED", "Returned"
    ACCEPTED = "ACCEPTED", "Accepted"


RETURN_SUBMITTED_STATES = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.ACCEPTED})


class ConditionStatus(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    IN_PROGRESS = "in_progress", "In progress"


class QuarterlyReturn(models.Model):
    hwb = models.ForeignKey(
        HealthAndWellbeingBoard,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name="Health and Wellbeing Board",
    )
    period = models.ForeignKey(ReturnPeriod, on_delete=models.PROTECT, related_name="returns")
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="returns", verbose_name="plan version reported on"
    )
    status = models.CharField("status", max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    version = models.PositiveIntegerField("version", default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions")
    is_current = models.BooleanField("current return", default=True)
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("submitted at", null=True, blank=True, editable=False)

    # 1. Cover
    cover_name = models.CharField("name", max_length=200, blank=True)
    cover_role = models.CharField("role", max_length=200, blank=True)
    cover_email = models.EmailField("email address", max_length=254, blank=True)
    cover_telephone = models.CharField("telephone", max_length=40, blank=True)
    cover_date = models.DateField("date", null=True, blank=True)
    # 2. Budget arrangements
    pooled = models.BooleanField("funds pooled via a section 75 pooled budget", null=True, blank=True)
    pooled_expected_date = models.DateField("expected date", null=True, blank=True)
    pooled_commentary = models.TextField("commentary", blank=True)
    # 5. Non-elective admissions: actuals for the four P4P quarters (earlier ones carried over)
    actual_1 = models.PositiveIntegerField("actual admissions, 2014/15 Q4", null=True, blank=True)
    actual_2 = models.PositiveIntegerField("actual admissions, 2015/16 Q1", null=True, blank=True)
    actual_3 = models.PositiveIntegerField("actual admissions, 2015/16 Q2", null=True, blank=True)
    actual_4 = models.PositiveIntegerField("actual admissions, 2015/16 Q3", null=True, blank=True)
    # 7. Narrative
    narrative = models.TextField("progress, risks and support needed", blank=True)

    class Meta:
        ordering = ["period__position", "hwb__name", "-version"]
        verbose_name = "quarterly return"
        constraints = [
            models.UniqueConstraint(
                fields=["hwb", "period"], condition=Q(is_current=True), name="one_current_return_per_hwb_and_period"
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="return_period_status")]

    def __str__(self):
        return f"{self.hwb} – {self.period_id} v{self.version}"

    @property
    def actuals(self):
        return [self.actual_1, self.actual_2, self.actual_3, self.actual_4]

    @property
    def is_editable(self):
        return self.status == ReturnStatus.DRAFT

    @property
    def status_label(self):
        return self.get_status_display()


class ReturnCondition(models.Model):
    """One national condition of the plan's edition and how the Board stands on it."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField("condition", max_length=40)
    label = models.CharField("condition", max_length=300)
    status = models.CharField("status", max_length=20, choices=ConditionStatus.choices, blank=True)
    date = models.DateField("date it will be met", null=True, blank=True)
    commentary = models.TextField("commentary", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["quarterly_return", "key"], name="one_row_per_condition")]

    def __str__(self):
        return self.label


class ReturnIncome(models.Model):
    """One funding row of the plan's tab 2: the year's forecast and the actual received to date."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="income")
    position = models.PositiveSmallIntegerField(default=0)
    organisation = models.CharField("organisation", max_length=200)
    kind = models.CharField("kind of contribution", max_length=30)
    kind_label = models.CharField("kind", max_length=100, blank=True)
    planned = MoneyField("plan 2015/16 (£)", default=0)
    forecast = MoneyField("forecast for the year (£)", null=True, blank=True)
    actual_to_date = MoneyField("actual received to date (£)", null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.organisation} – {self.kind_label or self.kind}"


class ReturnExpenditure(models.Model):
    """One scheme of the plan's tab 3 (its lines added up): the year's forecast and spend to date."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="expenditure")
    position = models.PositiveSmallIntegerField(default=0)
    scheme_ref = models.CharField("scheme reference", max_length=40)
    scheme_name = models.CharField("scheme", max_length=300, blank=True)
    planned = MoneyField("plan 2015/16 (£)", default=0)
    forecast = MoneyField("forecast for the year (£)", null=True, blank=True)
    actual_to_date = MoneyField("actual spent to date (£)", null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.scheme_ref} {self.scheme_name}".strip()


class ReturnMetric(models.Model):
    """One supporting metric of the plan: its latest actual against the plan's target."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="metrics")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField("code", max_length=10)
    name = models.CharField("metric", max_length=300)
    baseline = models.DecimalField("baseline", max_digits=16, decimal_places=3, null=True, blank=True)
    target = models.DecimalField("target", max_digits=16, decimal_places=3, null=True, blank=True)
    target_label = models.CharField("target period", max_length=100, blank=True)
    period = models.CharField("period the actual covers", max_length=100, blank=True)
    actual = models.DecimalField("latest actual", max_digits=16, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["quarterly_return", "code"], name="one_row_per_return_metric")]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class AdmissionsRevision(models.Model):
    """An earlier quarter's actual admissions revised in a later return: the record of the change."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="revisions")
    quarter = models.PositiveSmallIntegerField("P4P quarter", help_text="1 to 4")
    old = models.PositiveIntegerField("reported before", null=True, blank=True)
    new = models.PositiveIntegerField("revised to", null=True, blank=True)
    at = models.DateTimeField("revised at")
    by_name = models.CharField("revised by", max_length=300, blank=True)

    class Meta:
        ordering = ["quarter", "at", "pk"]

    def __str__(self):
        return f"{P4P_QUARTERS[self.quarter - 1]}: {self.old} → {self.new}"


class ReturnSignature(models.Model):
    """The chair's or a return signatory's sign-off, bound to the return's content by its SHA-256."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("name", max_length=300)
    position = models.CharField("position", max_length=200, blank=True)
    signed_at = models.DateTimeField("signed at")
    content_hash = models.CharField("content hash", max_length=64)
    voided_at = models.DateTimeField("voided at", null=True, blank=True)
    void_reason = models.CharField("why it was voided", max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]

    def __str__(self):
        return f"{self.name} ({self.signed_at:%d %B %Y})"


class ReturnSubmission(models.Model):
    """A submitted version of a return: immutable, with its files and their SHA-256."""

    quarterly_return = models.OneToOneField(QuarterlyReturn, on_delete=models.PROTECT, related_name="submission")
    version = models.PositiveIntegerField("version")
    submitted_at = models.DateTimeField("submitted at")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by_name = models.CharField("submitted by (name)", max_length=300)
    due = models.DateField("due")
    is_late = models.BooleanField("late", default=False)
    content_hash = models.CharField("content hash", max_length=64)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.quarterly_return} submitted {self.submitted_at:%d %B %Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A submitted return can never change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A submitted return can never be deleted")


class ReturnFile(StoredFile):
    """One stored file of a submitted return (PDF, workbook, JSON) with its SHA-256."""

    submission = models.ForeignKey(ReturnSubmission, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("kind", max_length=10)

    class Meta:
        ordering = ["submission", "kind"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind"], name="one_file_per_kind_per_return")]


class ReturnDecision(models.Model):
    """The area team's decision on a submitted return: accepted, or returned with comments."""

    ACCEPTED = "accepted"
    RETURNED = "returned"
    CHOICES = [(ACCEPTED, "Accepted"), (RETURNED, "Returned")]

    quarterly_return = models.OneToOneField(QuarterlyReturn, on_delete=models.PROTECT, related_name="decision")
    decision = models.CharField("decision", max_length=10, choices=CHOICES)
    comment = models.TextField("comments", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField("decided by", max_length=300)
    decided_at = models.DateTimeField("decided at")

    def __str__(self):
        return f"{self.get_decision_display()} by {self.decided_by_name}"


class ReturnEvent(models.Model):
    """The return's history: each saved change and each transition, who and when."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField("by", max_length=300, blank=True)
    what = models.CharField("what happened", max_length=200)
    detail = models.TextField("detail", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class PublishedAdmissions(models.Model):
    """The published quarterly non-elective admissions of one HWB (national data, uploaded as CSV)."""

    hwb = models.ForeignKey(HealthAndWellbeingBoard, on_delete=models.CASCADE, related_name="published_admissions")
    quarter = models.CharField("P4P quarter", max_length=10, help_text="For example 2015/16 Q1")
    admissions = models.PositiveIntegerField("admissions")
    uploaded_at = models.DateTimeField("uploaded at")
    uploaded_by_name = models.CharField("uploaded by", max_length=300, blank=True)

    class Meta:
        ordering = ["hwb__name", "quarter"]
        verbose_name_plural = "published admissions"
        constraints = [models.UniqueConstraint(fields=["hwb", "quarter"], name="one_published_figure_per_quarter")]

    def __str__(self):
        return f"{self.hwb} {self.quarter}: {self.admissions}"
