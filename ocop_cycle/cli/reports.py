"""``ocop report``: the annual OCOP report."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from ocop_cycle.cli.common import console, runtime
from ocop_cycle.errors import InvalidInput
from ocop_cycle.reporting.annual import annual_report
from ocop_cycle.reporting.render import render_html, render_json, render_markdown
from ocop_cycle.reporting.xlsx import render_xlsx

app = typer.Typer(help="Reports.", no_args_is_help=True)
FORMATS = ("html", "md", "xlsx", "json")


@app.command("annual")
def annual(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="Programme year, e.g. 2022."),
    province: str | None = typer.Option(
        None, "--province", help="Province code (default: the only one with products)."
    ),
    format: str = typer.Option("html", "--format", help="html, md, xlsx or json."),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of stdout."),
    targets: Path | None = typer.Option(
        None, "--targets", help="YAML/JSON file: products, four_star_products, producers."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date the renewal pipeline counts from (default: today)."
    ),
    lang: str = typer.Option("vi", "--lang", help="vi (default) or en."),
    by: str | None = typer.Option(
        None, "--by", help="Localities: district or commune (default: by the rules of the year)."
    ),
) -> None:
    """The year's OCOP results: products, producers, localities, targets, rewards, renewals."""
    if format not in FORMATS:
        raise InvalidInput(f"--format {format!r}: use one of {', '.join(FORMATS)}")
    if lang not in ("vi", "en"):
        raise InvalidInput(f"--lang {lang!r}: use vi or en")
    anchor = None
    if as_of is not None:
        try:
            anchor = date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput(f"--as-of {as_of!r} is not a date; use YYYY-MM-DD") from None
    if format == "xlsx" and out is None:
        raise InvalidInput("--format xlsx writes a workbook: give --out FILE.xlsx")
    report = annual_report(
        runtime(ctx),
        year,
        province=province,
        as_of=anchor,
        targets_file=targets,
        locality_level=by,
    )
    if format == "xlsx":
        assert out is not None
        _write(out, render_xlsx(report, lang))
        return
    text = {
        "html": lambda: render_html(report, lang),
        "md": lambda: render_markdown(report, lang),
        "json": lambda: render_json(report),
    }[format]()
    if out is None:
        sys.stdout.write(text)
        return
    _write(out, text.encode("utf-8"))


def _write(out: Path, content: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"--out {out}: cannot write there ({exc.strerror})") from None
    console.print(f"Đã ghi báo cáo / report written: {out}", highlight=False)
