"""What Part 2 asks for, per template edition, as data (DOMAIN.md §5): the metrics, the choices of
the expenditure and benefits tables, and the workbook's tab names. Pages, workbook, checks and JSON
iterate over these, so a label is written once."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

YEARS = ("2014/15", "2015/16")
# Model field suffix for each financial year.
YEAR_FIELDS = {"2014/15": "2014_15", "2015/16": "2015_16"}

MINIMUM_REDUCTION_PERCENT = Decimal("3.5")
QUANTITY_MAX = Decimal("999999999999")  # the most a benefit quarter holds (max_digits=14, decimal_places=2)
FIGURE_MAX = Decimal("9999999999999")  # the most a metric figure holds (max_digits=16, decimal_places=3)
DEFAULT_UNIT_SAVING = Decimal("1490.00")
DEFAULT_BASELINE_QUARTERS = ("Q4 2013/14", "Q1 2014/15", "Q2 2014/15", "Q3 2014/15")
DEFAULT_PLAN_QUARTERS = ("Q4 2014/15", "Q1 2015/16", "Q2 2015/16", "Q3 2015/16")
BENEFIT_QUARTERS = ("Q1 2015/16", "Q2 2015/16", "Q3 2015/16", "Q4 2015/16")

P4P_METRIC_NAME = "Total non-elective admissions in to hospital (general & acute), all-age, per 100,000 population"


class FundingKind(models.TextChoices):
    REVENUE = "revenue", "Revenue contribution"
    DFG = "dfg", "Disabled Facilities Grant"
    SOCIAL_CARE_CAPITAL = "social_care_capital", "Social care capital grant"


# Capital grants are paid to the local authority, so they appear only on its row.
CAPITAL_KINDS = (FundingKind.DFG, FundingKind.SOCIAL_CARE_CAPITAL)


class AreaOfSpend(models.TextChoices):
    SOCIAL_CARE = "Social care", "Social care"
    COMMUNITY_HEALTH = "Community health", "Community health"
    ACUTE = "Acute", "Acute"
    MENTAL_HEALTH = "Mental health", "Mental health"
    PRIMARY_CARE = "Primary care", "Primary care"
    OTHER = "Other", "Other"


class Commissioner(models.TextChoices):
    LOCAL_AUTHORITY = "Local authority", "Local authority"
    CCG = "CCG", "CCG"
    JOINT = "Joint", "Joint"


class ProviderType(models.TextChoices):
    NHS_ACUTE = "NHS acute", "NHS acute"
    NHS_COMMUNITY = "NHS community", "NHS community"
    NHS_MENTAL_HEALTH = "NHS mental health", "NHS mental health"
    LOCAL_AUTHORITY = "Local authority", "Local authority"
    PRIVATE = "Private sector", "Private sector"
    VOLUNTARY = "Charity/voluntary sector", "Charity/voluntary sector"
    OTHER = "Other", "Other"


class SourceOfFunding(models.TextChoices):
    CCG_MINIMUM = "CCG minimum contribution", "CCG minimum contribution"
    LA_SOCIAL_SERVICES = "Local authority social services", "Local authority social services"
    DFG = "Disabled Facilities Grant", "Disabled Facilities Grant"
    SOCIAL_CARE_CAPITAL = "Social care capital grant", "Social care capital grant"
    OTHER = "Other", "Other"


class NewOrExisting(models.TextChoices):
    NEW = "new", "New"
    EXISTING = "existing", "Existing"


class BenefitMeasure(models.TextChoices):
    NON_ELECTIVE = "Reduction in non-elective admissions", "Reduction in non-elective admissions"
    RESIDENTIAL = (
        "Reduction in permanent admissions to residential care",
        "Reduction in permanent admissions to residential care",
    )
    DELAYED_TRANSFERS = "Reduction in delayed transfers of care days", "Reduction in delayed transfers of care days"
    OTHER = "Other", "Other"


def choice_for(choices, text):
    """The choice whose value or label matches `text` (any case), or None."""
    wanted = " ".join(str(text).split()).lower()
    for value, label in choices.choices:
        if wanted in (str(value).lower(), str(label).lower()):
            return value
    return None


# --- metrics ---------------------------------------------------------------------------------------

RATE = "rate"  # numerator / denominator × 100,000
PERCENT = "percent"  # numerator / denominator × 100
VALUE = "value"  # a stated value (a named measure)


@dataclass(frozen=True)
class MetricDefinition:
    code: str
    name: str
    kind: str
    numerator_label: str = ""
    denominator_label: str = ""
    unit: str = ""
    named: bool = False  # the HWB names the measure (patient experience, local metric)
    described: bool = False  # the HWB also gives its definition and source (local metric)
    baseline_period: str = ""
    short_name: str = ""  # for messages and chart titles

    @property
    def label(self):
        return f"{self.code} {self.short_name or self.name}"

    @property
    def scale(self):
        return {RATE: Decimal(100000), PERCENT: Decimal(100)}.get(self.kind)

    @property
    def has_ratio(self):
        return self.kind in (RATE, PERCENT)


RESIDENTIAL = MetricDefinition(
    "N1",
    "Permanent admissions of older people (aged 65 and over) to residential and nursing care homes, "
    "per 100,000 population",
    RATE,
    "Permanent admissions (65 and over)",
    "Population aged 65 and over",
    "per 100,000 population",
    baseline_period="2013/14",
    short_name="Permanent admissions to residential and nursing care homes (65 and over)",
)
REABLEMENT = MetricDefinition(
    "N2",
    "Proportion of older people (65 and over) who were still at home 91 days after discharge from "
    "hospital into reablement / rehabilitation services",
    PERCENT,
    "Still at home 91 days after discharge",
    "Discharged into reablement / rehabilitation",
    "%",
    baseline_period="2013/14",
    short_name="Still at home 91 days after discharge into reablement (65 and over)",
)
DELAYED_TRANSFERS = MetricDefinition(
    "N3",
    "Delayed transfers of care (delayed days) from hospital per 100,000 population (aged 18+), average per month",
    RATE,
    "Delayed days, average per month",
    "Population aged 18 and over",
    "per 100,000 population",
    baseline_period="2013/14",
    short_name="Delayed transfers of care (delayed days)",
)
AVOIDABLE_ADMISSIONS = MetricDefinition(
    "N4",
    "Avoidable emergency admissions (composite measure)",
    RATE,
    "Avoidable emergency admissions",
    "Population",
    "per 100,000 population",
    baseline_period="2012/13",
)
EXPERIENCE = MetricDefinition("N5", "Patient / service user experience", VALUE, named=True, baseline_period="2013/14")
LOCAL = MetricDefinition("L1", "Local metric", VALUE, named=True, described=True, baseline_period="2013/14")


@dataclass(frozen=True)
class Part2Edition:
    code: str
    metrics: tuple
    target_labels: tuple
    has_p4p: bool
    tabs: dict  # role -> the workbook tab's name (DOMAIN.md §8)
    metrics_title: str

    def metric(self, code):
        for definition in self.metrics:
            if definition.code == code:
                return definition
        raise KeyError(code)


TAB_ID = "id"
TAB_FUNDING = "funding"
TAB_EXPENDITURE = "expenditure"
TAB_BENEFITS = "benefits"
TAB_P4P = "p4p"
TAB_METRICS = "metrics"
TAB_CHECKLIST = "checklist"

_COMMON_TABS = {
    TAB_ID: "1. HWB ID",
    TAB_FUNDING: "2. HWB Funding Sources",
    TAB_EXPENDITURE: "3. HWB Expenditure Plan",
    TAB_BENEFITS: "4. HWB Benefits Plan",
}

EDITIONS = {
    "2014-04": Part2Edition(
        code="2014-04",
        metrics=(RESIDENTIAL, REABLEMENT, DELAYED_TRANSFERS, AVOIDABLE_ADMISSIONS, EXPERIENCE, LOCAL),
        target_labels=("Performance underpinning April 2015 payment", "Performance underpinning October 2015 payment"),
        has_p4p=False,
        tabs={**_COMMON_TABS, TAB_METRICS: "5. Outcomes and Metrics", TAB_CHECKLIST: "Checklist"},
        metrics_title="Outcomes and metrics",
    ),
    "2014-09": Part2Edition(
        code="2014-09",
        metrics=(RESIDENTIAL, REABLEMENT, DELAYED_TRANSFERS, EXPERIENCE, LOCAL),
        target_labels=("2014/15 plan", "2015/16 plan"),
        has_p4p=True,
        tabs={
            **_COMMON_TABS,
            TAB_P4P: "5. HWB P4P metric",
            TAB_METRICS: "6. HWB Supporting Metrics",
            TAB_CHECKLIST: "Checklist",
        },
        metrics_title="Supporting metrics",
    ),
}


def part2_edition(code):
    return EDITIONS[code]
