"""Sign-in and accountability: sessions, API tokens, failed sign-ins, the audit trail,
database flags (sandbox) and the workflow definitions pinned by content hash."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata

# A browser or API session; only the SHA-256 of its random id is stored.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    # The absolute end, whatever the activity.
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Column("address", String(64)),
)

# A token for an integration; shown once, only its SHA-256 is stored.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
)

# One failed sign-in, counted per username and per address for rate limiting.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, index=True),
)

# Who did what to accounts and councils; never updated, never deleted.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("actor", String(100)),
    Column("subject", String(200)),
    Column("address", String(64)),
    Column("detail", JSONData, nullable=False, default=dict),
)

# Facts about the database itself, such as being a sandbox (``ocop init --sandbox``).
database_flags = Table(
    "database_flags",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

# The canonical content hash of a workflow (name, version) from its first use.
workflow_pins = Table(
    "workflow_pins",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("pinned_at", UTCDateTime, nullable=False),
)
