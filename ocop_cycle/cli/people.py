"""``ocop producer`` (accounts: ``ocop_cycle/cli/accounts.py``)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.mail.undeliverable import MISSING
from ocop_cycle.services import people, producers

producer_app = typer.Typer(help="Producers (chủ thể OCOP).", no_args_is_help=True)


@producer_app.command("add")
def add_producer(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name"),
    type_: str = typer.Option(
        ..., "--type", help="enterprise, cooperative, cooperative_group, household."
    ),
    commune: str = typer.Option(..., "--commune", help="Commune code."),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    tax_code: str | None = typer.Option(None, "--tax-code"),
    language: str = typer.Option(
        "vi", "--language", help="Language of the producer's mail: vi or en."
    ),
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="Add it although the commune has one of this name."
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Add a producer."""
    built = runtime(ctx)
    producer = people.add_producer(
        built,
        actor=actor or "",
        name=name,
        type=type_,
        commune_code=commune,
        email=email,
        phone=phone,
        tax_code=tax_code,
        language=language,
        allow_duplicate=allow_duplicate,
    )
    view = producers.show_producer(built, producer.id)
    emit(view, as_json, lambda v: _print_added(v))


def _print_added(view: dict[str, Any]) -> None:
    console.print(f"Added producer {view['id']}: {view['name']}.", markup=False)
    if view["email_status"] == MISSING:
        console.print(
            "  ! no email address: this producer will receive no reminders; "
            f"add one with `ocop producer edit {view['id']} --email …`",
            markup=False,
        )


_STATUS_VI = {"ok": "nhận được thư", "undeliverable": "KHÔNG NHẬN ĐƯỢC THƯ", "missing": "chưa có email"}


def _render_producer(view: dict[str, Any]) -> None:
    table = Table(show_header=False)
    for label, value in (
        ("Mã chủ thể", str(view["id"])),
        ("Tên", view["name"]),
        ("Loại hình", view["type"]),
        ("Xã/phường", f"{view['commune']['name']} ({view['commune']['code']})"),
        ("Email", view["email"] or "—"),
        ("Tình trạng email", _STATUS_VI[view["email_status"]]),
        ("Lỗi máy chủ thư", view["email_error"] or ""),
        ("Điện thoại", view["phone"] or "—"),
        ("Mã số thuế", view["tax_code"] or "—"),
        ("Ngôn ngữ thư", view["language"]),
    ):
        table.add_row(label, value)
    console.print(table)


@producer_app.command("list")
def list_producers(
    ctx: typer.Context,
    commune: str | None = typer.Option(None, "--commune", help="Only this commune's."),
    email_status: str | None = typer.Option(
        None, "--email-status", help="ok, undeliverable or missing."
    ),
    as_json: bool = JsonOption,
) -> None:
    """List producers with their email status."""
    found = producers.list_producers(
        runtime(ctx), commune_code=commune, email_status_is=email_status
    )

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("id", "tên", "xã/phường", "email", "tình trạng email")
        for row in rows:
            table.add_row(
                str(row["id"]),
                row["name"],
                row["commune"]["name"],
                row["email"] or "—",
                _STATUS_VI[row["email_status"]],
            )
        console.print(table)

    emit(found, as_json, render)


@producer_app.command("show")
def show_producer(ctx: typer.Context, producer_id: int, as_json: bool = JsonOption) -> None:
    """Show a producer, with whether mail reaches them."""
    emit(producers.show_producer(runtime(ctx), producer_id), as_json, _render_producer)


@producer_app.command("edit")
def edit_producer(
    ctx: typer.Context,
    producer_id: int,
    name: str | None = typer.Option(None, "--name"),
    email: str | None = typer.Option(
        None, "--email", help="New address (resets an undeliverable status); \"\" removes it."
    ),
    phone: str | None = typer.Option(None, "--phone", help='New phone; "" removes it.'),
    language: str | None = typer.Option(None, "--language", help="vi or en."),
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="Keep a name another producer of the commune has."
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Change a producer's name, email, phone or mail language."""
    view = producers.edit_producer(
        runtime(ctx),
        producer_id,
        actor=actor,
        name=name,
        email=email,
        phone=phone,
        language=language,
        allow_duplicate=allow_duplicate,
    )
    emit(view, as_json, _render_producer)
