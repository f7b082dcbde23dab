"""``ocop council``: set up evaluation councils and show them."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.services import councils

app = typer.Typer(help="Evaluation councils (hội đồng đánh giá, phân hạng).", no_args_is_help=True)


def render_council(view: dict[str, Any]) -> None:
    unit = view["unit"]["name"] if view["unit"] else "toàn quốc / national"
    console.print(Text.assemble((f"Hội đồng #{view['id']}", "bold"), f" {view['name']}"))
    console.print(f"  cấp / level: {view['level']}   đơn vị / unit: {unit}")
    console.print(f"  chủ tịch / chair: {view['chair']}")
    members = ", ".join(member["username"] for member in view["members"])
    console.print(f"  thành viên / members ({len(view['members'])}): {members}")


@app.command("create")
def create(
    ctx: typer.Context,
    level: str = typer.Option(..., "--level", help="district, province or central."),
    unit: str | None = typer.Option(None, "--unit", help="District or province code."),
    chair: str = typer.Option(..., "--chair", help="Username of the chair."),
    members: str = typer.Option(..., "--members", help="Usernames, comma-separated."),
    name: str | None = typer.Option(None, "--name", help="Default: from the level and unit."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Set up a council; it evaluates the products of its level and unit from now on."""
    view = councils.create_council(
        runtime(ctx),
        actor=actor or "",
        level=level,
        unit_code=unit,
        chair=chair,
        members=members.split(","),
        name=name,
    )
    emit(view, as_json, render_council)


@app.command("show")
def show(ctx: typer.Context, council_id: int, as_json: bool = JsonOption) -> None:
    """Show a council and its members."""
    emit(councils.show_council(runtime(ctx), council_id), as_json, render_council)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List the councils."""

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("id", "level", "unit", "chair", "members", "name")
        for row in rows:
            table.add_row(
                str(row["id"]),
                row["level"],
                row["unit"]["name"] if row["unit"] else "—",
                row["chair"],
                str(len(row["members"])),
                row["name"],
            )
        console.print(table)

    emit(councils.list_councils(runtime(ctx)), as_json, render)
