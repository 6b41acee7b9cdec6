"""Quarterly returns: the files URLs (included by plans/returns/urls.py, namespace "returns")."""

urlpatterns = []
