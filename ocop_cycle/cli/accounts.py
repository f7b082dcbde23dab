"""``ocop user``, ``ocop token`` and ``ocop audit``: accounts, API tokens, the audit trail."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Column, Table

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, read_password, runtime
from ocop_cycle.identity import service as identity
from ocop_cycle.localtime import show_instant

user_app = typer.Typer(
    help="User accounts: officers, producers, administrators.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens for integrations.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail of accounts, sign-ins and councils.",
                        no_args_is_help=True)

PasswordStdin = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of stdin."
)


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
    password_stdin: bool = PasswordStdin,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Add a user account; a password given here must be changed at the first sign-in."""
    password = read_password(True) if password_stdin else None
    user = identity.add_user(
        runtime(ctx), username, actor=actor or "", role=role, unit_code=unit,
        producer_id=producer, email=email, name=name, language=language, password=password,
    )
    emit(identity.user_view(user), as_json,
         lambda _: console.print(f"Added user {user.username} ({user.role}).", markup=False))


@user_app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: str,
    password_stdin: bool = PasswordStdin,
    actor: str | None = ActorOption,
) -> None:
    """Set a user's password (they must change it at the next sign-in); their sessions end."""
    password = read_password(password_stdin)
    identity.set_password(runtime(ctx), username, actor=actor or "", password=password)
    console.print(f"Password of {username} set; their sessions have ended.", markup=False)


@user_app.command("deactivate")
def deactivate(ctx: typer.Context, username: str, actor: str | None = ActorOption) -> None:
    """Deactivate a user: they can do nothing; their sessions and tokens stop at once."""
    identity.deactivate_user(runtime(ctx), username, actor=actor or "")
    console.print(f"User {username} deactivated.", markup=False)


@user_app.command("list")
def list_users(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List user accounts."""

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("username", "name", "role", "unit", "active", "password")
        for row in rows:
            table.add_row(
                row["username"], row["name"], row["role"], row["unit"] or "",
                "yes" if row["active"] else "no",
                "must change" if row["must_change_password"]
                else ("set" if row["has_password"] else "none"),
            )
        console.print(table)

    emit(identity.list_users(runtime(ctx)), as_json, render)


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    username: str,
    label: str = typer.Option(..., "--label", help="What the token is for."),
    expires: int | None = typer.Option(None, "--expires", help="Days until it expires."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Create an API token; it is printed once and cannot be shown again."""
    created = identity.create_token(
        runtime(ctx), username, actor=actor or "", label=label, expires_days=expires
    )
    view = {
        "id": created.id,
        "username": created.username,
        "label": created.label,
        "token": created.token,
        "expires_at": created.expires_at.isoformat() if created.expires_at else None,
    }

    def render(data: dict[str, Any]) -> None:
        console.print(f"Token {data['id']} for {data['username']} ({data['label']}):",
                      markup=False)
        console.print(data["token"], markup=False, highlight=False)
        console.print("Keep it now: it is shown only once.", markup=False)

    emit(view, as_json, render)


@token_app.command("list")
def list_tokens(
    ctx: typer.Context,
    username: str | None = typer.Option(None, "--user", help="Only this user's tokens."),
    as_json: bool = JsonOption,
) -> None:
    """List API tokens (never their secrets)."""

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("id", "user", "label", "status", *(
            Column(name, no_wrap=True) for name in ("created", "expires", "last used")
        ))
        for row in rows:
            table.add_row(
                str(row["id"]), row["username"], row["label"], row["status"],
                show_instant(row["created_at"]), _instant_or_dash(row["expires_at"]),
                _instant_or_dash(row["last_used_at"]),
            )
        console.print(table)

    emit(identity.list_tokens(runtime(ctx), username=username), as_json, render)


@token_app.command("revoke")
def revoke_token(ctx: typer.Context, token_id: int, actor: str | None = ActorOption) -> None:
    """Revoke an API token by id; it stops working at once."""
    identity.revoke_token(runtime(ctx), token_id, actor=actor or "")
    console.print(f"Token {token_id} revoked.", markup=False)


@audit_app.command("list")
def list_audit(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help="sign_in_failed, lockout, …"),
    limit: int = typer.Option(200, "--limit", min=1, max=10000),
    as_json: bool = JsonOption,
) -> None:
    """The newest audit events first."""

    def render(rows: list[dict[str, Any]]) -> None:
        at = Column("at (Asia/Ho_Chi_Minh)", no_wrap=True)
        table = Table("id", at, "kind", "actor", "subject", "address", "detail")
        for row in rows:
            detail = ", ".join(f"{key}={value}" for key, value in row["detail"].items())
            table.add_row(
                str(row["id"]), show_instant(row["at"]), row["kind"], row["actor"] or "",
                row["subject"] or "", row["address"] or "", detail,
            )
        console.print(table)

    emit(identity.list_events(runtime(ctx), kind=kind, limit=limit), as_json, render)


def _instant_or_dash(value: str | None) -> str:
    return show_instant(value) if value else "—"
