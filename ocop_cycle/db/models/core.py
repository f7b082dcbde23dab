"""Places, people, products and the append-only history of what happened to them.

The columns are the tables' (``ocop_cycle.db.tables.core``); the annotations type them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import FromClause, event
from sqlalchemy.orm import Mapped, relationship

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.core import admin_units, history, producers, products, users


class AdminUnit(Base):
    """A province, district or commune, keyed by its national statistics code."""

    __table__: ClassVar[FromClause] = admin_units

    code: Mapped[str]
    name: Mapped[str]
    level: Mapped[str]
    parent_code: Mapped[str | None]
    scheme: Mapped[str]


class Producer(Base):
    """A "chủ thể": the enterprise, cooperative, group or household making the product."""

    __table__: ClassVar[FromClause] = producers

    id: Mapped[int]
    name: Mapped[str]
    type: Mapped[str]
    commune_code: Mapped[str]
    email: Mapped[str | None]
    email_status: Mapped[str]
    email_error: Mapped[str | None]
    email_failed_at: Mapped[datetime | None]
    phone: Mapped[str | None]
    tax_code: Mapped[str | None]
    language: Mapped[str]
    created_at: Mapped[datetime]


class User(Base):
    """An officer, a producer's account, an administrator or the system (timers)."""

    __table__: ClassVar[FromClause] = users

    id: Mapped[int]
    username: Mapped[str]
    display_name: Mapped[str]
    email: Mapped[str | None]
    email_status: Mapped[str]
    email_error: Mapped[str | None]
    email_failed_at: Mapped[datetime | None]
    role: Mapped[str]
    unit_code: Mapped[str | None]
    producer_id: Mapped[int | None]
    language: Mapped[str]
    active: Mapped[bool]
    password_hash: Mapped[str | None]
    must_change_password: Mapped[bool]


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

    __table__: ClassVar[FromClause] = products

    id: Mapped[int]
    name: Mapped[str]
    producer_id: Mapped[int]
    commune_code: Mapped[str]
    district_code: Mapped[str | None]
    province_code: Mapped[str]
    product_group: Mapped[str]
    workflow: Mapped[str]
    workflow_version: Mapped[int]
    state: Mapped[str]
    score: Mapped[Decimal | None]
    stars: Mapped[int | None]
    evaluated_level: Mapped[str | None]
    product_set: Mapped[int | None]
    product_code: Mapped[str | None]
    round_id: Mapped[int | None]
    version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    producer: Mapped[Producer] = relationship()

    __mapper_args__ = {"version_id_col": __table__.c.version}  # noqa: RUF012


class History(Base):
    """One row per fired transition; never updated, never deleted."""

    __table__: ClassVar[FromClause] = history

    id: Mapped[int]
    product_id: Mapped[int]
    trigger: Mapped[str]
    from_state: Mapped[str | None]
    to_state: Mapped[str]
    workflow: Mapped[str]
    workflow_version: Mapped[int]
    actor: Mapped[str]
    role: Mapped[str]
    at: Mapped[datetime]
    comment: Mapped[str | None]
    data: Mapped[dict[str, Any]]
    request_id: Mapped[str | None]
