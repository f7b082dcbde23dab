"""OCOP certificates: the star rank a decision grants a product, valid for a fixed term."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ocop_cycle.db.base import Base, UTCDateTime


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    rule_set: Mapped[str] = mapped_column(String(40))
    workflow: Mapped[str] = mapped_column(String(60))
    issuing_level: Mapped[str] = mapped_column(String(20))
    issuing_unit_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"))
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[date] = mapped_column(Date)
    # The programme year of the evaluation round; may precede the decision's calendar year.
    round_year: Mapped[int] = mapped_column(Integer, index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revocation_decision: Mapped[str | None] = mapped_column(String(60))
    # Decision 26/2026 Art. 8: the ground (a, b, c, d, dd, e) and the conclusion behind it.
    revocation_ground: Mapped[str | None] = mapped_column(String(2))
    # Art. 12.3: a late re-rating filing keeps the certificate valid until the decision,
    # at most until this day (expiry + 180 days).
    valid_until_decision_cap: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def active_for(cls, session: Session, product_id: int) -> Certificate | None:
        """The product's certificate in force; a product never has two."""
        return session.scalars(
            select(cls)
            .where(cls.product_id == product_id, cls.status == "active")
            .order_by(cls.id.desc())
            .limit(1)
        ).first()
