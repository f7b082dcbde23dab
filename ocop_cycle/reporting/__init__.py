"""The annual OCOP report: figures aggregated in the database, rendered for people."""
