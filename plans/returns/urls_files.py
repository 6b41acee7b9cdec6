"""Quarterly returns: the files URLs (included by plans/returns/urls.py, namespace "returns")."""

from django.urls import path

from plans.returns import file_views

urlpatterns = [
    path("returns/<int:return_id>/files/<str:kind>/", file_views.return_file, name="file"),
]
