"""Sign-in rate limits: failures per username and per address within a sliding window."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ocop_cycle.config import Settings
from ocop_cycle.db.models import SignInFailure

USERNAME_MAX = 100
ADDRESS_MAX = 64


def retry_after(session: Session, settings: Settings, username: str, address: str,
                now: datetime) -> int | None:
    """Seconds until the next attempt is allowed, or None when one is allowed now."""
    window = timedelta(minutes=settings.signin_window_minutes)
    limit = settings.signin_max_failures
    waits: list[float] = []
    for column, value in (
        (SignInFailure.username, username[:USERNAME_MAX]),
        (SignInFailure.address, address[:ADDRESS_MAX]),
    ):
        times = list(
            session.scalars(
                select(SignInFailure.at)
                .where(column == value, SignInFailure.at > now - window)
                .order_by(SignInFailure.at.desc())
                .limit(limit)
            )
        )
        if len(times) >= limit:
            # The oldest of the last ``limit`` failures must leave the window.
            waits.append((times[-1] + window - now).total_seconds())
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    session.add(
        SignInFailure(username=username[:USERNAME_MAX], address=address[:ADDRESS_MAX], at=now)
    )


def forget_failures(session: Session, username: str) -> None:
    """A successful sign-in clears the user's count (the address keeps its own)."""
    session.execute(delete(SignInFailure).where(SignInFailure.username == username))
