"""Working days: Vietnam's public holidays (Tết included) plus a province's own days.

Regulatory periods ("within 10 working days") count Monday–Friday, minus public holidays
and the days off the government or a province adds, plus the Saturdays made working days
to compensate ("làm bù"). The ``holidays`` package knows the national holidays and the
national make-up days it has been told about; the rest comes from
``notifications/calendar.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from ocop_cycle.scheduling.config import CalendarDef


@cache
def _national_holidays() -> Any:
    # Imported on first use: a large package that only computing a date needs (reading a
    # product must not pay for it). Expands to new years on first use of a date in them.
    import holidays

    return holidays.country_holidays("VN")


def national_holiday(day: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    name = _national_holidays().get(day)
    return str(name) if name is not None else None


@dataclass(frozen=True)
class WorkingCalendar:
    """The working-day calendar of one province (or of the nation when none is given)."""

    province_code: str | None = None
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    make_up_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_province(cls, definition: CalendarDef, province_code: str | None) -> WorkingCalendar:
        days = definition.provinces.get(province_code or "")
        off = set(definition.national.extra_days_off)
        make_up = set(definition.national.make_up_working_days)
        if days is not None:
            off.update(days.extra_days_off)
            make_up.update(days.make_up_working_days)
        return cls(province_code, frozenset(off), frozenset(make_up))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_days_off:
            return False
        if day in self.make_up_days:
            return True
        if day.weekday() >= 5:
            return day in _make_up_days_of(day.year)
        return national_holiday(day) is None

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted).

        Zero gives ``start`` back.
        """
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, end: date, count: int) -> date:
        """The working day ``count`` working days before ``end``."""
        day = end
        remaining = count
        while remaining > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def describe(self) -> dict[str, Any]:
        """What the calendar was, stored with every computed date."""
        import holidays

        return {
            "country": "VN",
            "holidays_package": getattr(holidays, "__version__", "unknown"),
            "province": self.province_code,
            "extra_days_off": sorted(day.isoformat() for day in self.extra_days_off),
            "make_up_working_days": sorted(day.isoformat() for day in self.make_up_days),
        }


@cache
def _make_up_days_of(year: int) -> frozenset[date]:
    calendar = _national_holidays()
    calendar.get(date(year, 1, 1))
    return frozenset(
        day for day in getattr(calendar, "weekend_workdays", set()) if day.year == year
    )
