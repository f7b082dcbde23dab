"""``ocop import``: bring existing certificates in from a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, dump_json, emit, runtime
from ocop_cycle.importing.service import ImportRejected, import_products

app = typer.Typer(help="Import existing data from spreadsheets.", no_args_is_help=True)
_PHASES = {"check": "Kiểm tra dòng (checking rows)", "write": "Ghi chứng nhận (writing)"}


@app.command("products")
def products(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="A .csv (UTF-8) or .xlsx file; columns in docs/import-and-annual-report.md."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and plan; write nothing."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Import certified products with their certificates; all rows or none."""
    show_bar = not as_json and console.is_terminal
    try:
        if show_bar:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(phase: str, done: int, total: int) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
                    bar.update(tasks[phase], completed=done, total=total)

                summary = import_products(
                    runtime(ctx), file, actor=actor or "", dry_run=dry_run, progress=progress
                )
        else:
            summary = import_products(runtime(ctx), file, actor=actor or "", dry_run=dry_run)
    except ImportRejected as exc:
        if as_json:
            error = {"code": exc.code, "message": exc.message.splitlines()[0]}
            sys.stderr.write(
                dump_json({"error": {**error, "rows": [e.as_dict() for e in exc.errors]}}) + "\n"
            )
        else:
            sys.stderr.write(f"error: {exc.message}\n")
        raise typer.Exit(exc.exit_code) from None
    emit(summary, as_json, _render)


def _render(summary: dict[str, Any]) -> None:
    title = "Kiểm tra (không ghi) — dry run" if summary["dry_run"] else "Đã nhập — imported"
    table = Table(title=f"{title}: {summary['file']}", show_header=False)
    labels = {
        "rows": "Số dòng (rows)",
        "producers_created": "Chủ thể mới (new producers)",
        "products_created": "Sản phẩm mới (new products)",
        "products_updated": "Sản phẩm đã có (existing products)",
        "certificates_created": "Giấy chứng nhận mới (new certificates)",
        "rows_already_imported": "Dòng đã nhập trước đó (already imported)",
    }
    for key, label in labels.items():
        table.add_row(label, str(summary[key]))
    for state, count in summary["states"].items():
        table.add_row(f"  → {state}", str(count))
    console.print(table)
