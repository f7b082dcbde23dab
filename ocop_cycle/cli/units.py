"""``ocop units``: administrative units."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.errors import InvalidInput
from ocop_cycle.services import unit_conversion, units

app = typer.Typer(
    help="Administrative units (provinces, districts, communes).", no_args_is_help=True
)


@app.command("load")
def load(
    ctx: typer.Context,
    province: str = typer.Option(..., "--province", help="National code, e.g. 51 (Quảng Ngãi)."),
    scheme: str = typer.Option(
        "2025", "--scheme", help="2025 (the units in force) or legacy (with districts)."
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Load a province's units from the vietnamadminunits package (safe to repeat)."""
    counts = units.load_province(runtime(ctx), province, scheme, actor=actor or "")
    emit(
        {"province": province, "scheme": scheme, "loaded": counts},
        as_json,
        lambda _: console.print(
            f"Loaded province {province} ({scheme}): {counts['district']} districts, "
            f"{counts['commune']} communes."
        ),
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    parent: str | None = typer.Option(None, "--parent", help="Only units under this code."),
    as_json: bool = JsonOption,
) -> None:
    """List units, optionally the children of one unit."""
    rows = [
        {
            "code": u.code,
            "name": u.name,
            "level": u.level,
            "parent": u.parent_code,
            "scheme": u.scheme,
        }
        for u in units.list_units(runtime(ctx), parent)
    ]

    def render(data: list[dict[str, str]]) -> None:
        table = Table("code", "name", "level", "parent")
        for row in data:
            table.add_row(row["code"], row["name"], row["level"], row["parent"] or "")
        console.print(table)

    emit(rows, as_json, render)


@app.command("convert")
def convert(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", help="The scheme to move to: 2025."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the moves; change nothing."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Move products, producers and users on legacy communes to their 2025 communes."""
    if to != "2025":
        raise InvalidInput(f"--to {to!r}: units convert only to 2025")
    summary = unit_conversion.convert_to_2025(runtime(ctx), actor=actor or "", dry_run=dry_run)

    def render(data: dict[str, Any]) -> None:
        table = Table("legacy commune", "district", "2025 commune")
        for move in data["communes"]:
            table.add_row(
                f"{move['from']['code']} {move['from']['name']}",
                move["from"]["district"],
                f"{move['to']['code']} {move['to']['name']}",
            )
        console.print(table)
        verb = "would move" if data["dry_run"] else "moved"
        console.print(
            f"{verb}: {data['products']} products, {data['producers']} producers, "
            f"{data['users']} users"
        )
        if data["users_left_on_districts"]:
            console.print(
                "district officers to give a new unit (districts no longer exist): "
                + ", ".join(data["users_left_on_districts"])
            )

    emit(summary, as_json, render)
