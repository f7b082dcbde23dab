"""Engine benchmark: persisted transitions through ocop-cycle vs raw sqlite3.

Prints, in one run on SQLite files (WAL, synchronous=FULL on both sides, as ocop-cycle
runs SQLite):
  1. transitions per second through the engine and through raw sqlite3 doing the writes
     the issue names (state update with a version check + a history insert, one
     transaction each), and through raw sqlite3 doing every write the engine does for
     this transition (the same two, plus closing the left state's deadline rows and
     cancelling its pending escalation rows);
  2. the time per transition with 1,000 and with 100,000 products in the database;
  3. peak memory growth while firing one transition on each of 100,000 products.
Targets: engine >= 0.15 x raw; cost at 100k <= 1.3 x cost at 1k; memory growth <= 50 MB.

Run: python bench/engine.py [--products 100000] [--sample 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import History, Producer, Product
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.bulk import schedule_products
from ocop_cycle.services import people, units
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.services.setup import initialise
from ocop_cycle.workflow import engine

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
COMMUNE, DISTRICT, PROVINCE = "21427", "533", "51"


def build(path: Path, products: int) -> Runtime:
    """A seeded database holding ``products`` registered products (bulk inserted)."""
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "legacy")
    people.add_user(runtime, "commune1", role="commune_officer", unit_code=COMMUNE)
    with runtime.transaction() as session:
        producer = Producer(
            name="HTX Đức Tân",
            type="cooperative",
            commune_code=COMMUNE,
            language="vi",
            created_at=NOW,
        )
        session.add(producer)
        session.flush()
        producer_id = producer.id
    batch = 20_000
    for start in range(0, products, batch):
        count = min(batch, products - start)
        with runtime.transaction() as session:
            session.execute(
                insert(Product),
                [
                    {
                        "name": f"Sản phẩm {start + i}",
                        "producer_id": producer_id,
                        "commune_code": COMMUNE,
                        "district_code": DISTRICT,
                        "province_code": PROVINCE,
                        "product_group": "food",
                        "workflow": "ocop-148",
                        "workflow_version": 1,
                        "state": "idea_registered",
                        "version": 1,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in range(count)
                ],
            )
            session.execute(
                insert(History),
                [
                    {
                        "product_id": start + i + 1,
                        "trigger": "register",
                        "from_state": None,
                        "to_state": "idea_registered",
                        "workflow": "ocop-148",
                        "workflow_version": 1,
                        "actor": "commune1",
                        "role": "commune_officer",
                        "at": NOW,
                        "data": {},
                    }
                    for i in range(count)
                ],
            )
            # The deadline and escalation rows registration writes, as the listener would.
            schedule_products(
                session, runtime.workflows, list(range(start + 1, start + count + 1)), now=NOW
            )
    return runtime


def fire_engine(runtime: Runtime, product_ids: list[int]) -> float:
    """Seconds per transition through the engine, one unit of work each."""
    compiled = runtime.workflows.get("ocop-148", 1)
    started = time.perf_counter()
    for product_id in product_ids:
        with runtime.transaction() as session:
            engine.fire(
                session,
                compiled,
                get_product(session, product_id),
                get_user(session, "commune1"),
                "approve_idea",
                now=runtime.clock.now(),
            )
    return (time.perf_counter() - started) / len(product_ids)


def fire_raw(path: Path, product_ids: list[int], *, with_schedule: bool = False) -> float:
    """Seconds per transition for the same writes in raw sqlite3."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    now = NOW.replace(tzinfo=None).isoformat(sep=" ")
    started = time.perf_counter()
    for product_id in product_ids:
        connection.execute("BEGIN IMMEDIATE")
        updated = connection.execute(
            "UPDATE products SET state = ?, version = version + 1, updated_at = ? "
            "WHERE id = ? AND version = ?",
            ("plan_preparation", now, product_id, 1),
        ).rowcount
        assert updated == 1
        if with_schedule:
            connection.execute(
                "UPDATE schedule_items SET status = 'closed', closed_at = ? WHERE product_id = ? "
                "AND kind = 'deadline' AND status = 'open'",
                (now, product_id),
            )
            connection.execute(
                "UPDATE schedule_items SET status = 'cancelled', closed_at = ?, outcome = ? "
                "WHERE product_id = ? AND state IS NOT NULL AND status = 'pending'",
                (now, "the product left the state", product_id),
            )
        connection.execute(
            "INSERT INTO history (product_id, trigger, from_state, to_state, workflow, "
            "workflow_version, actor, role, at, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                product_id,
                "approve_idea",
                "idea_registered",
                "plan_preparation",
                "ocop-148",
                1,
                "commune1",
                "commune_officer",
                now,
                "{}",
            ),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed / len(product_ids)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3_000)
    args = parser.parse_args()
    random.seed(7)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        small = build(Path(folder) / "small.db", 1_000)
        ids = random.sample(range(1, 1_001), min(args.sample, 1_000))
        fire_engine(small, ids[:50])  # warm-up: imports, statement caches
        results["engine_s_per_transition_1k"] = fire_engine(small, ids[50:])
        small.close()

        large_path = Path(folder) / "large.db"
        large = build(large_path, args.products)
        sample = random.sample(range(1, args.products + 1), args.sample * 3)
        results["engine_s_per_transition_100k"] = fire_engine(large, sample[: args.sample])
        results["raw_s_per_transition_100k"] = fire_raw(
            large_path, sample[args.sample : 2 * args.sample]
        )
        results["raw_all_writes_s_per_transition_100k"] = fire_raw(
            large_path, sample[2 * args.sample :], with_schedule=True
        )

        rest = sorted(set(range(1, args.products + 1)) - set(sample))
        rss_before = peak_rss_mb()
        fire_engine(large, rest)
        results["transitions_for_memory"] = len(rest) + args.sample
        results["peak_rss_growth_mb"] = peak_rss_mb() - rss_before
        large.close()

    engine_rate = 1 / results["engine_s_per_transition_100k"]
    raw_rate = 1 / results["raw_s_per_transition_100k"]
    raw_all_rate = 1 / results["raw_all_writes_s_per_transition_100k"]
    report = {
        "engine_transitions_per_s": round(engine_rate, 1),
        "raw_sqlite3_transitions_per_s": round(raw_rate, 1),
        "engine_vs_raw_ratio": round(engine_rate / raw_rate, 3),
        "raw_sqlite3_all_engine_writes_per_s": round(raw_all_rate, 1),
        "engine_vs_raw_all_writes_ratio": round(engine_rate / raw_all_rate, 3),
        "ms_per_transition_1k_products": round(results["engine_s_per_transition_1k"] * 1e3, 3),
        "ms_per_transition_100k_products": round(results["engine_s_per_transition_100k"] * 1e3, 3),
        "cost_ratio_100k_vs_1k": round(
            results["engine_s_per_transition_100k"] / results["engine_s_per_transition_1k"], 3
        ),
        "memory_growth_mb_over_transitions": round(results["peak_rss_growth_mb"], 1),
        "transitions_in_memory_run": int(results["transitions_for_memory"]),
    }
    targets = {
        "engine_vs_raw_ratio >= 0.15": report["engine_vs_raw_ratio"] >= 0.15,
        "cost_ratio_100k_vs_1k <= 1.3": report["cost_ratio_100k_vs_1k"] <= 1.3,
        "memory_growth_mb <= 50": report["memory_growth_mb_over_transitions"] <= 50,
    }
    print(json.dumps({"results": report, "targets_met": targets}, indent=2))
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
