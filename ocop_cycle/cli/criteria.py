"""``ocop criteria``: the criteria catalogue of a rule set."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.services import criteria, sheet_stats

app = typer.Typer(help="Criteria catalogues (bộ tiêu chí).", no_args_is_help=True)


def render_catalogue(view: dict[str, Any]) -> None:
    console.print(view["title"]["vi"], style="bold")
    console.print(f"  {view['title']['en']} — {view['source']}")
    table = Table("code", "tiêu chí / criterion", "max")
    for part in view["parts"]:
        table.add_row(Text(part["code"], "bold"), part["name"]["vi"], str(part["max"]))
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
    product_set: int | None = typer.Option(
        None, "--set", help="ocop-26-2026: the sheet of this product set (1–26)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Print the criteria catalogue of a rule set (26/2026: the sets, or one set's sheet)."""
    view = criteria.show_catalogue(
        runtime(ctx, schema_required=False), workflow, group, product_set
    )
    if "sets" in view:
        emit(view, as_json, lambda data: render_sets(data["sets"]))
    elif "set" in view:
        emit(view, as_json, render_sheet)
    else:
        emit(view, as_json, render_catalogue)


_STAR_MARK = {3: "★★★", 4: "★★★★", 5: "★★★★★"}


def render_sheet(view: dict[str, Any]) -> None:
    console.print(f"Bộ sản phẩm số {view['set']}: {view['name']['vi']}", style="bold")
    console.print(f"  {view['name']['en']} — {view['source']}")
    table = Table("mã", "tiêu chí / lựa chọn", "điểm", "sao tối thiểu")
    for part in view["parts"]:
        table.add_row(Text(part["code"], "bold"), Text(part["name"], "bold"), str(part["max"]), "")
        for section in part["sections"]:
            table.add_row(section["code"], Text(section["name"], "bold"), str(section["max"]), "")
            for criterion in section["criteria"]:
                if criterion["code"] != section["code"]:
                    table.add_row(criterion["code"], criterion["name"], str(criterion["max"]), "")
                for option in criterion["options"]:
                    table.add_row(
                        f"  [{option['index']}]",
                        option["text"],
                        str(option["points"]),
                        _STAR_MARK.get(option["min_stars"], ""),
                    )
    console.print(table)
    console.print("  Hồ sơ bị loại khi / knock-outs:")
    for knockout in view["knockouts"]:
        console.print(f"    {knockout['code']}: {knockout['text']}")
    if not view["knockouts"]:
        console.print("    (phiếu không nêu / none printed)")
    for note in view["notes"]:
        console.print(f"  ghi chú (dòng {note['line']}): {note['text']}", style="dim")


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
    emit(criteria.list_product_sets(runtime(ctx, schema_required=False)), as_json, render_sets)


def render_stats(view: dict[str, Any]) -> None:
    console.print(
        f"[bold]Bộ sản phẩm số {view['set']}: {view['name']['vi']} — năm {view['year']}[/bold]"
    )
    console.print(f"  {view['sheets']} phiếu của hội đồng, {view['products']} sản phẩm")
    table = Table("mã", "tiêu chí", "điểm TB / tối đa", "chưa đạt mức sao tối thiểu")
    for row in view["criteria"]:
        mean = "—" if row["mean_points"] is None else f"{row['mean_points']:.2f}"
        failures = ", ".join(
            f"{m['stars']}★: {m['failed']} ({m['failed_share']:.0%})"
            for m in row["minimums"]
            if m["failed_share"] is not None
        )
        table.add_row(row["code"], row["name"], f"{mean} / {row['max']}", failures)
    console.print(table)


@app.command("stats")
def stats(
    ctx: typer.Context,
    catalogue: str = typer.Argument(..., help="ocop-26-2026 (or a workflow scoring on it)."),
    product_set: int = typer.Option(..., "--set", help="The product set (1–26)."),
    year: int | None = typer.Option(None, "--year", help="Calendar year; default this year."),
    as_json: bool = JsonOption,
) -> None:
    """Mean points per criterion and how often each star minimum failed, over a year."""
    run = runtime(ctx)
    view = sheet_stats.criteria_stats(run, catalogue, product_set, year or run.clock.today().year)
    emit(view, as_json, render_stats)
