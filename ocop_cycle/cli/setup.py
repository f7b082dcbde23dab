"""``ocop init`` and ``ocop demo``."""

from __future__ import annotations

from pathlib import Path

import typer

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.services import demo as demo_service
from ocop_cycle.services.setup import initialise


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)


def init(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Create or upgrade the database schema (safe to run again)."""
    result = initialise(runtime(ctx, schema_required=False))
    emit(
        result,
        as_json,
        lambda r: console.print(
            f"Database {r['database']}: schema at {', '.join(r['after'])}"
            + (" (already up to date)" if r["before"] == r["after"] else " (upgraded)")
        ),
    )


def demo(
    ctx: typer.Context,
    directory: Path = typer.Option(Path("ocop-demo"), "--dir", help="A new or empty folder."),
) -> None:
    """Build a demo province (Quảng Ngãi) in a fresh folder and say what to try next."""
    demo_service.run_demo(directory, console)
