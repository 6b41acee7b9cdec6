"""Quarterly returns: the pages URLs (included by plans/returns/urls.py, namespace "returns")."""

urlpatterns = []
