from django.contrib import admin

from .models import ReferenceData


@admin.register(ReferenceData)
class ReferenceDataAdmin(admin.ModelAdmin):
    list_display = ["hwb", "edition", "minimum_2014_15", "minimum_2015_16", "performance_element", "unit_saving"]
    list_filter = ["edition"]
    search_fields = ["hwb__name"]
    autocomplete_fields = ["hwb"]
