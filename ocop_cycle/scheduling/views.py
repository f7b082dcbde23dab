"""A product's open deadlines and pending timers, as ``ocop product show`` prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, or_, select

from ocop_cycle.db.connections import connection_of
from ocop_cycle.db.constants import sql_constant
from ocop_cycle.db.tables import schedule_items
from ocop_cycle.db.tables.schedule import DEADLINE, EXPIRY, OPEN, PENDING, TIMER
from ocop_cycle.localtime import show_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class DeadlineItem(dict[str, Any]):
    """A plain dict for ``--json``; reads as one line for people."""

    def __str__(self) -> str:
        due = show_date(self["due_on"])
        if self["kind"] == DEADLINE:
            period = self["rule"].get("working_days")
            unit = "working days" if period is not None else "days"
            period = period if period is not None else self["rule"].get("days")
            basis = self["rule"].get("basis")
            escalated = ", escalated" if self["escalated_at"] else ""
            return (
                f"{self['name']}: {self['label_vi']} — {self['role']} by {due} "
                f"({period} {unit}, {basis}{escalated})"
            )
        if self["kind"] == EXPIRY:
            return f"certificate expiry on {due}"
        return f"timer: {self['name']} on {due}"


# Built once: every product view (so every fired trigger) lists them. On the table, not
# the mapped class: showing a product imports no ORM (services/views.py).
_ITEMS = schedule_items.c
_OPEN = (
    select(
        _ITEMS.id,
        _ITEMS.kind,
        _ITEMS.name,
        _ITEMS.role,
        _ITEMS.state,
        _ITEMS.due_on,
        _ITEMS.remind_on,
        _ITEMS.escalated_at,
        _ITEMS.rule,
    )
    .where(
        _ITEMS.product_id == bindparam("product"),
        # Constants in the SQL (db/constants.py); not IN (…): an expanding list is
        # rendered into the SQL again at every call.
        or_(
            (_ITEMS.kind == sql_constant(DEADLINE)) & (_ITEMS.status == sql_constant(OPEN)),
            ((_ITEMS.kind == sql_constant(TIMER)) | (_ITEMS.kind == sql_constant(EXPIRY)))
            & (_ITEMS.status == sql_constant(PENDING)),
        ),
    )
    .order_by(_ITEMS.due_on, _ITEMS.id)
)


def open_deadlines(unit: Session | Connection, product_id: int) -> list[DeadlineItem]:
    rows = connection_of(unit).execute(_OPEN, {"product": product_id})
    return [
        DeadlineItem(
            id=row.id,
            kind=row.kind,
            name=row.name,
            label=row.rule.get("label", {}).get("en", row.name),
            label_vi=row.rule.get("label", {}).get("vi", row.name),
            role=row.role,
            state=row.state,
            due_on=row.due_on.isoformat(),
            remind_on=row.remind_on.isoformat() if row.remind_on else None,
            escalated_at=row.escalated_at.isoformat() if row.escalated_at else None,
            rule=row.rule,
        )
        for row in rows
    ]
