"""The ``ocop`` command line: parse, call a service, render. No rules live here.

Commands are registered in ``COMMANDS`` by where they live and imported only when run
(``ocop_cycle/cli/lazy.py``): ``ocop --help`` and ``ocop product show`` must not pay for
spreadsheets, unit lists and migrations they never use. Keep imports here light.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ocop_cycle import __version__
from ocop_cycle.cli.lazy import LazyCommand, LazyGroup
from ocop_cycle.errors import InvalidInput, OcopError

if TYPE_CHECKING:
    from ocop_cycle.runtime import Runtime

# Name → "module:attribute" (a typer.Typer group or a command function) and its help line,
# which must be the first paragraph of the command's own help (tests/test_cli_startup.py).
COMMANDS: dict[str, LazyCommand] = {
    "init": LazyCommand(
        "ocop_cycle.cli.setup:init", "Create or upgrade the database schema (safe to run again)."
    ),
    "demo": LazyCommand(
        "ocop_cycle.cli.setup:demo",
        "Build a demo province (Quảng Ngãi) in a fresh folder and say what to try next.",
    ),
    "units": LazyCommand(
        "ocop_cycle.cli.units:app", "Administrative units (provinces, districts, communes)."
    ),
    "user": LazyCommand(
        "ocop_cycle.cli.accounts:user_app", "User accounts: officers, producers, administrators."
    ),
    "token": LazyCommand("ocop_cycle.cli.accounts:token_app", "API tokens for integrations."),
    "audit": LazyCommand(
        "ocop_cycle.cli.accounts:audit_app", "The audit trail of accounts, sign-ins and councils."
    ),
    "producer": LazyCommand("ocop_cycle.cli.people:producer_app", "Producers (chủ thể OCOP)."),
    "product": LazyCommand("ocop_cycle.cli.products:app", "Products and their workflow."),
    "workflow": LazyCommand(
        "ocop_cycle.cli.workflows:app", "Workflow definitions (the rules as data)."
    ),
    "council": LazyCommand(
        "ocop_cycle.cli.councils:app", "Evaluation councils (hội đồng đánh giá, phân hạng)."
    ),
    "score": LazyCommand(
        "ocop_cycle.cli.scores:app", "Scoresheets of council members (phiếu chấm điểm)."
    ),
    "certificate": LazyCommand(
        "ocop_cycle.cli.certificates:app", "OCOP certificates (giấy chứng nhận)."
    ),
    "criteria": LazyCommand("ocop_cycle.cli.criteria:app", "Criteria catalogues (bộ tiêu chí)."),
    "round": LazyCommand("ocop_cycle.cli.rounds:app", "Council rounds (đợt đánh giá)."),
    "inspection": LazyCommand(
        "ocop_cycle.cli.inspections:app", "Post-recognition inspections (kiểm tra sau công nhận)."
    ),
    "import": LazyCommand(
        "ocop_cycle.cli.importing:app", "Import existing data from spreadsheets."
    ),
    "report": LazyCommand("ocop_cycle.cli.reports:app", "Reports."),
    "scheduler": LazyCommand("ocop_cycle.cli.scheduler:app", "Deadlines, timers and reminders."),
    "mail": LazyCommand("ocop_cycle.cli.mail:app", "The mail outbox."),
    "backup": LazyCommand(
        "ocop_cycle.cli.backup:backup",
        "Back the database up while it is in use (SQLite online backup, or pg_dump).",
    ),
    "restore": LazyCommand(
        "ocop_cycle.cli.backup:restore",
        "Restore a backup into a new, empty database (SQLite or PostgreSQL).",
    ),
    "serve": LazyCommand(
        "ocop_cycle.cli.serve:serve",
        "Serve the HTTP API at /api/v1 (docs at /api/docs); the scheduler runs separately.",
    ),
}


class RootGroup(LazyGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="ocop",
    cls=RootGroup,
    suggest_commands=False,  # RootGroup suggests from every name, loaded or not
    help="ocop-cycle: OCOP products from idea to star-ranked certificate and its renewal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ocop-cycle {__version__}\n")
        raise typer.Exit()


# Objects allocated (net) between two collections of the youngest generation, while a
# command runs: Python's 700 makes a command that reads a workflow definition (thousands
# of objects, all kept) collect hundreds of times for nothing; cyclic garbage stays bounded.
YOUNG_OBJECTS_BETWEEN_COLLECTIONS = 50_000


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
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Global options; the runtime is built lazily so that --help needs no database."""
    # The command's modules are loaded: collect garbage from here on, past the long-lived
    # objects that loading made (see ``main``).
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BETWEEN_COLLECTIONS, *gc.get_threshold()[1:])
    gc.enable()
    from ocop_cycle.clock import Clock, parse_instant

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
        from ocop_cycle.config import Settings
        from ocop_cycle.runtime import Runtime

        if not built:
            built.append(Runtime.create(Settings(**overrides), clock))
            ctx.call_on_close(built[0].close)
        return built[0]

    ctx.obj = {"build_runtime": build_runtime}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exit codes: 0 ok, 2 input, 3 permission, 4 transition, 5 conflict,
    6 not found. With ``--json`` errors go to stderr as ``{"error": {...}}``."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    command = typer.main.get_command(app)
    # Loading a command creates a few hundred thousand objects that live as long as the
    # process (modules, tables, workflow definitions) and no garbage: the collector's passes
    # over them cost ``ocop product show`` an eighth of its start (bench/cli.py). It is off
    # until the root callback runs, which freezes them out of its passes and turns it on.
    collecting, threshold = gc.isenabled(), gc.get_threshold()
    gc.disable()
    try:
        # Standalone mode lets Click report usage errors itself (exit 2); it ends in SystemExit.
        command.main(args=args, prog_name="ocop", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return _exit(code, argv)
    except OcopError as exc:
        _report(exc.code, exc.message, as_json)
        return _exit(exc.exit_code, argv)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        if collecting:
            gc.enable()
    return _exit(0, argv)


def _report(code: str, message: str, as_json: bool) -> None:
    if as_json:
        from ocop_cycle.cli.common import dump_json

        sys.stderr.write(dump_json({"error": {"code": code, "message": message}}) + "\n")
    else:
        sys.stderr.write(f"error: {message}\n")


def _exit(code: int, argv: list[str] | None) -> int:
    """Return the code to an in-process caller; exit the process when run as a script."""
    if argv is None:
        sys.exit(code)
    return code
