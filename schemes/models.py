"""Schemes of a plan with their Annex 1 descriptions (DOMAIN.md §4.4) and milestones (§4.5)."""

from django.db import models

from plans.models import Plan, PlanningUnit

ANNEX1_FIELDS = (
    ("objective", "What is the strategic objective of this scheme?", ""),
    (
        "overview",
        "Overview of the scheme",
        "Please provide a brief description of what you are proposing to do including: What is the model of care "
        "and support? Which patient cohorts are being targeted?",
    ),
    (
        "delivery_chain",
        "The delivery chain",
        "Please provide evidence of a coherent delivery chain, naming the commissioners and providers involved",
    ),
    (
        "evidence_base",
        "The evidence base",
        "Please reference the evidence base which you have drawn on – to support the selection and design of this "
        "scheme – to drive assumptions about impact and outcomes",
    ),
    ("impact", "Impact of scheme", ""),
    (
        "feedback_loop",
        "Feedback loop",
        "What is your approach to measuring the outcomes of this scheme, in order to understand what is and is not "
        "working in terms of integrated care in your area?",
    ),
    ("success_factors", "What are the key success factors for implementation of this scheme?", ""),
)


class Scheme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="schemes")
    position = models.PositiveIntegerField(default=0)
    ref = models.CharField("scheme ref no.", max_length=20, help_text="Unique in the plan, for example UP1")
    theme = models.CharField("theme", max_length=200, blank=True, help_text="For example Unified Prevention")
    name = models.CharField("scheme name", max_length=300)
    planning_unit = models.ForeignKey(
        PlanningUnit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="planning unit"
    )
    # Annex 1 – Detailed Scheme Description (edition 2014-09)
    objective = models.TextField(ANNEX1_FIELDS[0][1], blank=True)
    overview = models.TextField(ANNEX1_FIELDS[1][1], blank=True, help_text=ANNEX1_FIELDS[1][2])
    delivery_chain = models.TextField(ANNEX1_FIELDS[2][1], blank=True, help_text=ANNEX1_FIELDS[2][2])
    evidence_base = models.TextField(ANNEX1_FIELDS[3][1], blank=True, help_text=ANNEX1_FIELDS[3][2])
    impact = models.TextField(ANNEX1_FIELDS[4][1], blank=True, help_text="The quantified benefits are in Part 2 tab 4")
    feedback_loop = models.TextField(ANNEX1_FIELDS[5][1], blank=True, help_text=ANNEX1_FIELDS[5][2])
    success_factors = models.TextField(ANNEX1_FIELDS[6][1], blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="unique_scheme_ref_per_plan")]

    def __str__(self):
        return f"{self.ref} {self.name}"

    def annex1_values(self):
        return {name: getattr(self, name) for name, _, _ in ANNEX1_FIELDS}

    @property
    def annex1_started(self):
        return any(v.strip() for v in self.annex1_values().values())

    @property
    def annex1_complete(self):
        return all(v.strip() for v in self.annex1_values().values())


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveIntegerField("number")
    theme = models.CharField("theme", max_length=200, blank=True)
    scheme_ref = models.CharField("scheme", max_length=20, blank=True, help_text="Reference of a scheme of the plan")
    task = models.TextField("task")
    depends_on = models.JSONField("interdependencies", default=list, blank=True)
    start = models.DateField("start month", null=True, blank=True)
    end = models.DateField("end month", null=True, blank=True)
    period = models.CharField("period", max_length=100, blank=True, help_text='Free text such as "2015 onward"')

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_milestone_number")]

    def __str__(self):
        return f"{self.number}. {self.task[:60]}"
