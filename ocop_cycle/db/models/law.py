"""Records Decision 26/2026/QĐ-TTg adds: evaluation rounds (Art. 5) and post-recognition
inspections (Art. 9).

The columns are the tables' (``ocop_cycle.db.tables.law``); the annotations type them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.law import inspections, rounds


class Round(Base):
    """A council round: products proposed by ``proposals_until`` are scored by ``held_by``.

    Provincial rounds belong to a province; central rounds (the Ministry's) to none.
    """

    __table__: ClassVar[FromClause] = rounds

    id: Mapped[int]
    level: Mapped[str]
    province_code: Mapped[str | None]
    year: Mapped[int]
    number: Mapped[int]
    proposals_until: Mapped[date]
    held_by: Mapped[date]
    basis: Mapped[str]
    created_at: Mapped[datetime]


class Inspection(Base):
    """A post-recognition inspection of a certified product and what it found."""

    __table__: ClassVar[FromClause] = inspections

    id: Mapped[int]
    product_id: Mapped[int]
    certificate_id: Mapped[int | None]
    kind: Mapped[str]
    inspected_on: Mapped[date]
    outcome: Mapped[str]
    findings: Mapped[str]
    actor: Mapped[str]
    created_at: Mapped[datetime]
