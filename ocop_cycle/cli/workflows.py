"""``ocop workflow``: list, show, graph, validate and migrate definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.services.migration import migrate as migrate_products
from ocop_cycle.workflow.loader import load_definition
from ocop_cycle.workflow.pins import pinned_hashes

app = typer.Typer(help="Workflow definitions (the rules as data).", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List the workflow definitions found, with where they were loaded from."""
    rt = runtime(ctx)
    today = rt.clock.today()
    in_force = rt.workflows.in_force(today).definition.key
    new_products = rt.workflows.for_new_product(today, rt.settings.default_workflow)
    pins = pinned_hashes(rt.sessions)
    rows = [
        {
            "name": c.definition.name,
            "version": c.definition.version,
            "rule_set": c.definition.rule_set,
            "effective_from": c.definition.effective_from.isoformat(),
            "effective_until": (
                c.definition.effective_until.isoformat() if c.definition.effective_until else None
            ),
            "in_force": c.definition.key == in_force,
            "default": c.definition.key == new_products.definition.key,
            "path": str(c.path),
            "content_hash": c.content_hash,
            # "in use": this database pinned the version to this content on first use.
            "pinned": pins.get((c.definition.name, c.definition.version)) == c.content_hash,
        }
        for c in rt.workflows.all()
    ]

    def render(data: list[dict[str, Any]]) -> None:
        table = Table(
            "name", "version", "rule set", "from", "until", f"in force {today:%d/%m/%Y}",
            "new products", "hash", "file",
        )
        for row in data:
            table.add_row(
                row["name"],
                str(row["version"]),
                row["rule_set"],
                row["effective_from"],
                row["effective_until"] or "",
                "yes" if row["in_force"] else "",
                "yes" if row["default"] else "",
                row["content_hash"][:12] + (" (in use)" if row["pinned"] else ""),
                row["path"],
            )
        console.print(table)

    emit(rows, as_json, render)


@app.command("show")
def show(
    ctx: typer.Context,
    name: str,
    version: int | None = typer.Option(None, "--version"),
    lang: str = typer.Option("vi", "--lang", help="vi or en labels."),
    as_json: bool = JsonOption,
) -> None:
    """Show a definition's states and transitions."""
    definition = runtime(ctx, schema_required=False).workflows.get(name, version).definition

    def render(_: Any) -> None:
        console.print(
            Text.assemble((definition.title.in_language(lang), "bold"), f" ({definition.key})")
        )
        states = Table("state", "label", "level", "final")
        for state_name, state in definition.states.items():
            states.add_row(
                state_name,
                state.label.in_language(lang),
                state.level.value if state.level else "",
                "yes" if state.final else "",
            )
        console.print(states)
        transitions = Table("trigger", "from", "to", "who", "needs")
        for t in definition.transitions:
            destinations = (
                ", ".join(f"{r.dest} ({r.when.describe()})" for r in t.routes)
                if t.routes
                else str(t.dest)
            )
            needs = t.requires + (["comment"] if t.comment_required else []) + t.guards
            transitions.add_row(
                t.trigger,
                ", ".join(t.source),
                destinations,
                "system (timer)" if t.system else ", ".join(r.value for r in t.roles),
                ", ".join(needs),
            )
        console.print(transitions)

    emit(definition.model_dump(mode="json"), as_json, render)


@app.command("graph")
def graph(
    ctx: typer.Context, name: str, version: int | None = typer.Option(None, "--version")
) -> None:
    """Print the state diagram as Mermaid text."""
    typer.echo(runtime(ctx, schema_required=False).workflows.get(name, version).mermaid)


@app.command("validate")
def validate(path: Path, as_json: bool = JsonOption) -> None:
    """Check a workflow file; exit 2 listing every problem found."""
    definition = load_definition(path)
    emit(
        {"path": str(path), "name": definition.name, "version": definition.version, "valid": True},
        as_json,
        lambda _: console.print(f"{path}: valid ({definition.key})"),
    )


@app.command("migrate")
def migrate(
    ctx: typer.Context,
    from_: str = typer.Option(..., "--from", help="Workflow the products are on now."),
    to: str = typer.Option(..., "--to", help="Workflow to move them to."),
    map_: Path = typer.Option(..., "--map", help="YAML state map (see workflows/migrations/)."),
    actor: str | None = ActorOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would move; change nothing."),
    as_json: bool = JsonOption,
) -> None:
    """Move running products to another workflow by an explicit state map."""
    summary = migrate_products(
        runtime(ctx),
        from_workflow=from_,
        to_workflow=to,
        map_path=map_,
        actor=actor or "",
        dry_run=dry_run,
    )

    def render(data: dict[str, Any]) -> None:
        verb = "Would move" if data["dry_run"] else "Moved"
        console.print(f"{verb} {data['products']} products from {data['from']} to {data['to']}:")
        for move, count in data["moves"].items():
            console.print(f"  {move}: {count}")

    emit(summary, as_json, render)
