"""``ocop criteria``: the criteria catalogue of a rule set."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.services import criteria

app = typer.Typer(help="Criteria catalogues (bộ tiêu chí).", no_args_is_help=True)


def render_catalogue(view: dict[str, Any]) -> None:
    console.print(f"[bold]{view['title']['vi']}[/bold]")
    console.print(f"  {view['title']['en']} — {view['source']}")
    table = Table("code", "tiêu chí / criterion", "max")
    for part in view["parts"]:
        table.add_row(f"[bold]{part['code']}[/bold]", part["name"]["vi"], str(part["max"]))
        for section in part["sections"]:
            table.add_row(f"  {section['code']}", section["name"]["vi"], str(section["max"]))
            for item in section["items"]:
                table.add_row(f"    {item['code']}", item["name"]["vi"], str(item["max"]))
    console.print(table)
    for group in view["groups"]:
        sets = ", ".join(product_set["name"]["vi"] for product_set in group["product_sets"])
        console.print(f"  {group['code']}: {group['name']['vi']} — {sets}")
    console.print("  Tiêu chí bắt buộc / mandatory criteria:")
    for criterion in view["mandatory"]:
        sets = f" ({', '.join(criterion['product_sets'])})" if criterion["product_sets"] else ""
        console.print(
            f"    {criterion['code']} [{criterion['section']}] {criterion['label']['vi']} — "
            f"{', '.join(criterion['groups'])}{sets}"
        )
    console.print(f"  {view['coverage']['vi']}")


@app.command("show")
def show(
    ctx: typer.Context,
    workflow: str = typer.Argument(..., help="A workflow (ocop-148, ocop-1489) or catalogue."),
    group: str | None = typer.Option(None, "--group", help="Only this product group."),
    as_json: bool = JsonOption,
) -> None:
    """Print the criteria catalogue of a rule set."""
    emit(criteria.show_catalogue(runtime(ctx), workflow, group), as_json, render_catalogue)


def render_sets(rows: list[dict[str, Any]]) -> None:
    table = Table(
        "bộ",
        "bộ sản phẩm / product set",
        "ngành · nhóm / sector · group",
        "cơ quan chủ trì / ministries",
        "nhóm cũ",
        title="26 bộ sản phẩm theo Quyết định 26/2026/QĐ-TTg",
    )
    for row in rows:
        group = f"{row['group']['code']} {row['group']['name']['vi']}"
        table.add_row(
            str(row["number"]),
            row["name"]["vi"],
            group,
            "; ".join(row["ministries"]),
            row["legacy_group"],
        )
    console.print(table)


@app.command("sets")
def sets(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List the 26 product sets of Decision 26/2026 (Appendix I and II)."""
    emit(criteria.list_product_sets(runtime(ctx)), as_json, render_sets)
