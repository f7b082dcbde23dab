"""``ocop product``: register, fire triggers, show and list."""

from __future__ import annotations

from typing import Any

import typer

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, parse_pairs, runtime
from ocop_cycle.localtime import show_date, show_instant
from ocop_cycle.services.views import show_product

# ``ocop_cycle.services.products`` (with the ORM, the engine and its hooks) is imported by
# the commands that change or list products, when they run: ``product show`` reads rows
# and starts without it (bench/cli.py).

app = typer.Typer(help="Products and their workflow.", no_args_is_help=True)


def render_product(view: dict[str, Any]) -> None:
    from rich.table import Column, Table
    from rich.text import Text

    district = view["district"]["name"] if view["district"] else "—"
    console.print(Text.assemble((f"#{view['id']} {view['name']}", "bold"), f" ({view['group']})"))
    console.print(
        f"  state: {view['state']} — {view['state_label']}   "
        f"workflow: {view['workflow']} v{view['workflow_version']}"
    )
    console.print(
        f"  producer: {view['producer']['name']} ({view['producer']['type']})   "
        f"commune: {view['commune']['name']}   district: {district}"
    )
    if view["score"] is not None:
        console.print(f"  last council score: {view['score']} → {view['stars']}★")
    certificate = view.get("certificate")
    if certificate:
        console.print(
            f"  certificate {certificate['number']}: {certificate['stars']}★, "
            f"{certificate['status']}, expires {show_date(certificate['expires_on'])}"
        )
    if view.get("product_set"):
        console.print(f"  bộ sản phẩm / product set: {view['product_set']}")
    if view.get("product_code"):
        console.print(f"  mã sản phẩm / product code: {view['product_code']}")
    joined = view.get("round")
    if joined:
        console.print(
            f"  đợt / round {joined['number']}/{joined['year']} ({joined['level']}), "
            f"họp trước / held by {show_date(joined['hold_by'])}"
        )
    window = view.get("rerating_window")
    if window:
        console.print(
            f"  nộp hồ sơ đánh giá lại / re-rating window: {show_date(window['opens'])} → "
            f"{show_date(window['closes'])}"
        )
    for key, value in view.items():
        if key.startswith("open_") and value:
            console.print(f"  {key.removeprefix('open_').replace('_', ' ')}:")
            for item in value:
                console.print(f"    - {item}")
    console.print(f"  allowed triggers: {', '.join(view['allowed_triggers']) or '—'}")
    # Local time with its offset, never wrapped: the instant must read as one.
    at = Column("lúc / at (Asia/Ho_Chi_Minh)", no_wrap=True)
    table = Table(at, "trigger", "from", "to", "actor", "comment")
    for row in view["history"]:
        table.add_row(
            show_instant(row["at"]),
            row["trigger"],
            row["from"] or "",
            row["to"],
            f"{row['actor']} ({row['role']})",
            row["comment"] or "",
        )
    console.print(table)


@app.command("register")
def register(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name"),
    producer: int = typer.Option(..., "--producer", help="Producer id."),
    group: str | None = typer.Option(
        None,
        "--group",
        help="food, drinks, herbal, handicrafts, ornamental, tourism; derived from "
        "--product-set under 26/2026.",
    ),
    product_set: int | None = typer.Option(
        None, "--product-set", help="Product set 1–26 (Decision 26/2026, Appendix II)."
    ),
    actor: str | None = ActorOption,
    workflow: str | None = typer.Option(
        None,
        "--workflow",
        help="Default: $OCOP_DEFAULT_WORKFLOW, else the workflow in force today.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Register a product idea (phiếu đăng ký ý tưởng sản phẩm)."""
    from ocop_cycle.services import products

    view = products.register_product(
        runtime(ctx),
        name=name,
        producer_id=producer,
        group=group,
        actor=actor or "",
        workflow=workflow,
        product_set=product_set,
    )
    emit(view, as_json, render_product)


@app.command("fire")
def fire(
    ctx: typer.Context,
    product_id: int,
    trigger: str,
    actor: str | None = ActorOption,
    comment: str | None = typer.Option(None, "--comment"),
    data: list[str] | None = typer.Option(None, "--data", help="KEY=VALUE, repeatable."),
    request_id: str | None = typer.Option(None, "--request-id", help="Idempotency key."),
    as_json: bool = JsonOption,
) -> None:
    """Fire a workflow trigger on a product."""
    from ocop_cycle.services import products

    view = products.fire(
        runtime(ctx),
        product_id,
        trigger,
        actor=actor or "",
        comment=comment,
        data=parse_pairs(data, "--data"),
        request_id=request_id,
    )
    emit(view, as_json, render_product)


@app.command("record-set")
def record_set(
    ctx: typer.Context,
    product_id: int,
    product_set: int = typer.Option(
        ..., "--product-set", help="Product set 1–26 (Decision 26/2026, Appendix II)."
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Record the product set of a product moved from the older rules (ghi bộ sản phẩm)."""
    from ocop_cycle.services import products

    view = products.record_product_set(
        runtime(ctx), product_id, product_set, actor=actor or ""
    )
    emit(view, as_json, render_product)


@app.command("show")
def show(
    ctx: typer.Context,
    product_id: int,
    actor: str | None = typer.Option(
        None, "--actor", help="As this user: their jurisdiction and the triggers they may fire."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Show a product, its history and what may happen next."""
    emit(show_product(runtime(ctx), product_id, actor), as_json, render_product)


@app.command("list")
def list_(
    ctx: typer.Context,
    state: str | None = typer.Option(None, "--state"),
    unit: str | None = typer.Option(None, "--unit", help="Province, district or commune code."),
    limit: int = typer.Option(200, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    actor: str | None = typer.Option(
        None, "--actor", help="Only the products this user's jurisdiction covers."
    ),
    as_json: bool = JsonOption,
) -> None:
    """List products."""
    from ocop_cycle.services import products

    rows = products.list_products(
        runtime(ctx), state=state, unit_code=unit, limit=limit, offset=offset, viewer=actor
    )

    def render(data: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("id", "name", "state", "stars", "commune", "producer")
        for row in data:
            table.add_row(
                str(row["id"]),
                row["name"],
                row["state"],
                str(row["stars"] or ""),
                row["commune"]["name"] or row["commune"]["code"],
                row["producer"]["name"],
            )
        console.print(table)

    emit(rows, as_json, render)
