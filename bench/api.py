"""HTTP API benchmark: ``ocop serve --workers 2`` on PostgreSQL under concurrent clients.

Mixed load: each simulated client repeats register a product (commune officer), read it,
approve the idea (a transition, with If-Match), read it again, list products. Load is an
httpx asyncio generator on 127.0.0.1 only, bounded by a request count and a time cap.
Prints, for 10 and 50 clients: requests/s, p50/p95/p99 per endpoint, errors by status.
Then transitions only, in interleaved rounds: the clients fire ``approve_idea`` on fresh
products over HTTP, and the same number of fresh products are advanced by calling
``services.products.fire`` in-process; the ratio of the two rates (target >= 0.5).

The database given is WIPED. Run:
  createdb -h /var/run/postgresql ocop_bench_api
  python bench/api.py --db "postgresql:///ocop_bench_api?host=/var/run/postgresql"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import text

from ocop_cycle.config import Settings
from ocop_cycle.identity import accounts
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people, products, units
from ocop_cycle.services.setup import initialise

PASSWORD = "mật khẩu đủ dài 2026"
COMMUNE = "21427"
MAX_SECONDS_PER_ROUND = 60.0


def prepare(url: str) -> int:
    """A fresh schema with Quảng Ngãi, one producer and one commune officer per client."""
    runtime = Runtime.create(Settings(database_url=url))
    with runtime.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    initialise(runtime, admin="admin1", password=PASSWORD)
    units.load_province(runtime, "51", "legacy", actor="admin1")
    producer = people.add_producer(
        runtime, name="HTX Nông nghiệp Đức Tân", type="cooperative", commune_code=COMMUNE,
        actor="admin1",
    ).id
    accounts.add_user(runtime, "commune1", actor="admin1", role="commune_officer",
                      unit_code=COMMUNE, password="mật khẩu tạm thời 2026")
    accounts.change_password(runtime, "commune1", current="mật khẩu tạm thời 2026",
                             new=PASSWORD)
    # The first product pins the workflow's content hash; done once before the load.
    products.register_product(runtime, name="Tỏi Lý Sơn", producer_id=producer, group="food",
                              actor="commune1", workflow="ocop-148")
    runtime.close()
    return producer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    url: str, workers: int, storage: Path, log: IO[bytes]
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "OCOP_STORAGE_DIR": str(storage)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ocop_cycle", "--db", url, "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("ocop serve did not start")


class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()

    def add(self, name: str, seconds: float, status: int) -> None:
        self.latency[name].append(seconds)
        self.statuses[(name, status)] += 1


async def client_loop(
    http: httpx.AsyncClient, token: str, producer: int, cycles: int, deadline: float,
    recorder: Recorder,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    async def timed(name: str, method: str, url: str, **kwargs: object) -> httpx.Response | None:
        began = time.perf_counter()
        extra: dict[str, str] = kwargs.pop("extra", {})  # type: ignore[assignment]
        try:
            response = await http.request(method, url, headers={**headers, **extra},
                                          **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError:
            recorder.add(name, time.perf_counter() - began, 0)  # 0: connection failed
            return None
        recorder.add(name, time.perf_counter() - began, response.status_code)
        return response

    for _ in range(cycles):
        if time.monotonic() > deadline:
            return
        created = await timed("POST /products", "POST", "/api/v1/products", json={
            "name": "Tỏi Lý Sơn", "producer_id": producer, "group": "food",
            "workflow": "ocop-148"})
        if created is None or created.status_code != 201:
            continue
        product = created.json()["id"]
        page = await timed("GET /products/{id}", "GET", f"/api/v1/products/{product}")
        if page is None or page.status_code != 200:
            continue
        await timed("POST /transitions", "POST", f"/api/v1/products/{product}/transitions",
                    json={"trigger": "approve_idea"}, extra={"If-Match": page.headers["ETag"]})
        await timed("GET /products/{id}", "GET", f"/api/v1/products/{product}")
        await timed("GET /products", "GET", "/api/v1/products", params={"per_page": 20})


async def sign_in(http: httpx.AsyncClient, clients: int) -> list[str]:
    """One session per client, as separate people (or browser tabs) would have."""
    tokens = []
    for _ in range(clients):
        signed = await http.post("/api/v1/auth/token",
                                 data={"username": "commune1", "password": PASSWORD})
        tokens.append(signed.json()["access_token"])
    return tokens


async def http_round(base: str, clients: int, cycles: int, producer: int) -> tuple[Recorder, float]:
    recorder = Recorder()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        tokens = await sign_in(http, clients)
        deadline = time.monotonic() + MAX_SECONDS_PER_ROUND
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(http, token, producer, cycles, deadline, recorder)
                               for token in tokens))
        return recorder, time.perf_counter() - began


def fresh_products(url: str, count: int, producer: int) -> list[int]:
    """Products waiting for ``approve_idea``, registered in-process (not timed)."""
    runtime = Runtime.create(Settings(database_url=url))
    ids = [int(products.register_product(runtime, name="Tỏi Lý Sơn", producer_id=producer,
                                         group="food", actor="commune1",
                                         workflow="ocop-148")["id"]) for _ in range(count)]
    runtime.close()
    return ids


async def http_transitions(base: str, clients: int, ids: list[int]) -> float:
    """Transitions per second over HTTP: ``clients`` concurrent callers share ``ids``."""
    queue = list(ids)
    failures: Counter[int] = Counter()
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 limits=httpx.Limits(max_connections=clients)) as http:
        tokens = await sign_in(http, clients)
        deadline = time.monotonic() + MAX_SECONDS_PER_ROUND

        async def caller(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            while queue and time.monotonic() < deadline:
                product = queue.pop()
                response = await http.post(f"/api/v1/products/{product}/transitions",
                                           json={"trigger": "approve_idea"}, headers=headers)
                if response.status_code != 200:
                    failures[response.status_code] += 1

        began = time.perf_counter()
        await asyncio.gather(*(caller(token) for token in tokens))
        elapsed = time.perf_counter() - began
    done = len(ids) - len(queue) - sum(failures.values())
    if failures:
        print(f"  transition failures: {dict(failures)}")
    return done / elapsed


def in_process_round(url: str, count: int, producer: int) -> float:
    """Transitions per second calling ``services.products.fire`` directly, one at a time."""
    ids = fresh_products(url, count, producer)
    runtime = Runtime.create(Settings(database_url=url))
    began = time.perf_counter()
    for product in ids:
        products.fire(runtime, product, "approve_idea", actor="commune1")
    elapsed = time.perf_counter() - began
    runtime.close()
    return count / elapsed


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(clients: int, recorder: Recorder, elapsed: float) -> None:
    total = sum(len(v) for v in recorder.latency.values())
    print(f"\n{clients} clients: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
    print(f"  {'endpoint':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, values in sorted(recorder.latency.items()):
        ms = [v * 1000 for v in values]
        print(f"  {name:<22}{len(ms):>6}{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}"
              f"{percentile(ms, 99):>9.1f}")
    errors = {f"{n} {s}": c for (n, s), c in recorder.statuses.items() if s >= 400}
    print(f"  errors: {errors or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=os.environ.get("OCOP_BENCH_POSTGRES_URL"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cycles", type=int, default=20, help="Cycles per client per round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--transitions", type=int, default=150,
                        help="Products advanced per transitions-only round.")
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        raise SystemExit("give a PostgreSQL database to wipe: --db postgresql:///NAME?host=…")
    producer = prepare(args.db)
    with tempfile.TemporaryDirectory() as storage:
        log = (Path(storage) / "serve.log").open("wb")
        process, base = start(args.db, args.workers, Path(storage), log)
        try:
            print(f"ocop serve --workers {args.workers} on PostgreSQL at {base}")
            for clients in (10, 50):
                recorder, elapsed = asyncio.run(
                    http_round(base, clients, args.cycles, producer))
                report(clients, recorder, elapsed)
                http_rates, local_rates = [], []
                for _ in range(args.rounds):  # interleaved: HTTP, then in-process, again
                    ids = fresh_products(args.db, args.transitions, producer)
                    http_rates.append(asyncio.run(http_transitions(base, clients, ids)))
                    local_rates.append(in_process_round(args.db, args.transitions, producer))
                http_rate = statistics.median(http_rates)
                local_rate = statistics.median(local_rates)
                print(f"  transitions only ({args.rounds} rounds, median): HTTP {http_rate:.0f}/s"
                      f" with {clients} clients, in-process {local_rate:.0f}/s one at a time; "
                      f"ratio {http_rate / local_rate:.2f} (target >= 0.5)")
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
            errors = (Path(storage) / "serve.log").read_text(errors="replace").strip()
            if errors:
                print("\nserver log (first 3000 characters):\n" + errors[:3000])


if __name__ == "__main__":
    main()
