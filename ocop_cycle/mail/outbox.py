"""Writing, listing and retrying outbox rows.

A row is written in the transaction that decided the message; its ``dedupe_key``
(recipient, product, kind, step) is unique, and the insert does nothing when the key
exists, so two sweeps deciding the same reminder at once still make one message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ocop_cycle.config import Settings
from ocop_cycle.db.models.outbox import OutboxMessage
from ocop_cycle.db.tables.outbox import FAILED, PENDING, SENDING, SKIPPED, STATUSES, outbox_messages
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.mail.addresses import check_recipient, sender_address
from ocop_cycle.mail.undeliverable import refusal_of


def dedupe_key(recipient: str, product_id: int | None, kind: str, step: str) -> str:
    return f"{recipient.lower()}|{product_id if product_id is not None else '-'}|{kind}|{step}"


def message_id_for(key: str, domain: str) -> str:
    """The same key always gives the same Message-ID, so retries never look new."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def settings_of(session: Session) -> Settings:
    """The runtime's settings (the runtime puts them on every session it opens)."""
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else Settings()


def enqueue(
    session: Session,
    *,
    recipient: str,
    recipient_name: str | None,
    language: str,
    kind: str,
    product_id: int | None,
    step: str,
    context: dict[str, Any],
    now: datetime,
) -> bool:
    """Write one message row unless its key exists; True when a row was written.

    An invalid address is refused here (``InvalidInput``), never at sending time. A row
    to an address a server refused for good is written ``skipped``, with the reason.
    """
    check_recipient(recipient)
    refused = refusal_of(session, recipient)
    settings = settings_of(session)
    key = dedupe_key(recipient, product_id, kind, step)
    values = {
        "dedupe_key": key,
        "message_id": message_id_for(key, sender_address(settings.mail_from).domain),
        "recipient": recipient,
        "recipient_name": recipient_name,
        "language": language if language in ("vi", "en") else "vi",
        "kind": kind,
        "product_id": product_id,
        "context": context,
        "status": PENDING if refused is None else SKIPPED,
        "last_error": refused,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    connection = session.connection()
    result = connection.execute(_insert_ignoring_duplicates(connection.dialect.name), values)
    return bool(result.rowcount)


@cache
def _insert_ignoring_duplicates(dialect: str) -> Insert:
    """One statement per dialect, values bound at execution, so it is compiled once."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(outbox_messages).on_conflict_do_nothing(
        index_elements=[outbox_messages.c.dedupe_key]
    )


def message_view(row: OutboxMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "kind": row.kind,
        "recipient": row.recipient,
        "language": row.language,
        "product_id": row.product_id,
        "message_id": row.message_id,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat(),
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }


def list_messages(
    session: Session, *, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            f"unknown status {status!r}; use one of: {', '.join(STATUSES)}",
            vi=f"Trạng thái {status!r} không hợp lệ; hãy chọn một trong: {', '.join(STATUSES)}",
        )
    statement = select(OutboxMessage).order_by(OutboxMessage.id).limit(limit)
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    return [message_view(row) for row in session.scalars(statement)]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def retry(session: Session, message_id: int, now: datetime, *, actor: str) -> OutboxMessage:
    """Put a failed message back in the queue, to be sent at the next pass; an admin's or
    a province officer's decision (issue 10 §2: every write names a permitted person)."""
    require_role(
        acting_user(session, actor), (Role.ADMIN, Role.PROVINCE_OFFICER), "retry mail"
    )
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(
            f"no outbox message {message_id}; see `ocop mail list`",
            vi=f"Không tìm thấy thư số {message_id} trong hộp thư đi",
        )
    if row.status != FAILED:
        raise InvalidInput(
            f"message {message_id} is {row.status}; only failed messages can be retried",
            vi=f"Thư số {message_id} đang ở trạng thái {row.status}; chỉ gửi lại được thư gửi không thành công",
        )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=PENDING, next_attempt_at=now, lease_until=None, attempts=0)
    )
    session.refresh(row)
    return row


__all__ = [
    "FAILED",
    "PENDING",
    "SENDING",
    "count_by_status",
    "dedupe_key",
    "enqueue",
    "list_messages",
    "message_id_for",
    "retry",
]
