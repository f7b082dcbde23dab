"""``ocop user`` and ``ocop producer``."""

from __future__ import annotations

import typer

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.services import people

user_app = typer.Typer(
    help="User accounts: officers, producers, administrators.", no_args_is_help=True
)
producer_app = typer.Typer(help="Producers (chủ thể OCOP).", no_args_is_help=True)


@user_app.command("add")
def add_user(
    ctx: typer.Context,
    username: str,
    role: str = typer.Option(..., "--role", help="commune_officer, district_officer, …"),
    unit: str | None = typer.Option(None, "--unit", help="Code of the unit an officer serves."),
    producer: int | None = typer.Option(None, "--producer", help="Producer id of a producer."),
    email: str | None = typer.Option(None, "--email"),
    name: str | None = typer.Option(None, "--name", help="Display name."),
    language: str = typer.Option("vi", "--language", help="vi or en."),
    as_json: bool = JsonOption,
) -> None:
    """Add a user account."""
    user = people.add_user(
        runtime(ctx),
        username,
        role=role,
        unit_code=unit,
        producer_id=producer,
        email=email,
        name=name,
        language=language,
    )
    emit(
        {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "unit": user.unit_code,
            "producer_id": user.producer_id,
            "email": user.email,
        },
        as_json,
        lambda _: console.print(f"Added user {user.username} ({user.role})."),
    )


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
    as_json: bool = JsonOption,
) -> None:
    """Add a producer."""
    producer = people.add_producer(
        runtime(ctx),
        name=name,
        type=type_,
        commune_code=commune,
        email=email,
        phone=phone,
        tax_code=tax_code,
        language=language,
    )
    emit(
        {
            "id": producer.id,
            "name": producer.name,
            "type": producer.type,
            "commune": producer.commune_code,
            "email": producer.email,
            "phone": producer.phone,
            "tax_code": producer.tax_code,
            "language": producer.language,
        },
        as_json,
        lambda _: console.print(f"Added producer {producer.id}: {producer.name}."),
    )
