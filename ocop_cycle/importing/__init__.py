"""Bringing a province's existing certificates in from its spreadsheets (issue 5)."""
