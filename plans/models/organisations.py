"""Organisations and people's roles: area teams, councils, CCGs, Health and Wellbeing Boards, providers."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    # The chair's delegate for quarterly returns (DOMAIN.md §10): signs the Board's returns.
    RETURN_SIGNATORY = "return_signatory", "Return signatory"


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
                    Q(role__in=["editor", "signatory", "chair", "return_signatory"], hwb__isnull=False)
                    | Q(role="reviewer", area_team__isnull=False)
                    | Q(role="national")
                ),
                violation_error_message=(
                    "Editors, signatories, chairs and return signatories need an HWB; reviewers an area team."
                ),
            ),
        ]

    def __str__(self):
        scope = self.hwb or self.area_team or "England"
        return f"{self.user} – {self.get_role_display()} – {scope}"
