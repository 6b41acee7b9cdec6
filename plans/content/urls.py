from django.urls import path

from plans.content import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.overview, name="overview"),
    path("plan/<int:plan_id>/", views.line, name="line"),
    path("plans/<int:plan_id>/check/", views.check, name="check"),
    path("plans/<int:plan_id>/history/", views.history, name="history"),
    path("plans/<int:plan_id>/sections/<slug:slug>/", views.section, name="section"),
    path("plans/<int:plan_id>/sections/<slug:slug>/presence/", views.section_presence, name="section_presence"),
    path("plans/<int:plan_id>/risks/scores/", views.risk_scores, name="risk_scores"),
    path("plans/<int:plan_id>/<slug:table>/add/", views.row_edit, name="row_add"),
    path("plans/<int:plan_id>/<slug:table>/<int:row_id>/", views.row_edit, name="row_edit"),
    path("plans/<int:plan_id>/<slug:table>/<int:row_id>/remove/", views.row_delete, name="row_delete"),
    path("plans/<int:plan_id>/documents/<int:row_id>/file/", views.document_download, name="document_file"),
]
