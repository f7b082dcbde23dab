"""Peak memory of ``ocop import products`` on a large CSV, against a one-row import.

Issue 12 §2: a 640,000-row CSV must import in under 500 MB. Each import runs in its own
``ocop`` process on a fresh copy of a seeded SQLite database; the peak resident set of
that process (``ru_maxrss`` of the finished child) is what is reported, beside the same
command importing one row (the process's fixed cost: interpreter, libraries, schema),
with its speed in rows a second.

``--baseline SRC`` runs the same imports with another checkout of the code too (e.g.
``git archive HEAD~3 | tar -x -C /tmp/before``), interleaved round by round, and prints
the ratios: the memory saved must not cost much speed.

Run: ``python bench/import_memory.py [--rows 640000] [--rounds 1] [--baseline SRC] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ocop_cycle.config import Settings
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.runtime import Runtime
from tests.conftest import ADMIN, seed
from tests.import_files import write_certificates_csv

TARGET_MB = 500
IMPORTER = "province1"


def seeded(path: Path) -> None:
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"))
    try:
        seed(runtime)
        add_user(runtime, IMPORTER, actor=ADMIN, role="province_officer", unit_code="51")
    finally:
        runtime.close()


def peak_import(template: Path, source: Path, work: Path, code: Path) -> tuple[float, float]:
    """(peak resident MB, seconds) of one ``ocop import products`` process running the
    code in ``code``."""
    database = work / "import.db"
    shutil.copy(template, database)
    command = [sys.executable, "-m", "ocop_cycle", "--db", f"sqlite:///{database}", "import",
               "products", str(source), "--actor", IMPORTER, "--json"]
    environment = {**os.environ, "PYTHONPATH": str(code)}
    # Each child runs alone, so the children's high-water mark after it is its own peak.
    pid = os.fork()
    if pid == 0:  # a fresh child whose RUSAGE_CHILDREN holds only this import
        started = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=code, env=environment
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            os._exit(1)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        (work / "peak").write_text(f"{peak_kb} {elapsed}")
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise SystemExit("the import failed")
    peak_text, elapsed_text = (work / "peak").read_text().split()
    return int(peak_text) / 1024, float(elapsed_text)


def communes(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT code FROM admin_units WHERE level = 'commune'")
        return [code for (code,) in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=640_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout's root")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="ocop-import-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    template = work / "seeded.db"
    seeded(template)
    codes = communes(template)
    one = write_certificates_csv(work / "one.csv", 1, codes)
    large = write_certificates_csv(work / "large.csv", args.rows, codes)
    versions = {"this code": Path(__file__).resolve().parents[1]}
    if args.baseline:
        versions = {"baseline": args.baseline.resolve(), **versions}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for name, code in versions.items():
        baseline, _ = peak_import(template, one, work, code)
        print(f"{name}: import of 1 row: peak {baseline:7.1f} MB", flush=True)
    for round_number in range(1, args.rounds + 1):
        for name, code in versions.items():
            peak, seconds = peak_import(template, large, work, code)
            results[name].append((peak, seconds))
            print(f"round {round_number}, {name}: {args.rows:,} rows: peak {peak:7.1f} MB in "
                  f"{seconds:.1f} s ({args.rows / seconds:,.0f} rows/s)", flush=True)
    best = {name: (min(p for p, _ in runs), min(s for _, s in runs)) for name, runs in results.items()}
    for name, (peak, seconds) in best.items():
        print(f"{name}: peak {peak:7.1f} MB, best {args.rows / seconds:,.0f} rows/s; target "
              f"under {TARGET_MB} MB: {'OK' if peak < TARGET_MB else 'MISSED'}")
    if args.baseline:
        (old_peak, old_seconds), (new_peak, new_seconds) = best["baseline"], best["this code"]
        print(f"this code / baseline: peak memory x{new_peak / old_peak:.2f}, "
              f"speed x{old_seconds / new_seconds:.2f}")
    if not args.dir:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
