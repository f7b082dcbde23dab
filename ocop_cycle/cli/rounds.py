"""``ocop round``: the councils' rounds (Decision 26/2026 Art. 5)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.localtime import show_date
from ocop_cycle.services import rounds

app = typer.Typer(help="Council rounds (đợt đánh giá).", no_args_is_help=True)

_STATUS_VI = {
    "accepting": "đang nhận hồ sơ / accepting proposals",
    "to_be_held": "chờ họp / to be held",
    "past_hold_by": "quá hạn họp / past its hold-by date",
}


@app.command("list")
def list_(
    ctx: typer.Context,
    level: str | None = typer.Option(None, "--level", help="province or central."),
    year: int | None = typer.Option(None, "--year"),
    as_json: bool = JsonOption,
) -> None:
    """List rounds with their cut-off and hold-by dates."""

    def render(data: list[dict[str, Any]]) -> None:
        table = Table("id", "cấp / level", "tỉnh", "năm", "đợt", "hạn đề xuất", "họp trước", "")
        for row in data:
            table.add_row(
                str(row["id"]),
                row["level"],
                row["province"] or "—",
                str(row["year"]),
                str(row["number"]),
                show_date(row["proposals_until"]),
                show_date(row["hold_by"]),
                _STATUS_VI[row["status"]],
            )
        console.print(table)

    emit(rounds.list_rounds(runtime(ctx), level=level, year=year), as_json, render)


@app.command("show")
def show(ctx: typer.Context, round_id: int, as_json: bool = JsonOption) -> None:
    """A round's products, their states and what is still open."""

    def render(view: dict[str, Any]) -> None:
        console.print(
            f"Đợt / round {view['number']}/{view['year']} ({view['level']}): đề xuất đến "
            f"{show_date(view['proposals_until'])}, họp trước {show_date(view['hold_by'])} — "
            f"{_STATUS_VI[view['status']]}; {view['still_open']} sản phẩm chưa xong / still open"
        )
        table = Table("id", "mã / code", "tên / name", "trạng thái / state")
        for row in view["products"]:
            table.add_row(
                str(row["id"]), row["product_code"] or "", row["name"], row["state_label"]
            )
        console.print(table)

    emit(rounds.show_round(runtime(ctx), round_id), as_json, render)
