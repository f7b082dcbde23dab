"""Settings, read from ``OCOP_*`` environment variables; every one has a working default."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCOP_", extra="ignore")

    database_url: str = "sqlite:///ocop.db"
    default_workflow: str = "ocop-148"
    # A deployment may keep its own workflow files; None means the bundled ones.
    workflows_dir: Path | None = None
