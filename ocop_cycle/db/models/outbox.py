"""The outbox: every message is a row first, written in the transaction that decided it.

Architecture decision 5: a sender delivers rows later; an SMTP outage delays mail and
never loses it. ``dedupe_key`` (recipient, product, kind, step) makes a reminder exist
once even when two sweeps decide it at the same time.

The columns and the statuses are the table module's (``ocop_cycle.db.tables.outbox``),
where the statuses are imported from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.outbox import outbox_messages


class OutboxMessage(Base):
    __table__: ClassVar[FromClause] = outbox_messages

    id: Mapped[int]
    dedupe_key: Mapped[str]
    message_id: Mapped[str]
    recipient: Mapped[str]
    recipient_name: Mapped[str | None]
    language: Mapped[str]
    kind: Mapped[str]
    product_id: Mapped[int | None]
    context: Mapped[dict[str, Any]]
    status: Mapped[str]
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
