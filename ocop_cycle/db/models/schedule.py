"""Deadlines, reminders, escalations and timers: rows the one scheduler sweep acts on.

Architecture decision 4: entering a state writes its rows, leaving it cancels them, and a
single sweep claims the rows that are due. A row keeps both the rule it came from and the
date computed from it, so a changed calendar never silently moves a deadline already set.

The columns, kinds and statuses are the table module's (``ocop_cycle.db.tables.schedule``),
where the kinds and statuses are imported from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.schedule import schedule_items


class ScheduleItem(Base):
    """One deadline, reminder, escalation or timer of one product."""

    __table__: ClassVar[FromClause] = schedule_items

    id: Mapped[int]
    product_id: Mapped[int]
    certificate_id: Mapped[int | None]
    kind: Mapped[str]
    name: Mapped[str]
    state: Mapped[str | None]
    workflow: Mapped[str]
    role: Mapped[str | None]
    step: Mapped[str]
    due_on: Mapped[date]
    due_at: Mapped[datetime]
    remind_on: Mapped[date | None]
    priority: Mapped[int]
    rule: Mapped[dict[str, Any]]
    status: Mapped[str]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    outcome: Mapped[str | None]
