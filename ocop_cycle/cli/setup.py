"""``ocop init`` and ``ocop demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ocop_cycle.cli.common import JsonOption, console, emit, read_password, runtime
from ocop_cycle.services import demo as demo_service
from ocop_cycle.services.setup import initialise


def init(
    ctx: typer.Context,
    admin: str | None = typer.Option(
        None, "--admin", help="Create the first admin (empty database only)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the admin's password from stdin."
    ),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="A sandbox for trying things: --as-of may change data."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Create or upgrade the database schema (safe to run again)."""
    password = read_password(password_stdin) if admin is not None else None
    result = initialise(
        runtime(ctx, schema_required=False), admin=admin, password=password, sandbox=sandbox
    )

    def render(r: dict[str, Any]) -> None:
        console.print(
            f"Database {r['database']}: schema at {', '.join(r['after'])}"
            + (" (already up to date)" if r["before"] == r["after"] else " (upgraded)")
        )
        if r["sandbox"]:
            console.print("This database is a sandbox: --as-of may change data here.")
        if r["admin"]:
            console.print(f"First admin: {r['admin']}.")

    emit(result, as_json, render)


def demo(
    ctx: typer.Context,
    directory: Path = typer.Option(Path("ocop-demo"), "--dir", help="A new or empty folder."),
) -> None:
    """Build a demo province (Quảng Ngãi) in a fresh folder and say what to try next."""
    demo_service.run_demo(directory, console)
