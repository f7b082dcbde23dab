"""Instants and dates as a person reads them: Vietnam's time with its offset, dd/mm/yyyy.

JSON keeps ISO 8601; everything printed for people goes through these two functions.
"""

from __future__ import annotations

from datetime import date, datetime

from ocop_cycle.clock import LOCAL_TZ


def show_instant(instant: datetime | str) -> str:
    """``28/11/2026 09:05 +07:00``: the instant in Asia/Ho_Chi_Minh, with its offset."""
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    local = instant.astimezone(LOCAL_TZ)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M} {offset[:3]}:{offset[3:]}"


def show_date(day: date | str | None) -> str:
    """``28/11/2026``: a legal date (deadline, expiry, decision) the Vietnamese way."""
    if day is None or day == "":
        return "—"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day:%d/%m/%Y}"
