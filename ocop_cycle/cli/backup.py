"""``ocop backup`` and ``ocop restore``."""

from __future__ import annotations

from pathlib import Path

import typer

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.services import backup as backup_service


def backup(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The backup file to write."),
    force: bool = typer.Option(False, "--force", help="Replace --out if it exists."),
    as_json: bool = JsonOption,
) -> None:
    """Back the database up while it is in use (SQLite online backup, or pg_dump)."""
    result = backup_service.backup(runtime(ctx), out, force=force)
    emit(result, as_json, lambda r: console.print(
        f"Đã sao lưu / backed up {r['database']} → {r['file']} ({r['format']}, {r['bytes']} bytes)",
        markup=False,
    ))


def restore(
    file: Path = typer.Argument(..., help="A file written by `ocop backup`."),
    to: str = typer.Option(..., "--to", help="URL of a new, empty database."),
    as_json: bool = JsonOption,
) -> None:
    """Restore a backup into a new, empty database (SQLite or PostgreSQL)."""
    result = backup_service.restore(file, to)
    emit(result, as_json, lambda r: console.print(
        f"Đã khôi phục / restored {r['file']} → {r['database']}", markup=False
    ))
