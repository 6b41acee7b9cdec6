"""Quarterly returns: the national URLs (included by plans/returns/urls.py, namespace "returns")."""

from django.urls import path

from plans.returns import national_views

urlpatterns = [
    path("returns/national/", national_views.national, name="national"),
    path("returns/national/returns.csv", national_views.national_csv, name="national_csv"),
    path("returns/national/published-admissions/", national_views.published_upload, name="published_upload"),
]
