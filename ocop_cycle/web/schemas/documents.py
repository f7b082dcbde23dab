"""Dossier documents: what an upload answers."""

from __future__ import annotations

from pydantic import BaseModel


class Document(BaseModel):
    id: int
    product_id: int
    kind: str
    criterion: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: str
