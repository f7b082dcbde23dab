"""The deadlines-and-reminders part of ``ocop demo``: the scheduler run over the demo
province at a few dates, with the reminders it wrote (file backend) and the states its
timers changed.

Those dates lie ahead, so the scheduler runs on a copy of the demo database: the demo
itself stays as of today (no product expired in a year that has not come, no history out
of order in the web app); the messages go to the demo's mail folder all the same.

Expects the demo province built by ``services.demo`` (officers with email addresses,
producers with email addresses, products in every state, certificates among them) and a
runtime whose settings send mail with the ``file`` backend into ``directory / "mail"``.
"""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ocop_cycle.clock import Clock, local_instant
from ocop_cycle.db.models import ScheduleItem
from ocop_cycle.db.tables.schedule import EXPIRY, PENDING, REMINDER, TIMER
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.runner import tick
from ocop_cycle.services.backup import backup


def _next_dates(runtime: Runtime, after: date, count: int) -> list[date]:
    """The next days on which a timer, an expiry or a reminder falls due."""
    with runtime.transaction() as session:
        days = session.scalars(
            select(ScheduleItem.due_on)
            .where(
                ScheduleItem.status == PENDING,
                ScheduleItem.kind.in_([TIMER, EXPIRY, REMINDER]),
                ScheduleItem.due_on > after,
            )
            .group_by(ScheduleItem.due_on)
            .order_by(ScheduleItem.due_on)
            .limit(count)
        )
        return list(days)


def _ticked(runtime: Runtime, day: date) -> tuple[str, str]:
    """One ``scheduler tick`` at 08:00 on ``day``, as a row of the demo's table."""
    runtime.clock = Clock(fixed=local_instant(day, 8))
    report = tick(runtime, digest=True)
    effects = [e for e in report.sweep.effects if "→" in e or "expired" in e]
    digest = report.digest.written if report.digest else 0
    summary = [
        *effects,
        f"{report.sweep.done} rows done, {digest} officer digests, "
        f"{report.mail.sent} messages sent",
    ]
    return day.strftime("%d/%m/%Y"), "\n".join(summary)


def demo_reminders(runtime: Runtime, console: Console, directory: Path) -> None:
    console.print("\nDeadlines, timers and reminders", style="bold")
    original = runtime.clock
    today = original.today()
    mail_dir = runtime.settings.mail_dir
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    days = [today, *_next_dates(runtime, today, 3)]
    days.append(days[-1] + timedelta(days=1))
    table = Table(
        "date", "what the scheduler did",
        title="ocop scheduler tick, day by day (the days ahead on a copy of the database)",
    )
    try:
        table.add_row(*_ticked(runtime, today))
    finally:
        runtime.clock = original
    ahead = directory / "scheduler-preview.db"
    backup(runtime, ahead, force=True)
    preview = Runtime.create(
        runtime.settings.replace(database_url=f"sqlite:///{ahead}"), original
    )
    try:
        for day in days[1:]:
            table.add_row(*_ticked(preview, day))
    finally:
        preview.close()
        for left in (ahead, Path(f"{ahead}-wal"), Path(f"{ahead}-shm")):
            left.unlink(missing_ok=True)
    console.print(table)
    written = sorted(set(mail_dir.glob("*.eml")) - before) if mail_dir.exists() else []
    messages = Table("kind", "to", "subject", title=f"Messages written to {mail_dir} (.eml)")
    for path in written[:25]:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        messages.add_row(
            str(message["X-OCOP-Kind"]),
            str(message["To"].addresses[0].addr_spec),
            str(message["Subject"]),
        )
    console.print(messages)
    if len(written) > 25:
        console.print(f"… and {len(written) - 25} more in {mail_dir}")
    console.print(
        "Run it yourself (the sandbox then stays at that date): "
        f"ocop --db sqlite:///{directory / 'ocop.db'} scheduler tick "
        f"--as-of {(days[-1] + timedelta(days=30)).isoformat()}; "
        f"ocop --db sqlite:///{directory / 'ocop.db'} mail list"
    )
