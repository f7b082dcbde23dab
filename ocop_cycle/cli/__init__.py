"""The ``ocop`` command line: parse, call a service, render. No rules live here."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ocop_cycle.cli import certificates as certificates_cli
from ocop_cycle.cli import councils as councils_cli
from ocop_cycle.cli import criteria as criteria_cli
from ocop_cycle.cli import importing as importing_cli
from ocop_cycle.cli import inspections as inspections_cli
from ocop_cycle.cli import mail as mail_cli
from ocop_cycle.cli import people, products, setup, units, workflows
from ocop_cycle.cli import reports as reports_cli
from ocop_cycle.cli import rounds as rounds_cli
from ocop_cycle.cli import scheduler as scheduler_cli
from ocop_cycle.cli import scores as scores_cli
from ocop_cycle.cli import serve as serve_cli
from ocop_cycle.cli.common import dump_json
from ocop_cycle.clock import Clock, parse_instant
from ocop_cycle.config import Settings
from ocop_cycle.errors import InvalidInput, OcopError
from ocop_cycle.runtime import Runtime

app = typer.Typer(
    name="ocop",
    help="ocop-cycle: OCOP products from idea to star-ranked certificate and its renewal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(units.app, name="units")
app.add_typer(people.user_app, name="user")
app.add_typer(people.producer_app, name="producer")
app.add_typer(products.app, name="product")
app.add_typer(workflows.app, name="workflow")
app.add_typer(councils_cli.app, name="council")
app.add_typer(scores_cli.app, name="score")
app.add_typer(certificates_cli.app, name="certificate")
app.add_typer(criteria_cli.app, name="criteria")
app.add_typer(rounds_cli.app, name="round")
app.add_typer(inspections_cli.app, name="inspection")
app.add_typer(importing_cli.app, name="import")
app.add_typer(reports_cli.app, name="report")
app.add_typer(scheduler_cli.app, name="scheduler")
app.add_typer(mail_cli.app, name="mail")
setup.register(app)
app.command("serve")(serve_cli.serve)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: $OCOP_DATABASE_URL or sqlite:///ocop.db)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Act as if it were this date or datetime (Asia/Ho_Chi_Minh)."
    ),
    workflows_dir: Path | None = typer.Option(
        None, "--workflows-dir", help="Use workflow files from this folder."
    ),
) -> None:
    """Global options; the runtime is built lazily so that --help needs no database."""
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    if workflows_dir:
        overrides["workflows_dir"] = workflows_dir
    clock = Clock()
    if as_of:
        try:
            clock = Clock(fixed=parse_instant(as_of))
        except ValueError as exc:
            raise InvalidInput(f"--as-of: {exc}") from None
    built: list[Runtime] = []

    def build_runtime() -> Runtime:
        if not built:
            built.append(Runtime.create(Settings(**overrides), clock))  # type: ignore[arg-type]
            ctx.call_on_close(built[0].close)
        return built[0]

    ctx.obj = {"build_runtime": build_runtime}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exit codes: 0 ok, 2 input, 3 permission, 4 transition, 5 conflict,
    6 not found. With ``--json`` errors go to stderr as ``{"error": {...}}``."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    command = typer.main.get_command(app)
    try:
        # Standalone mode lets Click report usage errors itself (exit 2); it ends in SystemExit.
        command.main(args=args, prog_name="ocop", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return _exit(code, argv)
    except OcopError as exc:
        _report(exc.code, exc.message, as_json)
        return _exit(exc.exit_code, argv)
    return _exit(0, argv)


def _report(code: str, message: str, as_json: bool) -> None:
    if as_json:
        sys.stderr.write(dump_json({"error": {"code": code, "message": message}}) + "\n")
    else:
        sys.stderr.write(f"error: {message}\n")


def _exit(code: int, argv: list[str] | None) -> int:
    """Return the code to an in-process caller; exit the process when run as a script."""
    if argv is None:
        sys.exit(code)
    return code
