"""The one scheduler: an APScheduler 3 interval job that sweeps and sends, and a daily
digest job at a configured local time.

Architecture decision 4: never one APScheduler job per product. Both jobs have fixed ids,
``coalesce=True`` (a backlog of missed runs becomes one run), ``max_instances=1`` (a slow
sweep is never overlapped by the next) and ``misfire_grace_time=None`` (a late run still
runs; the default of one second silently skips it). The jobs keep no state of their own:
everything is in the database, so a second scheduler by mistake does no harm.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.mail.sender import SendReport, send_pending
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.digest import DigestReport, write_digests
from ocop_cycle.scheduling.sweep import SweepReport, sweep

SWEEP_JOB_ID = "ocop-sweep"
DIGEST_JOB_ID = "ocop-digest"
JOB_OPTIONS: dict[str, Any] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": None,
    "replace_existing": True,
}
log = logging.getLogger("ocop.scheduler")


@dataclass
class TickReport:
    at: datetime
    sweep: SweepReport
    mail: SendReport
    digest: DigestReport | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "sweep": self.sweep.as_dict(),
            "digest": self.digest.as_dict() if self.digest else None,
            "mail": self.mail.as_dict(),
        }


def digest_due(runtime: Runtime) -> bool:
    """Whether today's digest time (local) has come; the digest itself is idempotent."""
    local = runtime.clock.now().astimezone(LOCAL_TZ)
    return local.time() >= runtime.settings.digest_time


def tick(runtime: Runtime, *, digest: bool | None = None) -> TickReport:
    """One sweep, the digest when its time has come (or when asked), one send pass."""
    swept = sweep(runtime)
    digested = (
        write_digests(runtime) if (digest_due(runtime) if digest is None else digest) else None
    )
    sent = send_pending(runtime)
    return TickReport(at=runtime.clock.now(), sweep=swept, mail=sent, digest=digested)


def build_scheduler(runtime: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=LOCAL_TZ)
    settings = runtime.settings

    def sweep_and_send() -> None:
        report = tick(runtime, digest=False)
        log.info("tick: %s", report.as_dict())

    def digest_job() -> None:
        report = write_digests(runtime)
        log.info("digest: %s", report.as_dict())

    scheduler.add_job(
        sweep_and_send,
        IntervalTrigger(seconds=settings.scheduler_interval_seconds, timezone=LOCAL_TZ),
        id=SWEEP_JOB_ID,
        name="sweep due deadlines and send mail",
        next_run_time=datetime.now(LOCAL_TZ),
        **JOB_OPTIONS,
    )
    scheduler.add_job(
        digest_job,
        CronTrigger(
            hour=settings.digest_time.hour,
            minute=settings.digest_time.minute,
            timezone=LOCAL_TZ,
        ),
        id=DIGEST_JOB_ID,
        name="officers' daily digest",
        **JOB_OPTIONS,
    )
    return scheduler


def run(runtime: Runtime, stop: threading.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM (or ``stop`` is set), then wait for a running job to
    finish, so that no claimed row is left half done."""
    stop = stop or threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the running job", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
    scheduler = build_scheduler(runtime)
    scheduler.start()
    log.info("scheduler started: sweep every %ss", runtime.settings.scheduler_interval_seconds)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        scheduler.shutdown(wait=True)
        log.info("scheduler stopped")
