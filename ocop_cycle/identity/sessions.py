"""Server-side sessions: a random id the browser holds, revocable, with an idle and an
absolute timeout (``OCOP_SESSION_IDLE_MINUTES``, ``OCOP_SESSION_ABSOLUTE_HOURS``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ocop_cycle.db.models import User, UserSession
from ocop_cycle.identity.audit import AuditKind, record
from ocop_cycle.identity.credentials import held_credential
from ocop_cycle.identity.principal import Principal
from ocop_cycle.identity.tokens import digest, new_secret, same
from ocop_cycle.runtime import Runtime


@dataclass(frozen=True)
class OpenedSession:
    """What the interface hands to the client once: the id (cookie or bearer) and CSRF."""

    session_id: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    csrf_token: str
    expires_at: datetime
    idle_expires_at: datetime


def open_session(runtime: Runtime, principal: Principal, address: str | None) -> OpenedSession:
    """Start a session for a user who has just signed in."""
    now = runtime.clock.now()
    session_id = new_secret()
    csrf = new_secret()
    expires_at = now + timedelta(hours=runtime.settings.session_absolute_hours)
    with runtime.transaction() as session:
        session.add(
            UserSession(
                id_hash=digest(session_id),
                user_id=principal.user_id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
                address=(address or "")[:64] or None,
            )
        )
    return OpenedSession(session_id=session_id, csrf_token=csrf, expires_at=expires_at)


def session_user(runtime: Runtime, session_id: str) -> ActiveSession | None:
    """The live session behind ``session_id``; None when unknown, revoked, idle too long,
    past its absolute end, or its user is deactivated."""
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)

    def accept(stored: UserSession, user: User, now: datetime) -> ActiveSession | None:
        if (
            stored.revoked_at is not None
            or now >= stored.expires_at
            or now >= stored.last_seen_at + idle
            or not user.active
        ):
            return None
        return ActiveSession(
            principal=Principal.of(user),
            csrf_token=stored.csrf_token,
            expires_at=stored.expires_at,
            idle_expires_at=min(stored.expires_at, now + idle),
        )

    return held_credential(
        runtime, session_id, hash_column=UserSession.id_hash,
        last_use_column=UserSession.last_seen_at, accept=accept,
    )


def close_session(runtime: Runtime, session_id: str, address: str | None = None) -> bool:
    """Sign out: the session stops at once. False when there was no live session."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        row = session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.id_hash == digest(session_id), UserSession.revoked_at.is_(None))
        ).first()
        if row is None:
            return False
        stored, user = row
        stored.revoked_at = now
        record(session, AuditKind.SIGN_OUT, at=now, actor=user.username, address=address)
        return True


def check_csrf(active: ActiveSession, token: str | None) -> bool:
    """Whether an unsafe request carries this session's CSRF token."""
    return token is not None and same(token, active.csrf_token)


def revoke_user_sessions(session: Session, user_id: int, now: datetime) -> None:
    """End every session of a user (deactivation, a new password)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
