"""OCOP certificates: the star rank a decision grants a product, valid for a fixed term.

The columns are the table's (``ocop_cycle.db.tables.certificate``); the annotations type them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import FromClause, select
from sqlalchemy.orm import Mapped, Session

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.certificate import certificates


class Certificate(Base):
    __table__: ClassVar[FromClause] = certificates

    id: Mapped[int]
    number: Mapped[str]
    product_id: Mapped[int]
    producer_id: Mapped[int]
    stars: Mapped[int]
    score: Mapped[Decimal | None]
    rule_set: Mapped[str]
    workflow: Mapped[str]
    issuing_level: Mapped[str]
    issuing_unit_code: Mapped[str | None]
    decision_number: Mapped[str]
    decision_date: Mapped[date]
    round_year: Mapped[int]
    valid_from: Mapped[date]
    expires_on: Mapped[date]
    status: Mapped[str]
    verification_code: Mapped[str]
    superseded_by_id: Mapped[int | None]
    revocation_reason: Mapped[str | None]
    revocation_decision: Mapped[str | None]
    revocation_ground: Mapped[str | None]
    valid_until_decision_cap: Mapped[date | None]
    created_at: Mapped[datetime]

    @classmethod
    def active_for(cls, session: Session, product_id: int) -> Certificate | None:
        """The product's certificate in force; a product never has two."""
        return session.scalars(
            select(cls)
            .where(cls.product_id == product_id, cls.status == "active")
            .order_by(cls.id.desc())
            .limit(1)
        ).first()
