"""``ocop units``: administrative units."""

from __future__ import annotations

import typer
from rich.table import Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.services import units

app = typer.Typer(
    help="Administrative units (provinces, districts, communes).", no_args_is_help=True
)


@app.command("load")
def load(
    ctx: typer.Context,
    province: str = typer.Option(..., "--province", help="National code, e.g. 51 (Quảng Ngãi)."),
    scheme: str = typer.Option("legacy", "--scheme", help="legacy (with districts) or 2025."),
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
