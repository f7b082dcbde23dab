"""The re-rating window of a certificate (Decision 26/2026/QĐ-TTg Art. 7.6, Art. 12.3).

Plain date arithmetic on a workflow's re-rating rules, apart from the guards and actions
that enforce it (``workflow/actions/rerating.py``), so that showing a product's window
does not import the hooks and the scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocop_cycle.workflow.definition import ReratingDef


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date
    late_cap: date


def window(rules: ReratingDef, expires_on: date) -> Window:
    return Window(
        opens=expires_on - timedelta(days=rules.opens_days_before),
        closes=expires_on - timedelta(days=rules.closes_days_before),
        late_cap=expires_on + timedelta(days=rules.late_valid_days_after),
    )
