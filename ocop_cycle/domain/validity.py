"""Certificate validity: calendar months from the decision date."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day.

    A certificate decided on 2020-02-29 with 36 months' validity expires on 2023-02-28;
    one decided on 2023-01-31 expires on 2026-01-31. This matches how Vietnamese legal
    periods in months are counted (Civil Code art. 147: the period ends on the same day of
    the last month, or that month's last day when it has no such day).
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
