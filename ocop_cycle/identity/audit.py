"""The audit trail of accounts, sign-ins and councils (``ocop audit list``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AuditEvent
from ocop_cycle.runtime import Runtime


class AuditKind(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKOUT = "lockout"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_SET = "password_set"
    ADMIN_CREATED = "admin_created"
    USER_ADDED = "user_added"
    USER_DEACTIVATED = "user_deactivated"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    COUNCIL_CREATED = "council_created"
    COUNCIL_CHANGED = "council_changed"


def record(
    session: Session,
    kind: AuditKind,
    *,
    at: datetime,
    actor: str | None,
    subject: str | None = None,
    address: str | None = None,
    **detail: Any,
) -> None:
    """Add one event to the unit of work ``session`` belongs to."""
    session.add(
        AuditEvent(
            at=at, kind=kind.value, actor=actor, subject=subject, address=address, detail=detail
        )
    )


def list_events(
    runtime: Runtime, *, kind: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The newest events first."""
    with runtime.transaction() as session:
        statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if kind is not None:
            statement = statement.where(AuditEvent.kind == kind)
        return [
            {
                "id": event.id,
                "at": event.at.isoformat(),
                "kind": event.kind,
                "actor": event.actor,
                "subject": event.subject,
                "address": event.address,
                "detail": event.detail,
            }
            for event in session.scalars(statement)
        ]
