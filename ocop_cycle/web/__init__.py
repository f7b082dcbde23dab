"""The HTTP interface: the JSON API under ``/api/v1`` (and, when present, the web pages)."""
