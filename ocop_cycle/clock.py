"""The one source of "now": UTC instants, settable by tests and by the CLI's ``--as-of``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Clock:
    """Returns the current instant, or a fixed one when ``fixed`` is set."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        if self.fixed is not None:
            return self.fixed
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Vietnam: legal dates (deadlines, expiry) are local dates."""
        return self.now().astimezone(LOCAL_TZ).date()


def local_instant(day: date, hour: int = 0) -> datetime:
    """``hour`` o'clock in Vietnam on ``day``, as a UTC instant."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse ``YYYY-MM-DD`` (local midnight) or an ISO datetime (local if naive) into UTC."""
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time.min)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"{text!r} is not a date or datetime; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(UTC)
