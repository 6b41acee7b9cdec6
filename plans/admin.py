from django.contrib import admin

from plans.editing import touch
from plans.models import (
    CCG,
    AreaTeam,
    AssuranceOutcome,
    ChangeRecord,
    HealthAndWellbeingBoard,
    LocalAuthority,
    Plan,
    PlanCCG,
    PlanningUnit,
    Provider,
    RoleAssignment,
    SectionComment,
    Signature,
    Submission,
    SubmissionCheck,
    SubmissionFile,
)


@admin.register(AreaTeam, LocalAuthority, CCG, Provider)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(HealthAndWellbeingBoard)
class HWBAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority", "area_team"]
    list_filter = ["area_team"]
    search_fields = ["name", "local_authority__name"]
    autocomplete_fields = ["local_authority"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "hwb", "area_team", "ccg", "position"]
    list_filter = ["role", "hwb", "area_team"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["hwb", "area_team", "ccg"]


class PlanCCGInline(admin.TabularInline):
    model = PlanCCG
    extra = 0
    autocomplete_fields = ["ccg"]


class PlanningUnitInline(admin.TabularInline):
    model = PlanningUnit
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["hwb", "edition", "round", "version", "status", "is_current", "updated_at"]
    list_filter = ["edition", "round", "status", "is_current"]
    search_fields = ["hwb__name"]
    inlines = [PlanCCGInline, PlanningUnitInline]
    # The status changes only through the workflow services, never by hand.
    readonly_fields = ["status", "version", "previous", "date_submitted"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        touch(form.instance.pk)  # the CCGs and planning units feed the checks


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "user", "section", "field"]
    list_filter = ["section"]
    search_fields = ["field", "plan__hwb__name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- sign-off, submission and assurance: read-only, written only by the workflow and review services ---


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["plan", "on_behalf_of", "name", "signed_at", "voided_at"]
    list_filter = ["kind"]
    search_fields = ["plan__hwb__name", "on_behalf_of", "name"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "version", "round", "submitted_at", "submitted_by_name", "is_late"]
    list_filter = ["round", "is_late"]
    search_fields = ["plan__hwb__name"]


@admin.register(SubmissionFile)
class SubmissionFileAdmin(ReadOnlyAdmin):
    list_display = ["filename", "kind", "size", "sha256", "created_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256"]
    exclude = ["content"]  # the bytes are downloaded from the plan's versions page, never shown here


@admin.register(SectionComment)
class SectionCommentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "section", "author_name", "author_role", "created_at"]
    list_filter = ["author_role"]
    search_fields = ["plan__hwb__name", "text", "author_name"]


@admin.register(AssuranceOutcome)
class AssuranceOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["plan", "outcome", "recorded_by_name", "recorded_at"]
    list_filter = ["outcome"]
    search_fields = ["plan__hwb__name"]


@admin.register(SubmissionCheck)
class SubmissionCheckAdmin(ReadOnlyAdmin):
    list_display = ["submission", "errors", "warnings", "checked_at"]
