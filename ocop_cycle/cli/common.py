"""What every command shares: the runtime from global options, output and errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import typer

from ocop_cycle.db.presence import require_schema
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.sandbox import guard_backdated_writes
from ocop_cycle.runtime import Runtime

if TYPE_CHECKING:
    from rich.console import Console


class _ConsoleOnFirstUse:
    """Rich's console, built when something is first printed through it: a command that
    prints JSON (``--json``) never imports rich."""

    @cached_property
    def _console(self) -> Console:
        from rich.console import Console

        # Markup off: names typed by people (``[/]``…) print as typed and never break output.
        return Console(markup=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)


console = cast("Console", _ConsoleOnFirstUse())
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def runtime(ctx: typer.Context, *, schema_required: bool = True) -> Runtime:
    """The runtime the root callback built from ``--db`` and ``--as-of``.

    Every command but ``ocop init`` needs the schema: without it, exit 2 before touching
    anything (no SQLite file is created).
    """
    root = ctx.find_root()
    built: Runtime = root.obj["build_runtime"]()
    if schema_required and not root.obj.get("schema_checked"):
        require_schema(built.engine)
        root.obj["schema_checked"] = True
    if built.clock.fixed is not None and not root.obj.get("backdating_guarded"):
        # --as-of: reading is fine anywhere, changing data only in a sandbox.
        guard_backdated_writes(built.engine)
        root.obj["backdating_guarded"] = True
    return built


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    """Print ``data`` as JSON or through ``render`` for people."""
    if as_json:
        sys.stdout.write(dump_json(data) + "\n")
    else:
        render(data)


def parse_pairs(pairs: list[str] | None, option: str) -> dict[str, str]:
    """``KEY=VALUE`` options into a dict; a malformed one is an input error."""
    parsed: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"{option} {pair!r} is not KEY=VALUE")
        parsed[key.strip()] = value
    return parsed


# Who is asking, on every command that changes data; the services decide what they may do.
ActorOption = typer.Option(
    None,
    "--actor",
    envvar="OCOP_ACTOR",
    help="Username of who is acting (default: $OCOP_ACTOR); required to change data.",
)


def read_password(flag: bool) -> str:
    """The password piped on stdin (``--password-stdin``): never on the command line,
    where other users of the server could read it in the process list."""
    if not flag:
        raise InvalidInput("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput("no password on standard input; pipe one in with --password-stdin")
    return password
