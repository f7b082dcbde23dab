"""Places, people, products and the append-only history of what happened to them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ocop_cycle.db.base import Base, JSONData, UTCDateTime


class AdminUnit(Base):
    """A province, district or commune, keyed by its national statistics code."""

    __tablename__ = "admin_units"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"), index=True)
    # "legacy" (province → district → commune, before 2025) or "2025" (province → commune).
    scheme: Mapped[str] = mapped_column(String(10))


class Producer(Base):
    """A "chủ thể": the enterprise, cooperative, group or household making the product."""

    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(30))
    commune_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    # Whether mail reaches ``email``: "ok", or "undeliverable" after a server refused it
    # for good (its reply in ``email_error``); editing the address resets it.
    email_status: Mapped[str] = mapped_column(
        String(20), default="ok", server_default="ok", index=True
    )
    email_error: Mapped[str | None] = mapped_column(Text)
    email_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(String(40))
    tax_code: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """An officer, a producer's account, an administrator or the system (timers)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    # Whether mail reaches ``email``: "ok", or "undeliverable" after a server refused it
    # for good (its reply in ``email_error``); editing the address resets it.
    email_status: Mapped[str] = mapped_column(
        String(20), default="ok", server_default="ok", index=True
    )
    email_error: Mapped[str | None] = mapped_column(Text)
    email_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[str] = mapped_column(String(30))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # argon2id (pwdlib); None: the account cannot sign in (operators and the system).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set when an admin chose the password: the user must pick their own at sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)


@event.listens_for(Producer.email, "set")
@event.listens_for(User.email, "set")
def _a_new_address_starts_deliverable(
    target: Producer | User, value: str | None, old: object, _initiator: object
) -> None:
    """A refusal belonged to the old address: changing it clears the refusal."""
    if isinstance(old, str) and (value or "").lower() != old.lower():
        target.email_status, target.email_error, target.email_failed_at = "ok", None, None


class Product(Base):
    """A product on its way through one workflow; ``state`` is the workflow state."""

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_state_workflow", "state", "workflow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    # Denormalised from the commune so that jurisdiction checks and reports need no joins.
    commune_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    product_group: Mapped[str] = mapped_column(String(20))
    workflow: Mapped[str] = mapped_column(String(60))
    workflow_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(60))
    # The last council's result: the score it gave and the stars that score earns.
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    stars: Mapped[int | None] = mapped_column(Integer)
    evaluated_level: Mapped[str | None] = mapped_column(String(20))
    # Decision 26/2026: the product set (1–26, Appendix I/II), the code of Appendix II
    # (province–commune–serial–year) given when the commune forwards, and the round.
    product_set: Mapped[int | None] = mapped_column(Integer)
    product_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    producer: Mapped[Producer] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class History(Base):
    """One row per fired transition; never updated, never deleted."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(60))
    to_state: Mapped[str] = mapped_column(String(60))
    workflow: Mapped[str] = mapped_column(String(60))
    workflow_version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONData, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(100), unique=True)
