"""The notification data a deployment may change: reminder schedules and the calendar.

Both live in the ``notifications/`` folder (``notifications/schedules.yaml`` and
``notifications/calendar.yaml``), found by ``data_dir`` or the ``OCOP_NOTIFICATIONS_DIR``
setting, and are read once per process per folder.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ocop_cycle.errors import InvalidInput
from ocop_cycle.resources import data_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepDef(_Strict):
    days_before: int = Field(ge=0)
    basis: Literal["legal", "provincial"]
    source: str | None = None

    @model_validator(mode="after")
    def _legal_has_source(self) -> StepDef:
        if self.basis == "legal" and not self.source:
            raise ValueError(f"step {self.days_before} days before: a legal value needs a source")
        return self


class ScheduleDef(_Strict):
    kind: Literal["renewal_reminder", "rerating_reminder"]
    relative_to: Literal["certificate_expiry"]
    steps: list[StepDef] = Field(min_length=1)


class DaysDef(_Strict):
    extra_days_off: list[date] = Field(default_factory=list)
    make_up_working_days: list[date] = Field(default_factory=list)


class CalendarDef(_Strict):
    national: DaysDef = DaysDef()
    provinces: dict[str, DaysDef] = Field(default_factory=dict)


class NotificationConfig(_Strict):
    directory: Path
    schedules: dict[str, ScheduleDef]
    calendar: CalendarDef

    def schedule(self, name: str) -> ScheduleDef:
        found = self.schedules.get(name)
        if found is None:
            known = ", ".join(sorted(self.schedules)) or "none"
            raise InvalidInput(
                f"reminder schedule {name!r} is not in {self.directory / 'schedules.yaml'} "
                f"(known: {known})"
            )
        return found


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path}: cannot read YAML: {exc}") from None


def _fail(path: Path, exc: ValidationError) -> InvalidInput:
    details = "; ".join(
        f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
    )
    return InvalidInput(f"{path}: {details}")


@cache
def _load(directory: Path) -> NotificationConfig:
    schedules_path = directory / "schedules.yaml"
    calendar_path = directory / "calendar.yaml"
    raw_schedules = _read(schedules_path)
    try:
        schedules = {
            str(name): ScheduleDef.model_validate(value)
            for name, value in dict(raw_schedules).items()  # type: ignore[call-overload]
        }
    except ValidationError as exc:
        raise _fail(schedules_path, exc) from None
    except (TypeError, ValueError):
        raise InvalidInput(f"{schedules_path}: expected a mapping of schedule names") from None
    try:
        calendar = CalendarDef.model_validate(_read(calendar_path))
    except ValidationError as exc:
        raise _fail(calendar_path, exc) from None
    return NotificationConfig(directory=directory, schedules=schedules, calendar=calendar)


@cache
def notification_config(override: Path | None = None) -> NotificationConfig:
    """The schedules and calendar of the configured (or bundled) ``notifications/``.

    Cached per setting: it is read in every transition, and looking the folder up on disk
    each time cost more than the rest of the listener.
    """
    return _load(data_dir("notifications", override).resolve())
