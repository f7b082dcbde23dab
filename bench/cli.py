"""Command-line start-up benchmark: how long a person waits for ``ocop`` to answer.

Prints, in one run, the median wall time of ``--runs`` fresh processes of each of:
  floor         python -c "import sqlalchemy, typer, pydantic" (what any ocop command
                must import at least: its database layer, its CLI and its settings);
  help          ocop --help
  show          ocop product show ID --json
  fire          ocop product fire ID TRIGGER --actor commune1 --json (one product each run)
and each one's ratio to the floor. The commands run interleaved, round after round, in a
different order each round, so that a slow minute of the machine weighs on all of them.
Each command runs once first, as it would after installing: that writes the bytecode of
what it imports (pip compiles a wheel's modules; PYTHONDONTWRITEBYTECODE, set in some
shells, is lifted for the children so that a source checkout gets the same) and the
cache of checked workflow files. Target: show <= 1.5 x floor.

Run: python bench/cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixtures import ACTOR, TRIGGER, build

FLOOR = [sys.executable, "-c", "import sqlalchemy, typer, pydantic"]
# As installed: modules are read from bytecode, not compiled from source on every start.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def ocop_command() -> list[str]:
    """The installed ``ocop`` script next to this interpreter, as a person runs it."""
    script = Path(sys.executable).with_name("ocop")
    if script.exists():
        return [str(script)]
    found = shutil.which("ocop")
    return [found] if found else [sys.executable, "-m", "ocop_cycle"]


def timed(command: list[str]) -> float:
    """Seconds from start to exit of one fresh process; a failure stops the benchmark."""
    started = time.perf_counter()
    finished = subprocess.run(
        command, capture_output=True, text=True, check=False, env=ENVIRONMENT
    )
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {finished.returncode}:\n{finished.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    random.seed(7)
    ocop = ocop_command()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cli.db"
        build(path, args.runs + 2).close()
        url = f"sqlite:///{path}"
        commands = {
            "floor": lambda _run: FLOOR,
            "help": lambda _run: [*ocop, "--help"],
            "show": lambda _run: [*ocop, "--db", url, "product", "show", "1", "--json"],
            # Product 1 is shown; each run (and the warm-up) fires on a product of its own.
            "fire": lambda run: [
                *ocop,
                "--db",
                url,
                "product",
                "fire",
                str(run + 2),
                TRIGGER,
                "--actor",
                ACTOR,
                "--json",
            ],
        }
        # Warm-up: the OS file cache, .pyc files, the cache of checked workflow files.
        # ``run=args.runs`` fires on the last product built, which no timed run uses.
        for command in commands.values():
            timed(command(args.runs))
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            order = list(commands)
            random.shuffle(order)
            for name in order:
                times[name].append(timed(commands[name](run)))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["floor"]
    report = {
        "runs": args.runs,
        "median_ms": {name: round(value * 1e3, 1) for name, value in medians.items()},
        "ratio_to_floor": {
            name: round(value / floor, 2) for name, value in medians.items() if name != "floor"
        },
    }
    targets = {"show <= 1.5 x floor": report["ratio_to_floor"]["show"] <= 1.5}
    print(json.dumps({"results": report, "targets_met": targets}, indent=2))
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
