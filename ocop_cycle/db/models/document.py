"""Records of the HTTP API: uploaded dossier files (the row describes the file, the
document store holds its bytes) and the first answers to idempotent requests.

The columns are the tables' (``ocop_cycle.db.tables.document``); the annotations type them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.document import documents, idempotent_responses


class Document(Base):
    """One file of a product's dossier (Mẫu 01–03, evidence for a criterion, a decision…)."""

    __table__: ClassVar[FromClause] = documents

    id: Mapped[int]
    product_id: Mapped[int]
    kind: Mapped[str]
    criterion: Mapped[str | None]
    filename: Mapped[str]
    content_type: Mapped[str]
    size: Mapped[int]
    sha256: Mapped[str]
    storage_key: Mapped[str]
    uploaded_by: Mapped[str]
    uploaded_at: Mapped[datetime]


class IdempotentResponse(Base):
    """The first answer to an HTTP request sent with an ``Idempotency-Key``, per user,
    so that a retry gets the same answer and a reuse with another body is refused."""

    __table__: ClassVar[FromClause] = idempotent_responses

    id: Mapped[int]
    username: Mapped[str]
    key: Mapped[str]
    body_sha256: Mapped[str]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
