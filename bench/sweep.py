"""Sweep and mail benchmark: the sweep's cost follows the due work, not the table.

Prints, in one run (SQLite file by default, or ``--db postgresql://…``):
  1. the time of one sweep carrying out the same 1,000 due reminders with 10,000 and with
     1,000,000 rows in ``schedule_items``, and their ratio (target <= 2);
  2. the baseline: a raw indexed SQL query selecting those 1,000 due rows from the same
     table at both sizes, and its ratio;
  3. messages per second delivered to a local aiosmtpd server, one connection per batch
     (connection reuse) against one connection per message.

Run: python bench/sweep.py [--rows 1000000] [--due 1000] [--messages 500] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import delete, insert, text, update

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.base import make_engine, metadata
from ocop_cycle.db.models import Certificate, OutboxMessage, Producer, Product, ScheduleItem
from ocop_cycle.mail.outbox import enqueue
from ocop_cycle.mail.sender import send_pending
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.planner import local_midnight
from ocop_cycle.scheduling.sweep import sweep
from ocop_cycle.services import units
from ocop_cycle.services.setup import initialise

NOW = datetime(2026, 11, 8, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
TODAY = date(2026, 11, 8)
COMMUNE, DISTRICT, PROVINCE = "21427", "533", "51"
RAW_DUE = text(
    "SELECT id FROM schedule_items WHERE status = 'pending' AND due_at <= :now "
    "ORDER BY due_at, priority, id LIMIT :limit"
)


def build(url: str, due: int) -> tuple[Runtime, list[int]]:
    """Products with active certificates and one due renewal reminder each."""
    runtime = Runtime.create(Settings(database_url=url, sweep_batch_size=500), Clock(fixed=NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "legacy")
    with runtime.transaction() as session:
        producer = Producer(
            name="HTX Nông nghiệp Đức Tân",
            type="cooperative",
            commune_code=COMMUNE,
            email="htx.ductan@example.vn",
            language="vi",
            created_at=NOW,
        )
        session.add(producer)
        session.flush()
        session.execute(
            insert(Product),
            [
                {
                    "name": f"Sản phẩm {i}",
                    "producer_id": producer.id,
                    "commune_code": COMMUNE,
                    "district_code": DISTRICT,
                    "province_code": PROVINCE,
                    "product_group": "food",
                    "workflow": "ocop-148",
                    "workflow_version": 1,
                    "state": "renewal_due",
                    "version": 1,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(due)
            ],
        )
        product_ids = sorted(session.scalars(text("SELECT id FROM products")).all())
        session.execute(
            insert(Certificate),
            [
                {
                    "number": f"OCOP-51-2023-{pid:06d}-1",
                    "product_id": pid,
                    "producer_id": producer.id,
                    "stars": 3,
                    "rule_set": "148/QĐ-TTg",
                    "workflow": "ocop-148",
                    "issuing_level": "district",
                    "issuing_unit_code": DISTRICT,
                    "decision_number": "88/QĐ-UBND",
                    "decision_date": date(2024, 5, 7),
                    "round_year": 2024,
                    "valid_from": date(2024, 5, 7),
                    "expires_on": date(2027, 5, 7),
                    "status": "active",
                    "verification_code": f"V{pid:09d}",
                    "created_at": NOW,
                }
                for pid in product_ids
            ],
        )
        certificates = dict(session.execute(text("SELECT product_id, id FROM certificates")).all())
        session.execute(
            insert(ScheduleItem),
            [
                _row(
                    pid,
                    "reminder",
                    "pending",
                    local_midnight(TODAY),
                    certificate_id=certificates[pid],
                    step="180d",
                )
                for pid in product_ids
            ],
        )
    return runtime, product_ids


def _row(product_id: int, kind: str, status: str, due_at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "certificate_id": extra.get("certificate_id"),
        "kind": kind,
        "name": "renewal_reminder" if kind == "reminder" else "dossier_check",
        "state": "renewal_due",
        "workflow": "ocop-148",
        "role": "producer",
        "step": extra.get("step", "due"),
        "due_on": due_at.date(),
        "due_at": due_at,
        "remind_on": extra.get("remind_on"),
        "priority": 0,
        "rule": {},
        "status": status,
        "created_at": NOW,
    }


def fill(runtime: Runtime, product_ids: list[int], count: int) -> None:
    """Rows that are not due: done and cancelled in the past, pending in the future,
    open deadlines; the mix a database accumulates over years."""
    batch = 50_000
    mix = [
        ("reminder", "done", -400),
        ("timer", "cancelled", -200),
        ("reminder", "pending", 30),
        ("timer", "pending", 500),
        ("deadline", "open", 10),
        ("deadline", "closed", -50),
    ]
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            kind, status, days = mix[i % len(mix)]
            due_at = NOW + timedelta(days=days + (i % 97), hours=1)
            rows.append(
                _row(
                    product_ids[i % len(product_ids)],
                    kind,
                    status,
                    due_at,
                    remind_on=(due_at.date() if kind == "deadline" else None),
                )
            )
        with runtime.transaction() as session:
            session.execute(insert(ScheduleItem), rows)
    with runtime.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def reset(runtime: Runtime, product_ids: list[int]) -> None:
    """Put the due reminders back to pending and empty the outbox."""
    with runtime.transaction() as session:
        session.execute(delete(OutboxMessage))
        session.execute(
            update(ScheduleItem)
            .where(
                ScheduleItem.kind == "reminder",
                ScheduleItem.due_at == local_midnight(TODAY),
                ScheduleItem.step == "180d",
            )
            .values(status="pending", closed_at=None, outcome=None)
        )


def time_sweep(runtime: Runtime, product_ids: list[int], due: int, repeats: int) -> float:
    """The median of ``repeats`` sweeps after one warm-up (statement caches, page cache)."""
    times = []
    for attempt in range(repeats + 1):
        reset(runtime, product_ids)
        started = time.perf_counter()
        report = sweep(runtime)
        if attempt:
            times.append(time.perf_counter() - started)
        assert report.done == due, report.as_dict()
    return statistics.median(times)


def time_raw(runtime: Runtime, product_ids: list[int], due: int, repeats: int) -> float:
    reset(runtime, product_ids)
    times = []
    with runtime.engine.connect() as connection:
        for _ in range(repeats * 20):
            started = time.perf_counter()
            found = connection.execute(RAW_DUE, {"now": _bind(runtime, NOW), "limit": due}).all()
            times.append(time.perf_counter() - started)
            assert len(found) == due
    return statistics.median(times)


def _bind(runtime: Runtime, instant: datetime) -> Any:
    # SQLite stores UTC instants as naive text (UTCDateTime); PostgreSQL as timestamptz.
    return instant.replace(tzinfo=None) if runtime.engine.dialect.name == "sqlite" else instant


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def mail_rate(url: str, messages: int, batch: int) -> float:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    runtime = Runtime.create(
        Settings(
            database_url=url,
            mail_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls="none",
            mail_batch_size=batch,
        ),
        Clock(fixed=NOW),
    )
    try:
        with runtime.transaction() as session:
            session.execute(delete(OutboxMessage))
            for number in range(messages):
                enqueue(
                    session,
                    recipient=f"producer{number}@example.vn",
                    recipient_name="HTX Nông nghiệp Đức Tân",
                    language="vi",
                    kind="certificate_expired",
                    product_id=None,
                    step=f"bench-{batch}-{number}",
                    context={
                        "recipient_name": "HTX",
                        "product": {"id": 1, "name": "Tỏi Lý Sơn"},
                        "producer_name": "HTX",
                        "commune_name": "Xã Đức Tân",
                        "certificate": {"number": "OCOP-1", "stars": 3, "expires_on": "2027-05-07"},
                    },
                    now=NOW,
                )
        started = time.perf_counter()
        report = send_pending(runtime, max_batches=messages)
        elapsed = time.perf_counter() - started
        assert report.sent == messages == sink.count, (report.as_dict(), sink.count)
        return messages / elapsed
    finally:
        controller.stop()
        runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", help="a PostgreSQL URL (emptied first!); default: SQLite file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ocop-bench-sweep-"))
    url = args.db or f"sqlite:///{folder / 'sweep.db'}"
    if args.db:
        engine = make_engine(args.db)
        metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
    runtime, product_ids = build(url, args.due)
    fill(runtime, product_ids, args.small - args.due)
    small_sweep = time_sweep(runtime, product_ids, args.due, args.repeats)
    small_raw = time_raw(runtime, product_ids, args.due, args.repeats)
    started = time.perf_counter()
    fill(runtime, product_ids, args.rows - args.small)
    fill_seconds = time.perf_counter() - started
    large_sweep = time_sweep(runtime, product_ids, args.due, args.repeats)
    large_raw = time_raw(runtime, product_ids, args.due, args.repeats)
    runtime.close()
    reused = mail_rate(url, args.messages, batch=100)
    single = mail_rate(url, args.messages, batch=1)
    results = {
        "database": runtime.engine.dialect.name,
        "due_rows": args.due,
        "sweep_seconds": {f"{args.small}": small_sweep, f"{args.rows}": large_sweep},
        "sweep_ratio": large_sweep / small_sweep,
        "raw_query_seconds": {f"{args.small}": small_raw, f"{args.rows}": large_raw},
        "raw_query_ratio": large_raw / small_raw,
        "sweep_rows_per_second": args.due / large_sweep,
        "fill_seconds": fill_seconds,
        "mail_per_second_reused_connection": reused,
        "mail_per_second_connection_per_message": single,
        "mail_reuse_ratio": reused / single,
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"database: {results['database']}; {args.due} due reminders in each table")
    print(f"sweep, {args.small:>9,} rows: {small_sweep * 1000:8.1f} ms")
    print(f"sweep, {args.rows:>9,} rows: {large_sweep * 1000:8.1f} ms")
    print(
        f"  ratio {results['sweep_ratio']:.2f} (target <= 2)   "
        f"{results['sweep_rows_per_second']:.0f} due rows carried out per second"
    )
    print(f"raw indexed query, {args.small:>9,} rows: {small_raw * 1000:8.2f} ms")
    print(f"raw indexed query, {args.rows:>9,} rows: {large_raw * 1000:8.2f} ms")
    print(f"  ratio {results['raw_query_ratio']:.2f} (baseline)")
    print(
        f"mail to aiosmtpd: {reused:.0f} msg/s reusing one connection per batch of 100, "
        f"{single:.0f} msg/s with one connection per message "
        f"(x{results['mail_reuse_ratio']:.1f})"
    )
    ok = results["sweep_ratio"] <= 2
    print("PASS" if ok else "FAIL: the sweep's cost grew with the table")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
