from django.contrib import admin

from .models import (
    CCG,
    AreaTeam,
    ChangeRecord,
    HealthAndWellbeingBoard,
    LocalAuthority,
    Plan,
    PlanCCG,
    PlanningUnit,
    Provider,
    RoleAssignment,
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


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "user", "section", "field"]
    list_filter = ["section"]
    search_fields = ["field", "plan__hwb__name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
