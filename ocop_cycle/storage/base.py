"""The document store's one small interface, whatever keeps the bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

CHUNK = 256 * 1024


class DocumentStore(Protocol):
    """Keys are made by the application (``<product id>/<random hex>``), never by a client."""

    def put(self, key: str, content: bytes) -> None:
        """Store the bytes durably before returning (the row commits after this)."""

    def stream(self, key: str) -> Iterator[bytes]:
        """The bytes in chunks; FileNotFoundError when the key is unknown."""

    def delete(self, key: str) -> None:
        """Remove the key; no error when it is already gone."""

    def entries(self) -> Iterator[tuple[str, float]]:
        """Every stored key with its modification time (Unix seconds), for the sweep."""
