"""``ocop scheduler``: run the one scheduler, or do one pass (for cron, demos and tests)."""

from __future__ import annotations

import logging
from typing import Any

import typer

from ocop_cycle.cli.common import JsonOption, console, emit, runtime
from ocop_cycle.clock import Clock, parse_instant
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.sandbox import guard_backdated_writes
from ocop_cycle.scheduling import runner
from ocop_cycle.scheduling.replan import replan as replan_rows

app = typer.Typer(help="Deadlines, timers and reminders.", no_args_is_help=True)


def render_tick(report: dict[str, Any]) -> None:
    sweep, mail, digest = report["sweep"], report["mail"], report["digest"]
    console.print(
        f"sweep at {report['at']}: {sweep['done']} done, {sweep['cancelled']} cancelled, "
        f"{sweep['failed']} failed, {sweep['retry_later']} left for the next sweep"
    )
    for effect in sweep["effects"]:
        console.print(f"  - {effect}", markup=False)
    if digest:
        console.print(
            f"digest for {digest['day']}: {digest['written']} written "
            f"({digest['items']} items for {digest['officers']} officers)"
        )
    console.print(
        f"mail: {mail['sent']} sent, {mail['retrying']} to retry, {mail['failed']} failed"
    )
    for error in mail["errors"]:
        console.print(f"  ! {error}", markup=False)


@app.command("tick")
def tick(
    ctx: typer.Context,
    as_of: str | None = typer.Option(
        None, "--as-of", help="Sweep as if it were this date or datetime (Asia/Ho_Chi_Minh)."
    ),
    digest: bool | None = typer.Option(
        None,
        "--digest/--no-digest",
        help="Write officers' digests (default: when the digest time of the day has come).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """One sweep and one send pass, then exit."""
    built = runtime(ctx)
    if as_of:
        try:
            built.clock = Clock(fixed=parse_instant(as_of))
        except ValueError as exc:
            raise InvalidInput(f"--as-of: {exc}") from None
        # A sweep writes: at another date only in a sandbox, as every --as-of write.
        guard_backdated_writes(built.engine)
    emit(runner.tick(built, digest=digest).as_dict(), as_json, render_tick)


@app.command("run")
def run(
    ctx: typer.Context,
    interval: float | None = typer.Option(
        None, "--interval", min=0.1, help="Seconds between sweeps (default: setting)."
    ),
) -> None:
    """Sweep, send and write digests until SIGINT or SIGTERM."""
    built = runtime(ctx)
    if interval is not None:
        built.settings = built.settings.replace(scheduler_interval_seconds=interval)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runner.run(built)


@app.command("replan")
def replan(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Move reminder rows to the rules in force (26/2026's re-rating series) and write
    the transition deadlines of older dossiers (Art. 12); running it again changes nothing."""

    def render(report: dict[str, Any]) -> None:
        console.print(
            f"rules in force: {report['rules_in_force']}; reminder series {report['series']}: "
            f"{len(report['moved_certificates'])} certificates moved "
            f"({report['reminders_cancelled']} rows cancelled, {report['reminders_written']} "
            f"written; window already closed: {', '.join(report['window_closed']) or 'none'}); "
            f"transition deadlines written for products: "
            f"{', '.join(map(str, report['transition_deadlines_written'])) or 'none'}"
        )

    emit(replan_rows(runtime(ctx)), as_json, render)
