"""Part 2 pages, under plans/<id>/part-2/ (the plans app owns plans/<id>/<table>/… for Part 1)."""

from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("plans/<int:plan_id>/part-2/", views.summary, name="summary"),
    path("plans/<int:plan_id>/part-2/funding/", views.funding, name="funding"),
    path("plans/<int:plan_id>/part-2/expenditure/", views.expenditure, name="expenditure"),
    path(
        "plans/<int:plan_id>/part-2/expenditure/add/", views.line_edit, {"page": "expenditure"}, name="expenditure_add"
    ),
    path(
        "plans/<int:plan_id>/part-2/expenditure/<int:row_id>/",
        views.line_edit,
        {"page": "expenditure"},
        name="expenditure_edit",
    ),
    path(
        "plans/<int:plan_id>/part-2/expenditure/<int:row_id>/remove/",
        views.line_remove,
        {"page": "expenditure"},
        name="expenditure_remove",
    ),
    path("plans/<int:plan_id>/part-2/benefits/", views.benefits, name="benefits"),
    path("plans/<int:plan_id>/part-2/benefits/add/", views.line_edit, {"page": "benefits"}, name="benefits_add"),
    path(
        "plans/<int:plan_id>/part-2/benefits/<int:row_id>/", views.line_edit, {"page": "benefits"}, name="benefits_edit"
    ),
    path(
        "plans/<int:plan_id>/part-2/benefits/<int:row_id>/remove/",
        views.line_remove,
        {"page": "benefits"},
        name="benefits_remove",
    ),
    path("plans/<int:plan_id>/part-2/p4p/", views.p4p, name="p4p"),
    path("plans/<int:plan_id>/part-2/metrics/", views.metrics, name="metrics"),
    path("plans/<int:plan_id>/part-2/metrics/<slug:code>/", views.metric, name="metric"),
    path("plans/<int:plan_id>/part-2/workbook/upload/", views.workbook_upload, name="workbook_upload"),
]
