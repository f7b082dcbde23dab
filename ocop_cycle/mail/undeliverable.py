"""Addresses a server refused for good: remembered on the producer or user, so that later
messages are not attempted (recorded ``skipped`` with the reason) until the address is
edited, and so that the province officer's digest can list them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, union_all, update
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Producer, User
from ocop_cycle.db.models.outbox import OutboxMessage
from ocop_cycle.db.tables.outbox import PENDING, SKIPPED

OK = "ok"
UNDELIVERABLE = "undeliverable"
MISSING = "missing"


def reachability(email: str | None, status: str) -> str:
    """What officers see of an address: "ok", "undeliverable" or "missing" (none)."""
    if not email:
        return MISSING
    return UNDELIVERABLE if status == UNDELIVERABLE else OK


def skip_reason(email: str | None, error: str | None, failed_at: datetime | None) -> str:
    day = failed_at.date().isoformat() if failed_at else "earlier"
    return (
        f"not attempted: the server refused {email} for good on {day} ({error}); "
        "edit the address to send again"
    )


def refusal_of(session: Session, recipient: str) -> str | None:
    """Why mail to ``recipient`` is not attempted, or None when it may be sent."""
    wanted = recipient.lower()
    found = session.execute(
        union_all(
            *(
                select(model.email, model.email_error, model.email_failed_at).where(
                    func.lower(model.email) == wanted, model.email_status == UNDELIVERABLE
                )
                for model in (Producer, User)
            )
        ).limit(1)
    ).first()
    return None if found is None else skip_reason(found[0], found[1], found[2])


def mark_undeliverable(session: Session, recipient: str, reply: str, at: datetime) -> None:
    """Remember the refusal on every producer and user with this address, and skip the
    messages to it that are still waiting."""
    wanted = recipient.lower()
    for model in (Producer, User):
        session.execute(
            update(model)
            .where(func.lower(model.email) == wanted)
            .values(email_status=UNDELIVERABLE, email_error=reply, email_failed_at=at)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        update(OutboxMessage)
        .where(func.lower(OutboxMessage.recipient) == wanted, OutboxMessage.status == PENDING)
        .values(
            status=SKIPPED,
            last_error=skip_reason(recipient, reply, at),
            next_attempt_at=at,
        )
        .execution_options(synchronize_session=False)
    )
