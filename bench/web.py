"""Web app benchmark: pages against the API's JSON for the same data, on PostgreSQL.

With N products (default 100,000) spread over Quảng Ngãi's communes and H history rows
each (default 10: 1,000,000 rows), ``ocop serve --workers 2`` answers C concurrent
signed-in clients (default 20) on 127.0.0.1. For three pages, interleaved round by round
with their JSON counterpart so both see the same machine state:

  inbox        GET /viec-can-lam          vs GET /api/v1/products?state=…   (the work listed)
  product page GET /san-pham/{id}         vs GET /api/v1/products/{id} + …/triggers
  search       GET /san-pham?q=…&trang=…  vs GET /api/v1/products?q=…&page=…

Prints p50/p95 per endpoint (milliseconds, as seen by the client on loopback) and the
ratio page p95 / API p95 (target <= 2). Load is bounded: REQUESTS per client per round,
ROUNDS rounds, and a time cap per batch.

The database given is WIPED. Run:
  createdb -h /var/run/postgresql ocop_bench_web
  python bench/web.py --db "postgresql:///ocop_bench_web?host=/var/run/postgresql"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import insert, select, text, update

from ocop_cycle.config import Settings
from ocop_cycle.db.models import AdminUnit, History, Producer, Product, User
from ocop_cycle.identity import accounts
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import units
from ocop_cycle.services.setup import initialise

PASSWORD = "mật khẩu đủ dài 2026"
PROVINCE = "51"
NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
# Where products wait, and the history rows that led there (ocop-148).
STATES = ("idea_registered", "plan_submitted", "dossier_submitted", "province_evaluation")
BATCH = 10_000
PRODUCT = 4  # in province_evaluation: the province officer has actions on it
BATCH_SECONDS = 120.0


def prepare(url: str, products: int, history_per_product: int) -> int:
    """Wipe, seed Quảng Ngãi, and bulk insert products with their history; returns one
    product id the province officer may act on."""
    runtime = Runtime.create(Settings(database_url=url))
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    initialise(runtime, admin="admin1", password=PASSWORD)
    units.load_province(runtime, PROVINCE, "legacy", actor="admin1")
    accounts.add_user(
        runtime, "province1", actor="admin1", role="province_officer", unit_code=PROVINCE
    )
    with runtime.transaction() as session:
        session.execute(
            update(User).values(password_hash=hash_password(PASSWORD), must_change_password=False)
        )
        communes = session.execute(
            select(AdminUnit.code, AdminUnit.parent_code).where(AdminUnit.level == "commune")
        ).all()
        producer = Producer(
            name="HTX Đức Tân",
            type="cooperative",
            commune_code=communes[0][0],
            language="vi",
            created_at=NOW,
        )
        session.add(producer)
        session.flush()
        producer_id = producer.id
    rng = random.Random(11)
    started = time.perf_counter()
    for start in range(0, products, BATCH):
        count = min(BATCH, products - start)
        rows = []
        for i in range(count):
            commune, district = communes[rng.randrange(len(communes))]
            rows.append(
                {
                    "id": start + i + 1,
                    "name": f"Sản phẩm {start + i + 1} {rng.choice(('tỏi', 'quế', 'mật ong', 'nước mắm'))}",
                    "producer_id": producer_id,
                    "commune_code": commune,
                    "district_code": district,
                    "province_code": PROVINCE,
                    "product_group": "food",
                    "workflow": "ocop-148",
                    "workflow_version": 1,
                    "state": STATES[(start + i) % len(STATES)],
                    "version": 1,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        history = [
            {
                "product_id": row["id"],
                "trigger": "approve_idea" if n else "register",
                "from_state": "idea_registered" if n else None,
                "to_state": row["state"],
                "workflow": "ocop-148",
                "workflow_version": 1,
                "actor": "province1",
                "role": "province_officer",
                "at": NOW + timedelta(minutes=n),
                "data": {},
                "comment": "Ý kiến xử lý hồ sơ" if n % 3 == 0 else None,
            }
            for row in rows
            for n in range(history_per_product)
        ]
        with runtime.transaction() as session:
            session.execute(insert(Product), rows)
            session.execute(insert(History), history)
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as connection:
            connection.execute(
                text("SELECT setval('products_id_seq', (SELECT max(id) FROM products))")
            )
            connection.execute(text("ANALYZE"))
    print(
        f"seeded {products:,} products and {products * history_per_product:,} history rows "
        f"in {time.perf_counter() - started:.0f} s"
    )
    runtime.close()
    return PRODUCT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def sign_in_page(client: httpx.AsyncClient) -> None:
    form = await client.get("/dang-nhap")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "no sign-in form"
    answer = await client.post(
        "/dang-nhap",
        data={"username": "province1", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code in (200, 303), answer.status_code


async def sign_in_api(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/auth/token", data={"username": "province1", "password": PASSWORD}
    )
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


Request = Callable[[httpx.AsyncClient, int], Awaitable[None]]


def get(path: Callable[[int], str]) -> Request:
    async def run(client: httpx.AsyncClient, n: int) -> None:
        answer = await client.get(path(n))
        if answer.status_code != 200:
            raise RuntimeError(f"{path(n)} answered {answer.status_code}: {answer.text[:200]}")

    return run


def both(first: Request, second: Request) -> Request:
    async def run(client: httpx.AsyncClient, n: int) -> None:
        await first(client, n)
        await second(client, n)

    return run


async def batch(clients: list[httpx.AsyncClient], request: Request, per_client: int) -> list[float]:
    timings: list[float] = []

    async def one(client: httpx.AsyncClient, offset: int) -> None:
        for n in range(per_client):
            began = time.perf_counter()
            await request(client, offset * per_client + n)
            timings.append((time.perf_counter() - began) * 1000)

    await asyncio.wait_for(
        asyncio.gather(*(one(c, i) for i, c in enumerate(clients))), BATCH_SECONDS
    )
    return timings


async def measure(
    url: str, product: int, products: int, clients: int, rounds: int, per_client: int
) -> None:
    limits = httpx.Limits(max_connections=clients)
    pages = [httpx.AsyncClient(base_url=url, limits=limits, timeout=60) for _ in range(clients)]
    apis = [httpx.AsyncClient(base_url=url, limits=limits, timeout=60) for _ in range(clients)]
    try:
        await asyncio.gather(*(sign_in_page(c) for c in pages))
        await asyncio.gather(*(sign_in_api(c) for c in apis))
        pick = random.Random(5)
        ids = [pick.randrange(1, products + 1) for _ in range(clients * per_client)]
        pairs: dict[str, tuple[Request, Request]] = {
            "inbox": (
                get(lambda n: "/viec-can-lam"),
                get(lambda n: "/api/v1/products?state=province_evaluation&per_page=100"),
            ),
            "product page": (
                get(lambda n: f"/san-pham/{ids[n] if n else product}"),
                both(
                    get(lambda n: f"/api/v1/products/{ids[n] if n else product}"),
                    get(lambda n: f"/api/v1/products/{ids[n] if n else product}/triggers"),
                ),
            ),
            "search": (
                get(lambda n: f"/san-pham?q=t%E1%BB%8Fi&trang={1 + n % 50}"),
                get(lambda n: f"/api/v1/products?q=t%E1%BB%8Fi&page={1 + n % 50}&per_page=20"),
            ),
        }
        times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for page, api in pairs.values():  # warm both paths once
            await batch(pages[:2], page, 2)
            await batch(apis[:2], api, 2)
        for _ in range(rounds):
            for name, (page, api) in pairs.items():
                times[name]["page"] += await batch(pages, page, per_client)
                times[name]["api"] += await batch(apis, api, per_client)
        print(
            f"\n{clients} concurrent signed-in clients, {rounds} rounds x {per_client} "
            "requests each, interleaved (ms as the client sees it on 127.0.0.1)"
        )
        print(
            f"{'':14}{'page p50':>10}{'page p95':>10}{'API p50':>10}{'API p95':>10}{'ratio p95':>11}"
        )
        for name, measured in times.items():
            page_p = quantiles(measured["page"])
            api_p = quantiles(measured["api"])
            print(
                f"{name:14}{page_p[0]:10.1f}{page_p[1]:10.1f}{api_p[0]:10.1f}{api_p[1]:10.1f}"
                f"{page_p[1] / api_p[1]:11.2f}"
            )
    finally:
        for client in pages + apis:
            await client.aclose()


def quantiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100)
    return statistics.median(values), cuts[94]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL (the database is wiped)")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=10, help="history rows per product")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5, help="per client per round")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database a previous run seeded (seeding takes minutes)")
    args = parser.parse_args()
    product = PRODUCT if args.reuse else prepare(args.db, args.products, args.history)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": args.db,
        "OCOP_COOKIE_SECURE": "false",
        "OCOP_PUBLIC_URL": url,
        "OCOP_STORAGE_DIR": tempfile.mkdtemp(),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ocop_cycle",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("ocop serve did not start")
            time.sleep(0.3)
        asyncio.run(measure(url, product, args.products, args.clients, args.rounds, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
