"""Records of the HTTP API: uploaded dossier files (the row describes the file, the
document store holds its bytes) and the first answers to idempotent requests."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata

# One file of a product's dossier (Mẫu 01–03, evidence for a criterion, a decision…).
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    # The criterion an evidence file supports; None for the other kinds.
    Column("criterion", String(40)),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    # Where the document store keeps the bytes; unique so that a sweep can match files to rows.
    Column("storage_key", String(100), nullable=False, unique=True),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

# The first answer to an HTTP request sent with an ``Idempotency-Key``, per user, so that
# a retry gets the same answer and a reuse with another body is refused.
idempotent_responses = Table(
    "idempotent_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False),
    Column("key", String(40), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("response", JSONData, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("username", "key"),
)
