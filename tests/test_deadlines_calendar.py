"""Working days: Vietnam's holidays (Tết included), national make-up Saturdays, and a
province's own days off and make-up days from notifications/calendar.yaml."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ocop_cycle.errors import InvalidInput
from ocop_cycle.resources import data_dir
from ocop_cycle.scheduling.calendar import WorkingCalendar, national_holiday
from ocop_cycle.scheduling.config import CalendarDef, DaysDef, notification_config
from ocop_cycle.scheduling.planner import CertificateFacts, ProductFacts, state_rows
from ocop_cycle.workflow.loader import load_definition

NATIONAL = WorkingCalendar()


def test_tet_2024_is_not_counted_as_working_days() -> None:
    assert national_holiday(date(2024, 2, 10)) is not None  # Mùng 1 Tết Giáp Thìn
    # Entered Monday 5 Feb 2024; 8–14 Feb is the Tết break.
    assert NATIONAL.add_working_days(date(2024, 2, 5), 10) == date(2024, 2, 26)


def test_an_ordinary_fortnight_counts_weekdays_only() -> None:
    assert NATIONAL.add_working_days(date(2024, 3, 1), 10) == date(2024, 3, 15)
    assert NATIONAL.add_working_days(date(2024, 3, 1), 0) == date(2024, 3, 1)


def test_national_make_up_saturday_counts_and_the_swapped_monday_does_not() -> None:
    # 2024: Monday 29 April off, worked back on Saturday 4 May.
    assert not NATIONAL.is_working_day(date(2024, 4, 29))
    assert NATIONAL.is_working_day(date(2024, 5, 4))
    assert NATIONAL.add_working_days(date(2024, 4, 26), 1) == date(2024, 5, 2)
    assert NATIONAL.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)


def test_a_province_day_off_pushes_the_deadline_a_day_later() -> None:
    calendar = WorkingCalendar.for_province(
        CalendarDef(provinces={"51": DaysDef(extra_days_off=[date(2024, 2, 15)])}), "51"
    )
    assert calendar.add_working_days(date(2024, 2, 5), 10) == date(2024, 2, 27)
    # Another province keeps the national calendar.
    other = WorkingCalendar.for_province(
        CalendarDef(provinces={"51": DaysDef(extra_days_off=[date(2024, 2, 15)])}), "52"
    )
    assert other.add_working_days(date(2024, 2, 5), 10) == date(2024, 2, 26)


def test_a_province_make_up_saturday_brings_the_deadline_earlier() -> None:
    calendar = WorkingCalendar.for_province(
        CalendarDef(provinces={"51": DaysDef(make_up_working_days=[date(2024, 2, 17)])}), "51"
    )
    assert calendar.add_working_days(date(2024, 2, 5), 10) == date(2024, 2, 23)


def test_the_stored_rule_names_the_calendar_and_the_computed_date() -> None:
    definition = load_definition(data_dir("workflows") / "ocop-148.yaml")
    config = notification_config()
    rows = state_rows(
        definition,
        ProductFacts(id=1, workflow="ocop-148", state="dossier_submitted", province_code="51"),
        None,
        entered_at=datetime(2024, 2, 5, 2, 0, tzinfo=UTC),
        config=config,
        now=datetime(2024, 2, 5, 2, 0, tzinfo=UTC),
    )
    deadline = next(row for row in rows if row["kind"] == "deadline")
    assert deadline["name"] == "dossier_check"
    assert deadline["due_on"] == date(2024, 2, 26)
    assert deadline["rule"]["working_days"] == 10
    assert deadline["rule"]["from"] == "2024-02-05"
    assert deadline["rule"]["basis"] == "provincial"
    assert deadline["rule"]["calendar"]["province"] == "51"
    escalation = next(row for row in rows if row["kind"] == "escalation")
    assert escalation["role"] == "province_officer"
    assert escalation["due_on"] == NATIONAL.add_working_days(date(2024, 2, 26), 5)


def test_a_late_entry_sends_one_reminder_now_instead_of_every_missed_step() -> None:
    definition = load_definition(data_dir("workflows") / "ocop-148.yaml")
    entered = datetime(2027, 5, 1, 2, 0, tzinfo=UTC)
    rows = state_rows(
        definition,
        ProductFacts(id=1, workflow="ocop-148", state="renewal_due", province_code="51"),
        CertificateFacts(id=7, expires_on=date(2027, 6, 20)),
        entered_at=entered,
        config=notification_config(),
        now=entered,
    )
    steps = sorted(row["step"] for row in rows if row["kind"] == "reminder")
    # 180 and 90 days before are long past; 30 days before (21 May) is still ahead.
    assert steps == ["0d", "30d", "7d", "90d"]
    late = next(row for row in rows if row["step"] == "90d")
    assert late["rule"]["late"] is True


def test_a_broken_calendar_file_is_refused_with_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "notifications"
    shutil.copytree(data_dir("notifications"), folder)
    (folder / "calendar.yaml").write_text(
        "provinces:\n  '51':\n    extra_days_off: [not-a-date]\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match=r"calendar.yaml: provinces.51.extra_days_off"):
        notification_config(folder)
