"""Each certificate's re-rating window as its holder reads it: when it opens and closes,
and how many days are left (Decision 26/2026/QĐ-TTg Art. 7.6).

The window's rule is the workflow's (``rerating:`` in the file the certificate was issued
under); a certificate issued under rules without one has no window to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop_cycle.runtime import Runtime
from ocop_cycle.services.browse import certificates_for
from ocop_cycle.workflow.rerating_window import window

NOT_YET, OPEN, CLOSED = "not_yet", "open", "closed"


def rerating_window(
    runtime: Runtime, workflow: str, expires_on: date, today: date
) -> dict[str, Any] | None:
    rules = runtime.workflows.get(workflow).definition.rerating
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
            rerating_window(
                runtime, item["workflow"], date.fromisoformat(item["expires_on"]), today
            )
            if item["status"] == "active"
            else None
        )
    return result
