"""The outbox: every message is a row first, written in the transaction that decided it.

Architecture decision 5: a sender delivers rows later; an SMTP outage delays mail and
never loses it. ``dedupe_key`` (recipient, product, kind, step) makes a reminder exist
once even when two sweeps decide it at the same time.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata, partial_index

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
# Never attempted: the recipient's address was refused for good before (``last_error``).
SKIPPED = "skipped"
STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED)

# Named for its rows (``OutboxMessage``): ``outbox`` is this module's name.
outbox_messages = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dedupe_key", String(500), nullable=False, unique=True),
    # Stable across retries, so a receiver can drop a duplicate delivery.
    Column("message_id", String(250), nullable=False, unique=True),
    Column("recipient", String(320), nullable=False),
    Column("recipient_name", String(300)),
    Column("language", String(5), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("context", JSONData, nullable=False, default=dict),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    # While ``sending``: another sender may take the row over only after this instant.
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    partial_index("ix_outbox_ready", "next_attempt_at", where="status IN ('pending', 'sending')"),
    Index("ix_outbox_status_id", "status", "id"),
)
