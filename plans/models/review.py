"""Area team review and assurance (DOMAIN.md §7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from plans.models.organisations import Role
from plans.models.plan import AssuranceOutcomeChoice, Plan

# plans.review.services writes these; plan_assure in plans.workflow.services writes the outcome with the state.


class SectionComment(models.Model):
    """A comment on one section of one plan version: a reviewer starts a thread, and the reviewers,
    the plan's editors, signatories and chair reply to it. Kept, never edited. An editor marks a thread
    answered once the plan meets it; until then it is shown on every later version of the plan."""

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
    answered_at = models.DateTimeField("marked answered at", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by_name = models.CharField("marked answered by", max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "section"], name="section_comment_plan_section")]

    def __str__(self):
        return f"{self.author_name} on {self.section}: {self.text[:60]}"


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
