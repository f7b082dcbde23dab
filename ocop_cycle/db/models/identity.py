"""Sign-in and accountability: sessions, API tokens, failed sign-ins, the audit trail,
database flags (sandbox) and the workflow definitions pinned by content hash.

The columns are the tables' (``ocop_cycle.db.tables.identity``); the annotations type them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.identity import (
    api_tokens,
    audit_events,
    database_flags,
    sign_in_failures,
    user_sessions,
    workflow_pins,
)


class UserSession(Base):
    """A browser or API session; only the SHA-256 of its random id is stored."""

    __table__: ClassVar[FromClause] = user_sessions

    id_hash: Mapped[str]
    user_id: Mapped[int]
    csrf_token: Mapped[str]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    address: Mapped[str | None]


class ApiToken(Base):
    """A token for an integration; shown once, only its SHA-256 is stored."""

    __table__: ClassVar[FromClause] = api_tokens

    id: Mapped[int]
    user_id: Mapped[int]
    label: Mapped[str]
    token_hash: Mapped[str]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class SignInFailure(Base):
    """One failed sign-in, counted per username and per address for rate limiting."""

    __table__: ClassVar[FromClause] = sign_in_failures

    id: Mapped[int]
    username: Mapped[str]
    address: Mapped[str]
    at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what to accounts and councils; never updated, never deleted."""

    __table__: ClassVar[FromClause] = audit_events

    id: Mapped[int]
    at: Mapped[datetime]
    kind: Mapped[str]
    actor: Mapped[str | None]
    subject: Mapped[str | None]
    address: Mapped[str | None]
    detail: Mapped[dict[str, Any]]


class DatabaseFlag(Base):
    """Facts about the database itself, such as being a sandbox (``ocop init --sandbox``)."""

    __table__: ClassVar[FromClause] = database_flags

    name: Mapped[str]
    value: Mapped[str]
    set_at: Mapped[datetime]


class WorkflowPin(Base):
    """The canonical content hash of a workflow (name, version) from its first use."""

    __table__: ClassVar[FromClause] = workflow_pins

    name: Mapped[str]
    version: Mapped[int]
    content_hash: Mapped[str]
    pinned_at: Mapped[datetime]
