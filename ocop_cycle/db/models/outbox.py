"""The outbox: every message is a row first, written in the transaction that decided it.

Architecture decision 5: a sender delivers rows later; an SMTP outage delays mail and
never loses it. ``dedupe_key`` (recipient, product, kind, step) makes a reminder exist
once even when two sweeps decide it at the same time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ocop_cycle.db.base import Base, JSONData, UTCDateTime, partial_index

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
# Never attempted: the recipient's address was refused for good before (``last_error``).
SKIPPED = "skipped"
STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        partial_index("ix_outbox_ready", "next_attempt_at", where="status IN ('pending', 'sending')"),
        Index("ix_outbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(500), unique=True)
    # Stable across retries, so a receiver can drop a duplicate delivery.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(40))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSONData, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # While ``sending``: another sender may take the row over only after this instant.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
