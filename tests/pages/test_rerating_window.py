"""The re-rating window as the certificates page shows it (Decision 26/2026 Art. 7.6):
from expiry−180 to expiry−120 days, both included, with the days left."""

from __future__ import annotations

from datetime import date

from ocop_cycle.runtime import Runtime
from ocop_cycle.services.rerating_windows import rerating_window

EXPIRY = date(2027, 6, 1)  # window 03/12/2026 – 01/02/2027


def test_window_181_days_before_expiry_is_not_open_yet_and_opens_tomorrow(
    runtime: Runtime,
) -> None:
    shown = rerating_window(runtime, EXPIRY, date(2026, 12, 2))
    assert shown == {"opens": "2026-12-03", "closes": "2027-02-01", "phase": "not_yet", "days_left": 1}


def test_window_is_open_on_its_first_day_with_60_days_left(runtime: Runtime) -> None:
    shown = rerating_window(runtime, EXPIRY, date(2026, 12, 3))
    assert shown is not None and shown["phase"] == "open" and shown["days_left"] == 60


def test_window_is_open_on_its_last_day_120_days_before_expiry(runtime: Runtime) -> None:
    shown = rerating_window(runtime, EXPIRY, date(2027, 2, 1))
    assert shown is not None and shown["phase"] == "open" and shown["days_left"] == 0


def test_window_is_closed_119_days_before_expiry(runtime: Runtime) -> None:
    shown = rerating_window(runtime, EXPIRY, date(2027, 2, 2))
    assert shown is not None and shown["phase"] == "closed"


def test_no_window_before_26_2026_took_effect_on_22_05_2026(runtime: Runtime) -> None:
    assert rerating_window(runtime, EXPIRY, date(2026, 5, 21)) is None
    assert rerating_window(runtime, EXPIRY, date(2026, 5, 22)) is not None
