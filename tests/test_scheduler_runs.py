"""The one scheduler: its two APScheduler jobs, ``scheduler tick`` for cron and demos,
two ticks at once sending every message once, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import History, OutboxMessage
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.runner import DIGEST_JOB_ID, SWEEP_JOB_ID, build_scheduler
from tests.conftest import World
from tests.flows import certified_148_on
from tests.smtp_sink import SmtpSink, smtp_sink_fixture  # noqa: F401


def test_one_interval_sweep_job_and_one_daily_digest_job(runtime: Runtime) -> None:
    scheduler = build_scheduler(runtime)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {SWEEP_JOB_ID, DIGEST_JOB_ID}
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    assert jobs[SWEEP_JOB_ID].trigger.interval.total_seconds() == 60
    digest = jobs[DIGEST_JOB_ID].trigger
    assert str(digest.timezone) == str(LOCAL_TZ)
    assert {f.name: str(f) for f in digest.fields}["hour"] == "7"


def certified(runtime: Runtime, world: World, count: int, decision_date: str) -> list[int]:
    return [certified_148_on(runtime, world.producer_id, decision_date) for _ in range(count)]


def ocop_env(database_url: str, port: int, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "OCOP_DATABASE_URL": database_url,
        "OCOP_MAIL_BACKEND": "smtp",
        "OCOP_SMTP_HOST": "127.0.0.1",
        "OCOP_SMTP_PORT": str(port),
        "OCOP_SMTP_TLS": "none",
        "OCOP_MAIL_DIR": str(tmp_path / "mail"),
        **extra,
    }


def ocop(*args: str) -> list[str]:
    return [sys.executable, "-m", "ocop_cycle", *args]


def test_scheduler_tick_sweeps_and_sends_as_of_a_date(
    runtime: Runtime, world: World, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCOP_MAIL_DIR", str(tmp_path / "mail"))
    (product_id,) = certified(runtime, world, 1, "2024-05-07")
    bad = cli("scheduler", "tick", "--as-of", "07/05/2027", "--json", as_of=None)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.error()["message"]
    result = cli("scheduler", "tick", "--as-of", "2026-11-08", "--no-digest", "--json", as_of=None)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["sweep"]["done"] == 2  # the timer, then the 180-day reminder it enabled
    assert f"#{product_id}: open_renewal certified → renewal_due" in report["sweep"]["effects"]
    assert report["mail"]["sent"] == 2  # the certificate, the reminder (file backend)
    shown = cli("product", "show", str(product_id), "--json").json()
    assert shown["state"] == "renewal_due"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2


@pytest.mark.postgres
def test_two_ticks_at_once_on_postgresql_fire_and_send_everything_once(
    runtime: Runtime, world: World, database_url: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two processes sharing rows need PostgreSQL's row locks")
    products = certified(runtime, world, 12, "2024-05-07")
    smtp_sink.delay = 0.02
    env = ocop_env(
        database_url,
        smtp_sink.port,
        tmp_path,
        OCOP_SWEEP_BATCH_SIZE="2",
        OCOP_MAIL_BATCH_SIZE="2",
    )
    command = ocop("scheduler", "tick", "--as-of", "2026-11-08T08:00", "--no-digest", "--json")
    processes = [
        subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    reports = [json.loads(out) for out, _ in outputs]
    # Between them (each usually takes a share) they did every piece of work once.
    assert sum(report["sweep"]["done"] for report in reports) == 2 * len(products)
    assert sum(report["mail"]["sent"] for report in reports) == 2 * len(products)
    with runtime.transaction() as session:
        fired = session.scalar(
            select(func.count()).select_from(History).where(History.trigger == "open_renewal")
        )
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
    assert fired == len(products)
    # 12 certificates issued + 12 reminders written once, each delivered once.
    assert statuses == Counter({"sent": 2 * len(products)})
    ids = Counter(received.message["Message-ID"] for received in smtp_sink.received)
    assert len(ids) == 2 * len(products) and set(ids.values()) == {1}


def test_scheduler_run_stops_cleanly_on_sigterm_without_losing_a_claimed_row(
    runtime: Runtime, world: World, database_url: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    # Decided today, so that the real clock of `run` finds no timer due: four
    # certificate_issued messages are all there is to send.
    certified(runtime, world, 4, datetime.now(LOCAL_TZ).date().isoformat())
    smtp_sink.delay = 0.5
    env = ocop_env(database_url, smtp_sink.port, tmp_path)
    process = subprocess.Popen(
        ocop("scheduler", "run", "--interval", "0.2"),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while smtp_sink.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert smtp_sink.connections > 0, "the scheduler never started sending"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err.decode()
    assert "scheduler stopped" in err.decode()
    with runtime.transaction() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
    # The batch in flight when the signal came was finished and recorded.
    assert statuses == Counter({"sent": 4})
    assert len(smtp_sink.received) == 4
