"""Deadlines, reminders, escalations and timers: rows the one scheduler sweep acts on.

Architecture decision 4: entering a state writes its rows, leaving it cancels them, and a
single sweep claims the rows that are due. A row keeps both the rule it came from and the
date computed from it, so a changed calendar never silently moves a deadline already set.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata, partial_index

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

# One deadline, reminder, escalation or timer of one product.
schedule_items = Table(
    "schedule_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    # Set for rows that follow a certificate rather than a state (expiry, renewal series).
    Column("certificate_id", ForeignKey("certificates.id"), index=True),
    Column("kind", String(20), nullable=False),
    # Deadline name, trigger to fire, or message kind.
    Column("name", String(60), nullable=False),
    # The state whose entry wrote the row; None for certificate rows, which outlive states.
    Column("state", String(60)),
    Column("workflow", String(60), nullable=False),
    # Who must act (deadline) or who is told (reminder, escalation).
    Column("role", String(30)),
    # Which step of a series ("180" days before expiry, "due", …): part of the message key.
    Column("step", String(40), nullable=False, default=""),
    Column("due_on", Date, nullable=False),
    # Local midnight of ``due_on`` in UTC: when the sweep acts.
    Column("due_at", UTCDateTime, nullable=False),
    # Deadlines: the first day the daily digest lists it as due soon.
    Column("remind_on", Date),
    # Among rows due at the same instant: reminders before timers (lower first).
    Column("priority", Integer, nullable=False, default=0),
    # How ``due_on`` was computed (basis, source, count, unit, calendar), for audit.
    Column("rule", JSONData, nullable=False, default=dict),
    Column("status", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("escalated_at", UTCDateTime),
    Column("outcome", Text),
    # The sweep reads only pending rows that are due: a partial index keeps its cost
    # proportional to the due work, not to the table (bench/sweep.py measures it).
    partial_index("ix_schedule_items_due", "due_at", where="status = 'pending'"),
    # The daily digest reads open deadlines whose reminder period has begun.
    partial_index("ix_schedule_items_open_deadlines", "remind_on", where="status = 'open'"),
    Index("ix_schedule_items_product_status", "product_id", "status"),
)
