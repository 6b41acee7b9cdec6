"""Quarterly returns: the national URLs (included by plans/returns/urls.py, namespace "returns")."""

urlpatterns = []
