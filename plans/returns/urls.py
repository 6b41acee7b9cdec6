"""The quarterly returns' pages, in the "returns" namespace: the Board's and the area team's pages
(urls_pages), the stored files (urls_files) and the national view (urls_national)."""

from django.urls import include, path

app_name = "returns"

urlpatterns = [
    path("", include("plans.returns.urls_pages")),
    path("", include("plans.returns.urls_files")),
    path("", include("plans.returns.urls_national")),
]
