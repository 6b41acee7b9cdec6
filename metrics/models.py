"""Part 2 of a plan (DOMAIN.md §5): funding sources, expenditure and benefits per scheme, the
pay-for-performance metric and the supporting (or outcome) metrics; and the reference data per HWB
and edition that Part 2 starts from.

Only inputs are stored. Every computed figure comes from metrics.calculations.
"""

from django.db import models
from django.db.models import Q

from bcf.core.models import MoneyField
from metrics.definitions import (
    DEFAULT_BASELINE_QUARTERS,
    DEFAULT_PLAN_QUARTERS,
    DEFAULT_UNIT_SAVING,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
    FundingKind,
    NewOrExisting,
    ProviderType,
    SourceOfFunding,
)
from plans.editions import EDITION_CHOICES
from plans.models import HealthAndWellbeingBoard, Plan


def _default_baseline_quarters():
    return list(DEFAULT_BASELINE_QUARTERS)


def _default_plan_quarters():
    return list(DEFAULT_PLAN_QUARTERS)


class ReferenceData(models.Model):
    """National figures for one HWB and edition (or, with no HWB, the edition's defaults)."""

    hwb = models.ForeignKey(
        HealthAndWellbeingBoard,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reference_data",
        verbose_name="Health and Wellbeing Board",
        help_text="Leave empty for the defaults of the edition (used where an HWB has no row of its own)",
    )
    edition = models.CharField("template edition", max_length=10, choices=EDITION_CHOICES)
    minimum_2014_15 = MoneyField("minimum required value of BCF pooled budget 2014/15", null=True, blank=True)
    minimum_2015_16 = MoneyField("minimum required value of BCF pooled budget 2015/16", null=True, blank=True)
    performance_element = MoneyField(
        "performance-related element of the fund",
        null=True,
        blank=True,
        help_text="From the national funding allocations, for example £591,000 for Rutland",
    )
    unit_saving = MoneyField(
        "unit saving per non-elective admission avoided",
        default=DEFAULT_UNIT_SAVING,
        help_text="£1,490 in the 2014 guidance",
    )
    baseline_quarters = models.JSONField(
        "baseline quarter labels",
        default=_default_baseline_quarters,
        help_text='Four labels, for example ["Q4 2013/14", "Q1 2014/15", "Q2 2014/15", "Q3 2014/15"]',
    )
    plan_quarters = models.JSONField(
        "performance period quarter labels",
        default=_default_plan_quarters,
        help_text='Four labels, for example ["Q4 2014/15", "Q1 2015/16", "Q2 2015/16", "Q3 2015/16"]',
    )

    class Meta:
        ordering = ["edition", "hwb__name"]
        verbose_name = "reference data"
        verbose_name_plural = "reference data"
        constraints = [
            models.UniqueConstraint(fields=["hwb", "edition"], name="unique_reference_per_hwb_and_edition"),
            models.UniqueConstraint(
                fields=["edition"], condition=Q(hwb__isnull=True), name="one_default_reference_per_edition"
            ),
        ]

    def __str__(self):
        return f"{self.hwb or 'Default'} – {self.edition}"

    def clean(self):
        from django.core.exceptions import ValidationError

        for name in ("baseline_quarters", "plan_quarters"):
            value = getattr(self, name)
            if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) and v for v in value)):
                raise ValidationError({name: "Give four quarter labels"})


class FundingRow(models.Model):
    """One contribution to the pooled budget: an organisation of the plan, a kind, two years."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding_rows")
    position = models.PositiveIntegerField(default=0)
    organisation = models.CharField(
        "organisation", max_length=200, help_text="The local authority or one of the plan's CCGs"
    )
    kind = models.CharField("kind of contribution", max_length=30, choices=FundingKind.choices)
    amount_2014_15 = MoneyField("2014/15 (£)", default=0)
    amount_2015_16 = MoneyField("2015/16 (£)", default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation", "kind"], name="unique_funding_row"),
            models.CheckConstraint(
                condition=Q(amount_2014_15__gte=0, amount_2015_16__gte=0), name="funding_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_kind_display()}"


class ExpenditureRow(models.Model):
    """One line of the expenditure plan (tab 3); a scheme may have several."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="expenditure_rows")
    position = models.PositiveIntegerField(default=0)
    # SET_NULL: removing a scheme in Part 1 keeps its money here, flagged by the checks, rather than
    # silently deleting it.
    scheme = models.ForeignKey(
        "schemes.Scheme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenditure_rows",
        verbose_name="scheme",
    )
    area_of_spend = models.CharField("area of spend", max_length=40, choices=AreaOfSpend.choices)
    commissioner = models.CharField("commissioner", max_length=40, choices=Commissioner.choices)
    nhs_share_percent = models.DecimalField(
        "NHS share (%)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="When the commissioner is joint",
    )
    provider = models.CharField("provider", max_length=40, choices=ProviderType.choices)
    source_of_funding = models.CharField("source of funding", max_length=40, choices=SourceOfFunding.choices)
    amount_2014_15 = MoneyField("2014/15 expenditure (£)", default=0)
    amount_2015_16 = MoneyField("2015/16 expenditure (£)", default=0)
    new_or_existing = models.CharField("new or existing scheme", max_length=10, choices=NewOrExisting.choices)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_2014_15__gte=0, amount_2015_16__gte=0), name="expenditure_not_negative"
            ),
        ]

    def __str__(self):
        ref = self.scheme.ref if self.scheme_id else "No scheme"
        return f"{ref} – {self.area_of_spend} – £{self.amount_2015_16:,.2f} in 2015/16"

    @property
    def scheme_ref(self):
        return self.scheme.ref if self.scheme_id else ""


class BenefitRow(models.Model):
    """One quantified benefit of a scheme (tab 4): a planned change in each quarter of 2015/16."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="benefit_rows")
    position = models.PositiveIntegerField(default=0)
    scheme = models.ForeignKey(
        "schemes.Scheme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefit_rows",
        verbose_name="scheme",
    )
    measure = models.CharField("benefit measure", max_length=60, choices=BenefitMeasure.choices)
    measure_other = models.CharField("other measure", max_length=200, blank=True, help_text="When the measure is other")
    unit = models.CharField("unit", max_length=100, blank=True, help_text="For example admissions or bed days")
    q1 = models.DecimalField("Q1 2015/16", max_digits=14, decimal_places=2, default=0)
    q2 = models.DecimalField("Q2 2015/16", max_digits=14, decimal_places=2, default=0)
    q3 = models.DecimalField("Q3 2015/16", max_digits=14, decimal_places=2, default=0)
    q4 = models.DecimalField("Q4 2015/16", max_digits=14, decimal_places=2, default=0)
    value_per_unit = MoneyField("value per unit (£)", default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        ref = self.scheme.ref if self.scheme_id else "No scheme"
        return f"{ref} – {self.measure_name}"

    @property
    def measure_name(self):
        if self.measure == BenefitMeasure.OTHER:
            return self.measure_other or "Other"
        return self.measure

    @property
    def quarters(self):
        return [self.q1, self.q2, self.q3, self.q4]

    @property
    def scheme_ref(self):
        return self.scheme.ref if self.scheme_id else ""


class P4PMetric(models.Model):
    """The pay-for-performance metric of edition 2014-09 (tab 5): non-elective admissions."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="p4p")
    population = models.PositiveIntegerField("population (denominator)", null=True, blank=True)
    baseline_q1 = models.PositiveIntegerField("baseline admissions, quarter 1", null=True, blank=True)
    baseline_q2 = models.PositiveIntegerField("baseline admissions, quarter 2", null=True, blank=True)
    baseline_q3 = models.PositiveIntegerField("baseline admissions, quarter 3", null=True, blank=True)
    baseline_q4 = models.PositiveIntegerField("baseline admissions, quarter 4", null=True, blank=True)
    plan_q1 = models.PositiveIntegerField("planned admissions, quarter 1", null=True, blank=True)
    plan_q2 = models.PositiveIntegerField("planned admissions, quarter 2", null=True, blank=True)
    plan_q3 = models.PositiveIntegerField("planned admissions, quarter 3", null=True, blank=True)
    plan_q4 = models.PositiveIntegerField("planned admissions, quarter 4", null=True, blank=True)
    performance_element = MoneyField("performance-related element of the fund (£)", null=True, blank=True)
    unit_saving = MoneyField("unit saving per admission avoided (£)", default=DEFAULT_UNIT_SAVING)
    justification = models.TextField(
        "justification", blank=True, help_text="Required when the planned reduction is below 3.5%"
    )

    class Meta:
        verbose_name = "pay-for-performance metric"

    def __str__(self):
        return f"P4P metric of {self.plan}"

    @property
    def baseline(self):
        return [self.baseline_q1, self.baseline_q2, self.baseline_q3, self.baseline_q4]

    @property
    def planned(self):
        return [self.plan_q1, self.plan_q2, self.plan_q3, self.plan_q4]


class Metric(models.Model):
    """One supporting metric (2014-09) or outcome metric (2014-04) of a plan, by its code."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metrics")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField("code", max_length=10, help_text="For example N1 or L1")
    name = models.CharField(
        "name", max_length=300, blank=True, help_text="The measure's name, where the HWB chooses it (N5, L1)"
    )
    definition = models.TextField("definition", blank=True, help_text="Local metric only")
    source = models.TextField("source", blank=True, help_text="Local metric only")
    comment = models.TextField("comment", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_metric_code_per_plan")]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class MetricFigure(models.Model):
    """A metric's baseline (position 0) or one of its targets (1, 2, …)."""

    BASELINE = 0

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(default=0, help_text="0 for the baseline, then the targets")
    label = models.CharField("period or label", max_length=100, blank=True)
    numerator = models.DecimalField("numerator", max_digits=16, decimal_places=3, null=True, blank=True)
    denominator = models.DecimalField("denominator", max_digits=16, decimal_places=3, null=True, blank=True)
    stated_value = models.DecimalField(
        "stated value",
        max_digits=16,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Where there is no numerator and denominator",
    )
    percent_change = models.DecimalField(
        "% change from the baseline", max_digits=8, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "position"], name="unique_metric_figure_position"),
        ]

    def __str__(self):
        return f"{self.metric.code} {'baseline' if self.position == self.BASELINE else self.label}"
