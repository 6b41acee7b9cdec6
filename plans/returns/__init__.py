"""Quarterly returns of 2015/16 (DOMAIN.md §10): from an approved plan to delivery and payment."""
