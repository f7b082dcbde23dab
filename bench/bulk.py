"""Bulk import and the annual report at scale, each against a raw baseline in the same run.

1. Import 100,000 rows (CSV → validated → producers, products, certificates, history,
   timers and reminders)
   against raw DB-API ``executemany`` inserting exactly the rows the import wrote, into
   a fresh copy of the same schema, in one transaction. Ratio = import rate / raw rate;
   target ≥ 0.2.
2. The annual report over 1,000,000 certificates against one raw SQL statement doing the
   report's main count (cumulative products by stars, each product once with its latest
   certificate: a window function and a GROUP BY). Ratio = report time / raw time;
   target ≤ 3, i.e. the report aggregates in the database, not in Python loops.

Run: ``python bench/bulk.py [--rows 100000] [--certificates 1000000] [--dir DIR]``.
SQLite files (the default deployment); timings are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db import schema
from ocop_cycle.domain.validity import add_months
from ocop_cycle.importing.service import import_products
from ocop_cycle.reporting.annual import annual_report
from ocop_cycle.reporting.render import render_html
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import units
from ocop_cycle.services.people import ensure_system_user

NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
TABLES = ("producers", "products", "certificates", "history", "schedule_items")
GROUPS = ("food", "drinks", "herbal", "handicrafts", "ornamental", "tourism")
TYPES = ("enterprise", "cooperative", "cooperative_group", "household")
MAIN_COUNT = """
SELECT stars, COUNT(*) FROM (
  SELECT c.stars, c.status, ROW_NUMBER() OVER (
    PARTITION BY c.product_id ORDER BY c.round_year DESC, c.decision_date DESC, c.id DESC
  ) AS rank
  FROM certificates c JOIN products p ON p.id = c.product_id
  WHERE c.round_year <= ? AND p.province_code = ?
) WHERE rank = 1 AND status <> 'revoked' GROUP BY stars
"""


def seeded_database(path: Path) -> Runtime:
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
    schema.upgrade(runtime.engine)
    ensure_system_user(runtime)
    units.load_province(runtime, "51", "legacy")
    return runtime


def communes(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT code FROM admin_units WHERE level = 'commune'")
        return [code for (code,) in rows]


def best(repeat: int, run: Callable[[], None], before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def write_import_file(path: Path, rows: int, codes: list[str], rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "product_name",
                "product_group",
                "producer_name",
                "producer_type",
                "commune_code",
                "stars",
                "score",
                "decision_number",
                "decision_date",
                "round_year",
            ]
        )
        for index in range(rows):
            decided = date(2019, 9, 1) + timedelta(days=rng.randrange(0, 2000))
            stars = rng.choice((3, 3, 3, 4, 4, 5))
            score = {3: rng.uniform(50, 69.99), 4: rng.uniform(70, 89.99), 5: rng.uniform(90, 100)}
            writer.writerow(
                [
                    f"Sản phẩm {index}",
                    rng.choice(GROUPS),
                    f"Chủ thể {index // 5}",
                    TYPES[(index // 5) % 4],
                    codes[(index // 5) % len(codes)],
                    stars,
                    f"{score[stars]:.2f}",
                    f"{rng.randrange(1, 3000)}/QĐ-UBND",
                    decided.strftime("%d/%m/%Y"),
                    decided.year,
                ]
            )


def bench_import(directory: Path, rows: int, repeat: int) -> None:
    rng = random.Random(5)
    template = directory / "seeded.db"
    seeded_database(template).close()
    source = directory / "tinh.csv"
    write_import_file(source, rows, communes(template), rng)
    target = directory / "import.db"

    def fresh() -> None:
        shutil.copy(template, target)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)

    def run_import() -> None:
        runtime = Runtime.create(Settings(database_url=f"sqlite:///{target}"), Clock(fixed=NOW))
        try:
            summary = import_products(runtime, source)
            assert summary["certificates_created"] == rows, summary
        finally:
            runtime.close()

    imported = best(repeat, run_import, fresh)
    with sqlite3.connect(target) as connection:
        written = {t: connection.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    raw_target = directory / "raw.db"

    def fresh_raw() -> None:
        shutil.copy(template, raw_target)

    def run_raw() -> None:
        connection = sqlite3.connect(raw_target, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("BEGIN")
        for table in TABLES:
            values = written[table]
            marks = ", ".join("?" * len(values[0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
        connection.execute("COMMIT")
        connection.close()

    raw = best(repeat, run_raw, fresh_raw)
    total_rows = sum(len(v) for v in written.values())
    print(f"import of {rows:,} rows ({total_rows:,} table rows written)")
    print(f"  ocop import products: {imported:7.2f} s  ({rows / imported:,.0f} rows/s)")
    print(f"  raw executemany:      {raw:7.2f} s  ({rows / raw:,.0f} rows/s)")
    ratio = raw / imported
    print(
        f"  ratio import/raw rate: {ratio:.2f}  (target ≥ 0.2) {'OK' if ratio >= 0.2 else 'MISSED'}"
    )


def fill_certificates(path: Path, count: int, rng: random.Random) -> None:
    """1,000,000 certificates for one province with fast raw inserts: ~5% of products
    renewed (two certificates), 1% revoked; rounds 2019–2025."""
    codes = communes(path)
    with sqlite3.connect(path) as connection:
        parents = dict(connection.execute("SELECT code, parent_code FROM admin_units").fetchall())
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    producers = max(count // 20, 1)
    producer_rows = [
        (i + 1, f"Chủ thể {i}", TYPES[i % 4], codes[i % len(codes)], None, None, None, "vi", stamp)
        for i in range(producers)
    ]
    products, certificates = [], []
    product_id = 0
    while len(certificates) < count:
        product_id += 1
        producer = rng.randrange(producers)
        commune = codes[producer % len(codes)]
        renewals = 2 if rng.random() < 0.05 else 1
        decided = date(2019, 9, 1) + timedelta(days=rng.randrange(0, 1500))
        stars = rng.choice((3, 3, 3, 4, 4, 5))
        for n in range(renewals):
            if len(certificates) >= count:
                break
            last = n == renewals - 1
            status = "superseded" if not last else ("revoked" if rng.random() < 0.01 else "active")
            cid = len(certificates) + 1
            certificates.append(
                (
                    cid,
                    f"OCOP-51-{decided.year}-{product_id:07d}-{n + 1}",
                    product_id,
                    producer + 1,
                    stars,
                    None,
                    "148/QĐ-TTg",
                    "import",
                    "province",
                    "51",
                    f"{cid}/QĐ-UBND",
                    decided.isoformat(),
                    decided.year,
                    decided.isoformat(),
                    add_months(decided, 36).isoformat(),
                    status,
                    f"V{cid:09d}",
                    None,
                    None,
                    None,
                    stamp,
                )
            )
            decided = add_months(decided, 36) - timedelta(days=30)
            stars = min(5, stars + rng.choice((0, 0, 1)))
        products.append(
            (
                product_id,
                f"Sản phẩm {product_id}",
                producer + 1,
                commune,
                parents[commune],
                "51",
                rng.choice(GROUPS),
                "ocop-148",
                1,
                "certified",
                None,
                stars,
                "province",
                1,
                stamp,
                stamp,
            )
        )
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("BEGIN")
        for table, rows in (
            ("producers", producer_rows),
            ("products", products),
            ("certificates", certificates),
        ):
            marks = ", ".join("?" * len(rows[0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")


def bench_report(directory: Path, count: int, repeat: int) -> None:
    path = directory / "report.db"
    seeded_database(path).close()
    started = time.perf_counter()
    fill_certificates(path, count, random.Random(7))
    print(
        f"\nannual report over {count:,} certificates (generated in {time.perf_counter() - started:.1f} s)"
    )
    year = 2023

    def raw_count() -> None:
        with sqlite3.connect(path) as connection:
            connection.execute(MAIN_COUNT, (year, "51")).fetchall()

    def report() -> None:
        runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
        try:
            render_html(annual_report(runtime, year, province="51"))
        finally:
            runtime.close()

    raw = best(repeat, raw_count, lambda: None)
    full = best(repeat, report, lambda: None)
    ratio = full / raw
    print(f"  raw SQL main count (window + GROUP BY): {raw:6.2f} s")
    print(f"  ocop report annual (all figures + HTML): {full:6.2f} s")
    print(f"  ratio report/raw: {ratio:.2f}  (target ≤ 3) {'OK' if ratio <= 3 else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="Keep the databases here.")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        bench_import(directory, args.rows, args.repeat)
        bench_report(directory, args.certificates, args.repeat)
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
