"""Places, people, products and the append-only history of what happened to them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata

# A province, district or commune, keyed by its national statistics code.
admin_units = Table(
    "admin_units",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", ForeignKey("admin_units.code"), index=True),
    # "legacy" (province → district → commune, before 2025) or "2025" (province → commune).
    Column("scheme", String(10), nullable=False),
)

# A "chủ thể": the enterprise, cooperative, group or household making the product.
producers = Table(
    "producers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("type", String(30), nullable=False),
    Column("commune_code", ForeignKey("admin_units.code"), nullable=False, index=True),
    Column("email", String(320)),
    # Whether mail reaches ``email``: "ok", or "undeliverable" after a server refused it
    # for good (its reply in ``email_error``); editing the address resets it.
    Column(
        "email_status", String(20), nullable=False, default="ok", server_default="ok", index=True
    ),
    Column("email_error", Text),
    Column("email_failed_at", UTCDateTime),
    Column("phone", String(40)),
    Column("tax_code", String(20)),
    Column("language", String(5), nullable=False, default="vi"),
    Column("created_at", UTCDateTime, nullable=False),
)

# An officer, a producer's account, an administrator or the system (timers).
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("email", String(320)),
    # Whether mail reaches ``email``: "ok", or "undeliverable" after a server refused it
    # for good (its reply in ``email_error``); editing the address resets it.
    Column(
        "email_status", String(20), nullable=False, default="ok", server_default="ok", index=True
    ),
    Column("email_error", Text),
    Column("email_failed_at", UTCDateTime),
    Column("role", String(30), nullable=False),
    Column("unit_code", ForeignKey("admin_units.code")),
    Column("producer_id", ForeignKey("producers.id")),
    Column("language", String(5), nullable=False, default="vi"),
    Column("active", Boolean, nullable=False, default=True),
    # argon2id (pwdlib); None: the account cannot sign in (operators and the system).
    Column("password_hash", String(255)),
    # Set when an admin chose the password: the user must pick their own at sign-in.
    Column("must_change_password", Boolean, nullable=False, default=False),
)

# A product on its way through one workflow; ``state`` is the workflow state.
products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("producer_id", ForeignKey("producers.id"), nullable=False, index=True),
    # Denormalised from the commune so that jurisdiction checks and reports need no joins.
    Column("commune_code", ForeignKey("admin_units.code"), nullable=False, index=True),
    Column("district_code", ForeignKey("admin_units.code"), index=True),
    Column("province_code", ForeignKey("admin_units.code"), nullable=False, index=True),
    Column("product_group", String(20), nullable=False),
    Column("workflow", String(60), nullable=False),
    Column("workflow_version", Integer, nullable=False),
    Column("state", String(60), nullable=False),
    # The last council's result: the score it gave and the stars that score earns.
    Column("score", Numeric(5, 2)),
    Column("stars", Integer),
    Column("evaluated_level", String(20)),
    # Decision 26/2026: the product set (1–26, Appendix I/II), the code of Appendix II
    # (province–commune–serial–year) given when the commune forwards, and the round.
    Column("product_set", Integer),
    Column("product_code", String(40), unique=True),
    Column("round_id", ForeignKey("rounds.id"), index=True),
    # The ORM's optimistic lock (``Product.__mapper_args__``): bumped by every update.
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_products_state_workflow", "state", "workflow"),
)

# One row per fired transition; never updated, never deleted.
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("trigger", String(60), nullable=False),
    Column("from_state", String(60)),
    Column("to_state", String(60), nullable=False),
    Column("workflow", String(60), nullable=False),
    Column("workflow_version", Integer, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("role", String(30), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("comment", Text),
    Column("data", JSONData, nullable=False, default=dict),
    Column("request_id", String(100), unique=True),
)
