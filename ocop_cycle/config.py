"""Settings, read from ``OCOP_*`` environment variables; every one has a working default.

A plain pydantic model that reads its environment itself: ``pydantic-settings`` cost
every command, ``ocop product show`` included, about a tenth of its start for what
``environment()`` does here (issue 12 §3).
"""

from __future__ import annotations

import json
import os
from datetime import date, time
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ENV_PREFIX = "OCOP_"


class Settings(BaseModel):
    """Values given to the constructor win over the environment, which wins over defaults."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**environment(), **values})

    database_url: str = "sqlite:///ocop.db"
    # None: a new product follows the workflow in force on its registration date
    # (the workflow files' effective_from/effective_until); a name pins one explicitly.
    default_workflow: str | None = None
    # Seconds a writer waits for another writer's lock before giving up with exit 5.
    lock_timeout: float = Field(default=30.0, gt=0)
    # Legal dates (decisions, conclusions) accepted at entry: from the programme's start
    # to this many days after today; anything else is a typo such as 9999-12-31.
    legal_dates_from: date = date(2018, 1, 1)
    legal_dates_days_ahead: int = Field(default=30, ge=0)
    # Largest import file accepted, in bytes; for XLSX, the size once unpacked.
    import_max_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    # A deployment may keep its own workflow files; None means the bundled ones.
    workflows_dir: Path | None = None
    # Where checked workflow definitions are kept between commands (keyed by content);
    # None means $XDG_CACHE_HOME/ocop-cycle/workflows or ~/.cache/ocop-cycle/workflows.
    cache_dir: Path | None = None
    # Annual report (docs/import-and-annual-report.md): the province's reward per product
    # certified in the year, by stars, in VND. Default: Quảng Ngãi 2022 (no 5★ reward set).
    report_rewards_vnd: dict[int, int] = Field(
        default_factory=lambda: {3: 8_000_000, 4: 10_000_000}
    )

    # Deadlines, reminders and mail (docs/deadlines-and-reminders.md).
    # Templates, reminder schedules and the working-day calendar; None means the bundled ones.
    notifications_dir: Path | None = None
    mail_backend: Literal["file", "smtp"] = "file"
    mail_dir: Path = Path("mail")
    mail_from: str = "OCOP <ocop@localhost.localdomain>"
    mail_batch_size: int = Field(default=100, gt=0)
    mail_max_attempts: int = Field(default=8, gt=0)
    mail_backoff_seconds: float = Field(default=60.0, gt=0)
    mail_lease_seconds: float = Field(default=600.0, gt=0)
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    # Check the server's TLS certificate (false only for a server you trust otherwise).
    smtp_verify: bool = True
    smtp_timeout: float = Field(default=30.0, gt=0)
    scheduler_interval_seconds: float = Field(default=60.0, gt=0)
    # Local time (Asia/Ho_Chi_Minh) at which officers' daily digests are written.
    digest_time: time = time(7, 0)
    sweep_batch_size: int = Field(default=500, gt=0)

    # The HTTP API (docs/security.md, README "Serving the API").
    # Uploaded documents are kept in this local folder…
    storage_dir: Path = Path("documents")
    # Or an S3-compatible bucket, ``s3://bucket/prefix`` (needs the ``s3`` extra: boto3).
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    product_quota_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    # Threads serving plain ``def`` endpoints per worker; the database pool is sized to match.
    api_threads: int = Field(default=16, gt=0, le=200)
    # Anonymous look-ups of a certificate code per client address per minute.
    public_rate_per_minute: int = Field(default=60, gt=0)

    # Sign-in, sessions and API tokens (docs/security.md).
    session_idle_minutes: int = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=12, gt=0)
    # Failed sign-ins allowed per username and per address within the window.
    signin_max_failures: int = Field(default=5, gt=0)
    signin_window_minutes: int = Field(default=15, gt=0)
    # Session cookies carry Secure unless this is false (local http only).
    cookie_secure: bool = True

    # The web app: the address the public reaches it at; QR codes on certificates encode
    # ``<public_url>/xac-minh/<code>``.
    public_url: str = "http://127.0.0.1:8000"


def environment() -> dict[str, Any]:
    """The settings given as ``OCOP_NAME`` variables (any case): text as given, checked
    and converted by the model; a mapping or list setting is written as JSON."""
    given = {name.upper(): value for name, value in os.environ.items()}
    found: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        value = given.get(ENV_PREFIX + name.upper())
        if value is None:
            continue
        if get_origin(field.annotation) in (dict, list):
            try:
                found[name] = json.loads(value)
            except ValueError:
                found[name] = value  # the model reports it as the wrong type, by name
        else:
            found[name] = value
    return found
