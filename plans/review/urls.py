"""The area team's review pages and the national dashboard."""

from django.urls import path

from plans.review import views

app_name = "review"

urlpatterns = [
    path("review/", views.area_home, name="area_home"),
    path("review/submitted-plans.zip", views.area_zip, name="area_zip"),
    path("downloads/<uuid:token>/", views.export, name="export"),
    path("downloads/<uuid:token>/file", views.export_file, name="export_file"),
    path("review/plans/<int:plan_id>/", views.plan_review, name="plan"),
    path("review/plans/<int:plan_id>/outcome/", views.outcome, name="outcome"),
    path("review/plans/<int:plan_id>/sections/<slug:slug>/comments/", views.comment_add, name="comment_add"),
    path("plans/<int:plan_id>/comments/<int:comment_id>/answered/", views.comment_answered, name="comment_answered"),
    path("national/", views.national, name="national"),
    path("national/plans.csv", views.national_csv, name="national_csv"),
    path("national/boards.csv", views.national_outstanding_csv, name="national_outstanding_csv"),
]
