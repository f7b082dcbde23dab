"""Each certificate's re-rating window as its holder reads it: when it opens and closes,
and how many days are left (Decision 26/2026/QĐ-TTg Art. 7.6).

The window's rule is that of the workflow in force (``rerating:`` in its file): from
2026-05-22 every active certificate is re-rated under 26/2026, whatever rules issued it
(Art. 12); before then there is no window to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop_cycle.runtime import Runtime
from ocop_cycle.services.browse import certificates_for
from ocop_cycle.workflow.rerating_window import window

NOT_YET, OPEN, CLOSED = "not_yet", "open", "closed"


def rerating_window(runtime: Runtime, expires_on: date, today: date) -> dict[str, Any] | None:
    """The window of the rules in force ``today``, whatever rules issued the certificate."""
    rules = runtime.workflows.in_force(today).definition.rerating
    if rules is None:
        return None
    found = window(rules, expires_on)
    if today < found.opens:
        phase, days_left = NOT_YET, (found.opens - today).days
    elif today <= found.closes:
        phase, days_left = OPEN, (found.closes - today).days
    else:
        phase, days_left = CLOSED, 0
    return {
        "opens": found.opens.isoformat(),
        "closes": found.closes.isoformat(),
        "phase": phase,
        "days_left": days_left,
    }


def certificates_with_windows(
    runtime: Runtime, viewer: str, *, page: int = 1, per_page: int = 20
) -> dict[str, Any]:
    """The viewer's certificates (their jurisdiction's), soonest expiry first, each with
    its re-rating window while it is active."""
    result = certificates_for(runtime, viewer, page=page, per_page=per_page)
    today = runtime.clock.today()
    for item in result["items"]:
        item["window"] = (
            rerating_window(runtime, date.fromisoformat(item["expires_on"]), today)
            if item["status"] == "active"
            else None
        )
    return result
