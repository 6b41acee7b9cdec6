from django.contrib import admin
from django.contrib.admin.models import LogEntry

from plans.content.services import SUMMARY_FIELDS
from plans.editing import record, touch
from plans.models import (
    CCG,
    AreaTeam,
    AssuranceOutcome,
    ChangeRecord,
    ExportJob,
    HealthAndWellbeingBoard,
    LocalAuthority,
    Plan,
    PlanCCG,
    PlanningUnit,
    PlanStatus,
    Provider,
    RoleAssignment,
    SectionComment,
    Signature,
    Submission,
    SubmissionCheck,
    SubmissionFile,
    Verb,
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
    """Administrators set up a draft plan's organisations (its CCGs and planning units). What the plan
    says is written by its editors, and its state by the workflow: both are read-only here, and a
    plan that is no longer a draft cannot be changed at all."""

    list_display = ["hwb", "edition", "round", "version", "status", "outcome", "is_current", "updated_at"]
    list_filter = ["edition", "round", "status", "is_current"]
    search_fields = ["hwb__name"]
    inlines = [PlanCCGInline, PlanningUnitInline]
    readonly_fields = [
        "hwb",
        "edition",
        "round",
        "status",
        "version",
        "previous",
        "is_current",
        "date_submitted",
        *SUMMARY_FIELDS,
    ]

    def has_add_permission(self, request):
        return False  # plans are started by their editors or imported (import_plan)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == PlanStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        plan = form.instance
        touch(plan.pk)  # the CCGs and planning units feed the checks
        changed = [str(f.model._meta.verbose_name_plural) for f in formsets if f.has_changed()]
        if changed:
            record(
                plan=plan,
                user=request.user,
                section="",
                field="Changed by an administrator: " + ", ".join(changed),
                old="",
                new="; ".join(str(link) for link in plan.ccg_links.all()),
                verb=Verb.ADMIN_CHANGED,
            )


# --- the record: read-only, written only by the services ---------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "plan", "user", "verb", "section", "field"]
    list_filter = ["verb", "section"]
    search_fields = ["field", "plan__hwb__name"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Every change made in this admin, by whom and when (Django's own record of it)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__email"]


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


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Large downloads prepared by a background job: who asked, how it went, and why one failed."""

    list_display = ["created_at", "kind", "requested_by", "status", "items", "size", "message"]
    list_filter = ["kind", "status"]
    search_fields = ["requested_by__email", "message"]


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
