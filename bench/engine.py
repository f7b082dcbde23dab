"""Transition benchmark: the service call users make vs the engine alone vs raw sqlite3.

Prints, in one run on SQLite files in WAL mode:
  1. transitions per second of
       service  ``products.fire`` as the CLI and the API call it: one unit of work that
                loads the actor and the product, fires, and builds the product's view;
       engine   ``engine.fire`` alone in a unit of work (actor and product loaded);
       raw      raw sqlite3 doing the same writes, one transaction each: the version-
                checked state update, closing the left state's deadline rows, the rows
                of the state entered, the history row;
     at synchronous=FULL (as ocop-cycle runs SQLite: a commit survives a power cut) and
     at NORMAL (no fsync per commit: what the CPU costs), and their ratios to raw;
  2. the service's time per transition with 1,000 and with ``--products`` products;
  3. the memory still allocated (tracemalloc, current) after ``--memory-transitions``
     service calls, against before them.
In every round the contenders take turns, one transition each in a new order every turn,
on products of their own, so that a busy moment (fsync, other processes) weighs on all of
them alike; figures are the medians over ``--rounds`` rounds.
Targets: service >= 0.25 x raw at FULL and >= 0.15 x raw at NORMAL; cost at
``--products`` <= 1.3 x cost at 1,000; memory growth <= 5 MB.

Run: python bench/engine.py [--products 100000] [--rounds 7] [--batch 200]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fixtures import ACTOR, APPROVED, REGISTERED, TRIGGER, build
from sqlalchemy import event

from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.workflow import engine

SYNC_MODES = ("FULL", "NORMAL")
Fire = Callable[[list[int]], None]


def synchronous_switch(runtime: Runtime) -> Callable[[str], None]:
    """A setter of the ``synchronous`` mode the runtime's connections use from now on
    (its own connect listener sets FULL first; this one runs after it)."""
    mode = ["FULL"]
    event.listen(
        runtime.engine,
        "connect",
        lambda connection, _record: connection.execute(f"PRAGMA synchronous={mode[0]}"),
    )

    def switch(new_mode: str) -> None:
        mode[0] = new_mode
        runtime.engine.dispose()  # pooled connections reopen with the new mode

    return switch


def service_fire(runtime: Runtime) -> Fire:
    def fire(ids: list[int]) -> None:
        for product_id in ids:
            products.fire(runtime, product_id, TRIGGER, actor=ACTOR)

    return fire


def engine_fire(runtime: Runtime) -> Fire:
    compiled = runtime.workflows.get("ocop-148", 1)

    def fire(ids: list[int]) -> None:
        for product_id in ids:
            with runtime.transaction() as session:
                engine.fire(
                    session,
                    compiled,
                    get_product(session, product_id),
                    get_user(session, ACTOR),
                    TRIGGER,
                    now=runtime.clock.now(),
                )

    return fire


def entered_rows(path: Path, product_id: int) -> list[dict[str, Any]]:
    """The schedule rows the engine wrote for ``product_id`` entering the approved state,
    as column → value (without id and product): raw sqlite3 writes the same rows."""
    connection = sqlite3.connect(path)
    cursor = connection.execute(
        "SELECT * FROM schedule_items WHERE product_id = ? AND state = ?", (product_id, APPROVED)
    )
    names = [column[0] for column in cursor.description]
    rows = cursor.fetchall()
    connection.close()
    return [
        {
            name: value
            for name, value in zip(names, row, strict=True)
            if name not in ("id", "product_id")
        }
        for row in rows
    ]


def raw_fire(
    path: Path, mode: str, template: list[dict[str, Any]]
) -> tuple[Fire, Callable[[], None]]:
    """The engine's writes for this transition, by hand, one transaction each; and the
    closing of its connection."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={mode}")
    connection.execute("PRAGMA foreign_keys=ON")
    columns = ["product_id", *(template[0] if template else [])]
    insert_row = (
        f"INSERT INTO schedule_items ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )

    def fire(ids: list[int]) -> None:
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
        for product_id in ids:
            connection.execute("BEGIN IMMEDIATE")
            # The product is where the transition starts and at the version read before.
            updated = connection.execute(
                "UPDATE products SET state = ?, version = version + 1, updated_at = ? "
                "WHERE id = ? AND state = ? AND version = ?",
                (APPROVED, now, product_id, REGISTERED, 1),
            ).rowcount
            assert updated == 1
            connection.execute(
                "UPDATE schedule_items SET status = CASE WHEN status = 'open' THEN 'closed' "
                "ELSE 'cancelled' END, closed_at = ?, outcome = CASE WHEN status = 'pending' "
                "THEN 'the product left the state' ELSE outcome END WHERE product_id = ? "
                "AND ((kind = 'deadline' AND status = 'open') OR "
                "(state IS NOT NULL AND status = 'pending'))",
                (now, product_id),
            )
            connection.executemany(insert_row, [(product_id, *row.values()) for row in template])
            connection.execute(
                "INSERT INTO history (product_id, trigger, from_state, to_state, workflow, "
                "workflow_version, actor, role, at, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    product_id,
                    TRIGGER,
                    REGISTERED,
                    APPROVED,
                    "ocop-148",
                    1,
                    ACTOR,
                    "commune_officer",
                    now,
                    "{}",
                ),
            )
            connection.execute("COMMIT")

    return fire, connection.close


def timed(fire: Fire, ids: list[int]) -> float:
    """Seconds per transition."""
    started = time.perf_counter()
    fire(ids)
    return (time.perf_counter() - started) / len(ids)


def interleaved(fires: dict[str, Fire], ids: dict[str, list[int]]) -> dict[str, float]:
    """Seconds per transition of each contender, taking turns one transition at a time
    (in a new order each turn), so that a busy moment of the machine hits them alike."""
    spent = dict.fromkeys(fires, 0.0)
    names = list(fires)
    for turn in range(len(next(iter(ids.values())))):
        random.shuffle(names)
        for name in names:
            started = time.perf_counter()
            fires[name]([ids[name][turn]])
            spent[name] += time.perf_counter() - started
    return {name: spent[name] / len(ids[name]) for name in fires}


@contextmanager
def traced() -> Iterator[list[int]]:
    """Bytes still allocated at the end against the start (after collecting garbage)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    growth: list[int] = []
    try:
        yield growth
    finally:
        gc.collect()
        growth.append(tracemalloc.get_traced_memory()[0] - before)
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--batch", type=int, default=200, help="Transitions per contender per round."
    )
    parser.add_argument("--memory-transitions", type=int, default=5_000)
    args = parser.parse_args()
    random.seed(7)
    contenders = ["service", "engine", "raw"]
    # Products 1…n are fresh: each is fired once. Warm-up, rounds, then the memory run.
    per_round = len(SYNC_MODES) * len(contenders) * args.batch
    needed = 100 + args.rounds * per_round + args.memory_transitions
    if needed > args.products:
        sys.exit(f"--products {args.products} is too few: this run fires {needed} transitions")
    fresh = iter(random.sample(range(1, args.products + 1), args.products))

    def take(count: int) -> list[int]:
        return [next(fresh) for _ in range(count)]

    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        small_path, large_path = Path(folder) / "small.db", Path(folder) / "large.db"
        small = build(small_path, 1_000)
        large = build(large_path, args.products)
        switch_large, switch_small = synchronous_switch(large), synchronous_switch(small)
        small_ids = iter(random.sample(range(1, 1_001), 1_000))
        small_batch = min(args.batch, 950 // args.rounds)
        warm = take(100)
        service_fire(large)(warm[:50])  # warm-up: imports, statement caches, the file cache
        engine_fire(large)(warm[50:])
        service_fire(small)([next(small_ids) for _ in range(20)])
        template = entered_rows(large_path, warm[0])
        raw = {mode: raw_fire(large_path, mode, template) for mode in SYNC_MODES}
        fires = {"service": service_fire(large), "engine": engine_fire(large)}
        for _round in range(args.rounds):
            for mode in SYNC_MODES:
                switch_large(mode)
                measured = interleaved(
                    {**fires, "raw": raw[mode][0]},
                    {name: take(args.batch) for name in contenders},
                )
                for name, seconds in measured.items():
                    times.setdefault(f"{name}_{mode}", []).append(seconds)
            switch_small("FULL")
            batch = [next(small_ids) for _ in range(small_batch)]
            times.setdefault("service_FULL_1k", []).append(timed(service_fire(small), batch))
        for _fire, close in raw.values():
            close()
        small.close()

        switch_large("FULL")
        with traced() as growth:
            service_fire(large)(take(args.memory_transitions))
        large.close()

    median = {name: statistics.median(values) for name, values in times.items()}
    report: dict[str, Any] = {
        "rounds": args.rounds,
        "transitions_per_contender_per_round": args.batch,
    }
    for mode in SYNC_MODES:
        raw = median[f"raw_{mode}"]
        report[f"synchronous={mode}"] = {
            **{
                f"{name}_transitions_per_s": round(1 / median[f"{name}_{mode}"], 1)
                for name in contenders
            },
            "service_vs_raw": round(raw / median[f"service_{mode}"], 3),
            "engine_vs_raw": round(raw / median[f"engine_{mode}"], 3),
            "service_ms": round(median[f"service_{mode}"] * 1e3, 3),
            "engine_ms": round(median[f"engine_{mode}"] * 1e3, 3),
            "raw_ms": round(raw * 1e3, 3),
        }
    report["service_ms_1k_products"] = round(median["service_FULL_1k"] * 1e3, 3)
    report[f"service_ms_{args.products}_products"] = round(median["service_FULL"] * 1e3, 3)
    report["cost_ratio_large_vs_1k"] = round(median["service_FULL"] / median["service_FULL_1k"], 3)
    report["memory_growth_mb"] = round(growth[0] / 2**20, 3)
    report["transitions_in_memory_run"] = args.memory_transitions
    targets = {
        "service_vs_raw at FULL >= 0.25": report["synchronous=FULL"]["service_vs_raw"] >= 0.25,
        "service_vs_raw at NORMAL >= 0.15": report["synchronous=NORMAL"]["service_vs_raw"] >= 0.15,
        "cost_ratio_large_vs_1k <= 1.3": report["cost_ratio_large_vs_1k"] <= 1.3,
        "memory_growth_mb <= 5": report["memory_growth_mb"] <= 5,
    }
    print(json.dumps({"results": report, "targets_met": targets}, indent=2))
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
