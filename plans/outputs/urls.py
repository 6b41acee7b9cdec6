"""Downloads of a plan's documents (PDF of Part 1; the workbook is under metrics)."""

from django.urls import path

from plans.outputs import views as views_outputs

app_name = "outputs"

urlpatterns = [
    path("plans/<int:plan_id>/part-1/", views_outputs.part1, name="part1"),
    path("plans/<int:plan_id>/part-1.pdf", views_outputs.part1_pdf, name="part1_pdf"),
    path("plans/<int:plan_id>/part-1/status", views_outputs.part1_status, name="part1_status"),
    path("plans/<int:plan_id>/outcome-letter.pdf", views_outputs.outcome_letter, name="outcome_letter"),
    path("plans/<int:plan_id>/part-2/workbook.xlsx", views_outputs.workbook, name="workbook"),
]
