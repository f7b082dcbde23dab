"""Records Decision 26/2026/QĐ-TTg adds: evaluation rounds (Art. 5) and post-recognition
inspections (Art. 9)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ocop_cycle.db.base import Base, UTCDateTime


class Round(Base):
    """A council round: products proposed by ``proposals_until`` are scored by ``held_by``.

    Provincial rounds belong to a province; central rounds (the Ministry's) to none.
    """

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("level", "province_code", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    proposals_until: Mapped[date] = mapped_column(Date)
    held_by: Mapped[date] = mapped_column(Date)
    # The legal basis: the decision's article, or the province's regulation for an extra round.
    basis: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Inspection(Base):
    """A post-recognition inspection of a certified product and what it found."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    inspected_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(10))
    findings: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
