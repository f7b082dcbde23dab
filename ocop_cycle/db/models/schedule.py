"""Deadlines, reminders, escalations and timers: rows the one scheduler sweep acts on.

Architecture decision 4: entering a state writes its rows, leaving it cancels them, and a
single sweep claims the rows that are due. A row keeps both the rule it came from and the
date computed from it, so a changed calendar never silently moves a deadline already set.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ocop_cycle.db.base import Base, JSONData, UTCDateTime, partial_index

# Kinds of rows.
DEADLINE = "deadline"  # an officer (or producer) must act by due_on; shown, never swept
REMINDER = "reminder"  # a message to send on due_on (e.g. the renewal series)
ESCALATION = "escalation"  # tell the next level up that a deadline was missed
TIMER = "timer"  # fire a system trigger on the product while it is in ``state``
EXPIRY = "expiry"  # a certificate's end, whatever state its product is in

# Statuses.
OPEN = "open"  # a deadline not yet met
CLOSED = "closed"  # a deadline whose state was left
PENDING = "pending"  # waiting for the sweep
DONE = "done"
CANCELLED = "cancelled"
# A reminder not sent because a newer step of its series (or the expiry) was due too.
SKIPPED = "skipped"
FAILED = "failed"


class ScheduleItem(Base):
    """One deadline, reminder, escalation or timer of one product."""

    __tablename__ = "schedule_items"
    __table_args__ = (
        # The sweep reads only pending rows that are due: a partial index keeps its cost
        # proportional to the due work, not to the table (bench/sweep.py measures it).
        partial_index("ix_schedule_items_due", "due_at", where="status = 'pending'"),
        # The daily digest reads open deadlines whose reminder period has begun.
        partial_index("ix_schedule_items_open_deadlines", "remind_on", where="status = 'open'"),
        Index("ix_schedule_items_product_status", "product_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # Set for rows that follow a certificate rather than a state (expiry, renewal series).
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Deadline name, trigger to fire, or message kind.
    name: Mapped[str] = mapped_column(String(60))
    # The state whose entry wrote the row; None for certificate rows, which outlive states.
    state: Mapped[str | None] = mapped_column(String(60))
    workflow: Mapped[str] = mapped_column(String(60))
    # Who must act (deadline) or who is told (reminder, escalation).
    role: Mapped[str | None] = mapped_column(String(30))
    # Which step of a series ("180" days before expiry, "due", …): part of the message key.
    step: Mapped[str] = mapped_column(String(40), default="")
    due_on: Mapped[date] = mapped_column(Date)
    # Local midnight of ``due_on`` in UTC: when the sweep acts.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Deadlines: the first day the daily digest lists it as due soon.
    remind_on: Mapped[date | None] = mapped_column(Date)
    # Among rows due at the same instant: reminders before timers (lower first).
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # How ``due_on`` was computed (basis, source, count, unit, calendar), for audit.
    rule: Mapped[dict[str, Any]] = mapped_column(JSONData, default=dict)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
