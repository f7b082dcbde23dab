"""``ocop mail``: look at the outbox, retry a failed message, send what is pending."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.mail import outbox
from ocop_cycle.mail.backends import MailServerRefused
from ocop_cycle.mail.sender import send_pending

app = typer.Typer(help="The mail outbox.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="pending, sending, sent, failed, skipped."),
    limit: int = typer.Option(200, "--limit", min=1),
    as_json: bool = JsonOption,
) -> None:
    """List outbox messages."""
    built = runtime(ctx)
    with built.reading() as session:
        rows = outbox.list_messages(session, status=status, limit=limit)

    def render(data: list[dict[str, Any]]) -> None:
        table = Table("id", "status", "kind", "to", "product", "attempts", "last error")
        for row in data:
            table.add_row(
                str(row["id"]),
                row["status"],
                row["kind"],
                row["recipient"],
                str(row["product_id"] or ""),
                str(row["attempts"]),
                (row["last_error"] or "")[:60],
            )
        console.print(table)

    emit(rows, as_json, render)


@app.command("retry")
def retry(
    ctx: typer.Context,
    message_id: int,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Queue a failed message again."""
    built = runtime(ctx)
    with built.transaction() as session:
        retried = outbox.retry(session, message_id, built.clock.now(), actor=actor or "")
        view = outbox.message_view(retried)
    emit(view, as_json, lambda v: console.print(f"message {v['id']} is pending again"))


@app.command("send-pending")
def send(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Send every pending message that is due.

    Exits 1, leaving the messages pending, when the server refuses the login or its
    certificate: retrying cannot help until the settings are corrected."""
    sent = send_pending(runtime(ctx))
    if sent.stopped:
        raise MailServerRefused(f"no mail sent: {sent.stopped}")
    report = sent.as_dict()

    def render(data: dict[str, Any]) -> None:
        console.print(f"{data['sent']} sent, {data['retrying']} to retry, {data['failed']} failed")
        for error in data["errors"]:
            console.print(f"  ! {error}", markup=False)

    emit(report, as_json, render)
