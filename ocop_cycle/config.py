"""Settings, read from ``OCOP_*`` environment variables; every one has a working default.

A dataclass that reads and checks its environment itself: a settings library
(pydantic-settings, then a pydantic model) cost every command, ``ocop product show``
included, about a tenth of its start (issue 12 §3). A value that cannot be used stops the
command with a message naming the variable (exit 2), never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Literal, get_args, get_origin, get_type_hints

from ocop_cycle.errors import InvalidInput

ENV_PREFIX = "OCOP_"


@dataclass(frozen=True)
class Secret:
    """A password: never shown in a representation of the settings or in a log."""

    value: str = field(repr=False)

    def get_secret_value(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return "Secret('**********')"


def _bounds(
    *, gt: float | None = None, ge: float | None = None, lt: float | None = None,
    le: float | None = None,
) -> dict[str, float]:
    """A number setting's limits, kept in its field's metadata."""
    given = {"gt": gt, "ge": ge, "lt": lt, "le": le}
    return {name: limit for name, limit in given.items() if limit is not None}


@dataclass(init=False)
class Settings:
    """Values given to the constructor win over the environment, which wins over defaults."""

    database_url: str = "sqlite:///ocop.db"
    # None: a new product follows the workflow in force on its registration date
    # (the workflow files' effective_from/effective_until); a name pins one explicitly.
    default_workflow: str | None = None
    # Seconds a writer waits for another writer's lock before giving up with exit 5.
    lock_timeout: float = field(default=30.0, metadata=_bounds(gt=0))
    # Legal dates (decisions, conclusions) accepted at entry: from the programme's start
    # to this many days after today; anything else is a typo such as 9999-12-31.
    legal_dates_from: date = date(2018, 1, 1)
    legal_dates_days_ahead: int = field(default=30, metadata=_bounds(ge=0))
    # Largest import file accepted, in bytes; for XLSX, the size once unpacked.
    import_max_bytes: int = field(default=100 * 1024 * 1024, metadata=_bounds(gt=0))
    # A deployment may keep its own workflow files; None means the bundled ones.
    workflows_dir: Path | None = None
    # Where checked workflow definitions are kept between commands (keyed by content);
    # None means $XDG_CACHE_HOME/ocop-cycle/workflows or ~/.cache/ocop-cycle/workflows.
    cache_dir: Path | None = None
    # Annual report (docs/import-and-annual-report.md): the province's reward per product
    # certified in the year, by stars, in VND. Default: Quảng Ngãi 2022 (no 5★ reward set).
    report_rewards_vnd: dict[int, int] = field(
        default_factory=lambda: {3: 8_000_000, 4: 10_000_000}
    )

    # Deadlines, reminders and mail (docs/deadlines-and-reminders.md).
    # Templates, reminder schedules and the working-day calendar; None means the bundled ones.
    notifications_dir: Path | None = None
    mail_backend: Literal["file", "smtp"] = "file"
    mail_dir: Path = Path("mail")
    mail_from: str = "OCOP <ocop@localhost.localdomain>"
    mail_batch_size: int = field(default=100, metadata=_bounds(gt=0))
    mail_max_attempts: int = field(default=8, metadata=_bounds(gt=0))
    mail_backoff_seconds: float = field(default=60.0, metadata=_bounds(gt=0))
    mail_lease_seconds: float = field(default=600.0, metadata=_bounds(gt=0))
    smtp_host: str = "localhost"
    smtp_port: int = field(default=587, metadata=_bounds(gt=0, lt=65536))
    smtp_username: str | None = None
    smtp_password: Secret | None = None
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    # Check the server's TLS certificate (false only for a server you trust otherwise).
    smtp_verify: bool = True
    smtp_timeout: float = field(default=30.0, metadata=_bounds(gt=0))
    scheduler_interval_seconds: float = field(default=60.0, metadata=_bounds(gt=0))
    # Local time (Asia/Ho_Chi_Minh) at which officers' daily digests are written.
    digest_time: time = time(7, 0)
    sweep_batch_size: int = field(default=500, metadata=_bounds(gt=0))

    # The HTTP API (docs/security.md, README "Serving the API").
    # Uploaded documents are kept in this local folder…
    storage_dir: Path = Path("documents")
    # Or an S3-compatible bucket, ``s3://bucket/prefix`` (needs the ``s3`` extra: boto3).
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    upload_max_bytes: int = field(default=25 * 1024 * 1024, metadata=_bounds(gt=0))
    product_quota_bytes: int = field(default=500 * 1024 * 1024, metadata=_bounds(gt=0))
    # Threads serving plain ``def`` endpoints per worker; the database pool is sized to match.
    api_threads: int = field(default=16, metadata=_bounds(gt=0, le=200))
    # Anonymous look-ups of a certificate code per client address per minute.
    public_rate_per_minute: int = field(default=60, metadata=_bounds(gt=0))

    # Sign-in, sessions and API tokens (docs/security.md).
    session_idle_minutes: int = field(default=30, metadata=_bounds(gt=0))
    session_absolute_hours: int = field(default=12, metadata=_bounds(gt=0))
    # Failed sign-ins allowed per username and per address within the window.
    signin_max_failures: int = field(default=5, metadata=_bounds(gt=0))
    signin_window_minutes: int = field(default=15, metadata=_bounds(gt=0))
    # Session cookies carry Secure unless this is false (local http only).
    cookie_secure: bool = True

    # The web app: the address the public reaches it at; QR codes on certificates encode
    # ``<public_url>/xac-minh/<code>``.
    public_url: str = "http://127.0.0.1:8000"

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - {setting.name for setting in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        from_environment = environment()
        for setting in dataclasses.fields(self):
            if setting.name in values:
                value = _checked(setting, values[setting.name], setting.name)
            elif setting.name in from_environment:
                value = _checked(
                    setting, from_environment[setting.name], ENV_PREFIX + setting.name.upper()
                )
            elif setting.default_factory is not dataclasses.MISSING:
                value = setting.default_factory()
            else:
                value = setting.default
            setattr(self, setting.name, value)

    def replace(self, **changes: Any) -> Settings:
        """These settings with ``changes``, checked like the rest."""
        return dataclasses.replace(self, **changes)


def environment() -> dict[str, Any]:
    """The settings given as ``OCOP_NAME`` variables (any case): text as given, a mapping
    or list setting written as JSON."""
    given = {name.upper(): value for name, value in os.environ.items()}
    found: dict[str, Any] = {}
    for name, kind in _kinds().items():
        value = given.get(ENV_PREFIX + name.upper())
        if value is None:
            continue
        if get_origin(kind) in (dict, list):
            try:
                found[name] = json.loads(value)
            except ValueError:
                found[name] = value  # refused below as the wrong kind, by name
        else:
            found[name] = value
    return found


@cache
def _kinds() -> dict[str, Any]:
    """Each setting's type, from its annotation."""
    return get_type_hints(Settings)


# Each limit a number setting may have: its name, how it reads, and the test it sets.
_LIMITS: tuple[tuple[str, str, Callable[[float, float], bool]], ...] = (
    ("gt", "greater than", lambda number, limit: number > limit),
    ("ge", "at least", lambda number, limit: number >= limit),
    ("lt", "less than", lambda number, limit: number < limit),
    ("le", "at most", lambda number, limit: number <= limit),
)
_TRUE, _FALSE = {"1", "true", "yes", "on", "t", "y"}, {"0", "false", "no", "off", "f", "n"}


def _checked(setting: dataclasses.Field[Any], value: Any, label: str) -> Any:
    """``value`` as the setting's type, within its limits; else a refusal naming ``label``."""
    try:
        converted = _converted(_kinds()[setting.name], value)
    except (TypeError, ValueError) as problem:
        raise InvalidInput(
            f"{label}: {problem} (given {value!r}); fix or unset it",
            vi=f"Cấu hình {label} không hợp lệ: {value!r}",
        ) from None
    limits = setting.metadata
    if isinstance(converted, int | float) and not isinstance(converted, bool):
        broken = [
            f"{word} {limits[name]:g}"
            for name, word, holds in _LIMITS
            if name in limits and not holds(converted, limits[name])
        ]
        if broken:
            raise InvalidInput(
                f"{label}: must be {' and '.join(broken)} (given {value!r}); fix or unset it",
                vi=f"Cấu hình {label} nằm ngoài giới hạn cho phép: {value!r}",
            )
    return converted


def _converted(kind: Any, value: Any) -> Any:
    if get_origin(kind) is UnionType:
        if value is None:
            return None
        [inner] = [arg for arg in get_args(kind) if arg is not NoneType]
        return _converted(inner, value)
    if get_origin(kind) is Literal:
        if value not in get_args(kind):
            raise ValueError("must be one of " + ", ".join(map(str, get_args(kind))))
        return value
    if get_origin(kind) is dict:
        key_kind, value_kind = get_args(kind)
        if not isinstance(value, dict):
            raise ValueError("must be a JSON object")
        return {_converted(key_kind, k): _converted(value_kind, v) for k, v in value.items()}
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("must be true or false")
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("must be a number")
        try:
            number = kind(value.strip() if isinstance(value, str) else value)
        except ValueError:
            raise ValueError("must be a whole number" if kind is int else "must be a number") from None
        if kind is int and isinstance(value, float) and number != value:
            raise ValueError("must be a whole number")
        return number
    if kind in (date, time):
        if isinstance(value, kind):
            return value
        try:
            return kind.fromisoformat(str(value))
        except ValueError:
            shape = "YYYY-MM-DD" if kind is date else "HH:MM"
            raise ValueError(f"must be written {shape}") from None
    if kind is Path:
        if not isinstance(value, str | Path):
            raise ValueError("must be a path")
        return Path(value)
    if kind is Secret:
        return value if isinstance(value, Secret) else Secret(str(value))
    if kind is str:
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value
    raise TypeError(f"no reading for settings of type {kind!r}")
