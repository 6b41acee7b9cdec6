from django.contrib import admin

from metrics.models import ReferenceData
from plans.editing import touch_all
from plans.models import Plan


def _plans_using(row):
    """The plans whose Part 2 checks read this row: its HWB's, or for an edition's defaults, every plan
    of the edition (a plan's own row, where it has one, wins, but working them out again is harmless)."""
    plans = Plan.objects.filter(edition=row.edition)
    return plans if row.hwb_id is None else plans.filter(hwb_id=row.hwb_id)


@admin.register(ReferenceData)
class ReferenceDataAdmin(admin.ModelAdmin):
    list_display = ["hwb", "edition", "minimum_2014_15", "minimum_2015_16", "performance_element", "unit_saving"]
    list_filter = ["edition"]
    search_fields = ["hwb__name"]
    autocomplete_fields = ["hwb"]

    # The stored task list statuses of the plans that use the row are out of date once it changes.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        touch_all(_plans_using(obj))

    def delete_model(self, request, obj):
        touch_all(_plans_using(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            touch_all(_plans_using(row))
        super().delete_queryset(request, queryset)
