"""Deadlines counted from a date the trigger gives rather than from entering the state.

A deadline with ``counted_from: conclusion_date`` (Decision 26/2026 Art. 8.4: revoke
within 15 days of the conclusion) is written by the state listener like any other; this
listener, which runs after it in the same transaction, moves the rows just written so
the period runs from that date.
"""

from __future__ import annotations

from datetime import date

from ocop_cycle.db.models import ScheduleItem
from ocop_cycle.scheduling.planner import local_midnight
from ocop_cycle.workflow.hooks import FireContext, on_transition


@on_transition
def count_from_given_date(context: FireContext) -> None:
    state = context.definition.states[context.product.state]
    for deadline in state.deadlines:
        if deadline.counted_from is None or deadline.counted_from not in context.data:
            continue
        start = date.fromisoformat(str(context.data[deadline.counted_from]))
        shift = start - context.today
        if not shift:
            continue
        for row in context.session.new:
            if (
                isinstance(row, ScheduleItem)
                and row.product_id == context.product.id
                and row.name == deadline.name
                and row.state == context.product.state
            ):
                row.due_on = row.due_on + shift
                row.due_at = local_midnight(row.due_on)
                if row.remind_on is not None:
                    row.remind_on = min(row.remind_on + shift, row.due_on)
                row.rule = {
                    **row.rule,
                    "from": start.isoformat(),
                    "counted_from": deadline.counted_from,
                }
