"""The document store: bytes of uploaded files, kept apart from the database rows."""

from ocop_cycle.storage.base import DocumentStore
from ocop_cycle.storage.local import LocalStore
from ocop_cycle.storage.sniff import sniff_content_type

__all__ = ["DocumentStore", "LocalStore", "sniff_content_type"]
