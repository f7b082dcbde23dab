"""Records of the HTTP API: uploaded dossier files (the row describes the file, the
document store holds its bytes) and the first answers to idempotent requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ocop_cycle.db.base import Base, JSONData, UTCDateTime


class Document(Base):
    """One file of a product's dossier (Mẫu 01–03, evidence for a criterion, a decision…)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The criterion an evidence file supports; None for the other kinds.
    criterion: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Where the document store keeps the bytes; unique so that a sweep can match files to rows.
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotentResponse(Base):
    """The first answer to an HTTP request sent with an ``Idempotency-Key``, per user,
    so that a retry gets the same answer and a reuse with another body is refused."""

    __tablename__ = "idempotent_responses"
    __table_args__ = (UniqueConstraint("username", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(40))
    body_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSONData)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
