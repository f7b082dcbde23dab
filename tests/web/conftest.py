"""The HTTP API's fixtures: a province with a signed-up person of every role, an app over
the test database (in-process client), and a real ``ocop serve`` on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.identity import accounts
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people
from ocop_cycle.web.app import create_app
from tests.conftest import _reset_postgres, seed

PASSWORD = "mật khẩu đủ dài 2026"
# What an admin sets when adding an account; each user replaces it at the first sign-in.
FIRST_PASSWORD = "mật khẩu tạm thời 2026"
ROLES = {
    # username: (role, unit key or None, producer key or None)
    "commune1": ("commune_officer", "commune", None),
    "commune2": ("commune_officer", "other_commune", None),
    "district1": ("district_officer", "district", None),
    "district2": ("district_officer", "other_district", None),
    "province1": ("province_officer", "province", None),
    "central1": ("central_officer", None, None),
    "producer1": ("producer", None, "producer_id"),
    "producer2": ("producer", None, "other_producer_id"),
    "member1": ("council_member", None, None),
}


@dataclass
class Province:
    """Quảng Ngãi: two producers in Mộ Đức, officers of each level, every one with a password."""

    commune: str = "21427"
    other_commune: str = "21400"
    district: str = "533"
    other_district: str = "522"
    province: str = "51"
    producer_id: int = 0
    other_producer_id: int = 0
    users: list[str] = field(default_factory=list)


def build_province(runtime: Runtime) -> Province:
    p = Province()
    # The test database's seed holds the first admin, admin1, without a password.
    accounts.set_password(runtime, "admin1", actor="admin1", password=PASSWORD)
    p.producer_id = people.add_producer(
        runtime, name="HTX Nông nghiệp Đức Tân", type="cooperative", commune_code=p.commune, actor="admin1",
        email="htx.ductan@example.vn", phone="0255 3845 123", tax_code="4300123456",
    ).id
    p.other_producer_id = people.add_producer(
        runtime, name="Cơ sở Bánh tráng Thắng Lợi", type="household",
        commune_code=p.other_commune, email="banhtrang@example.vn", actor="admin1",
    ).id
    for username, (role, unit, producer) in ROLES.items():
        accounts.add_user(
            runtime, username, actor="admin1", role=role,
            unit_code=getattr(p, unit) if unit else None,
            producer_id=getattr(p, producer) if producer else None,
            password=FIRST_PASSWORD,
        )
        accounts.change_password(runtime, username, current=FIRST_PASSWORD, new=PASSWORD)
    p.users = ["admin1", *ROLES]
    return p


@pytest.fixture(scope="session")
def web_sqlite_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Province]:
    """The seeded template with the province's people added once (argon2 is slow on
    purpose: hashing ten passwords per test would dominate the suite)."""
    path = tmp_path_factory.mktemp("web-template") / "web.db"
    shutil.copy(sqlite_template, path)
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"))
    built = build_province(runtime)
    runtime.close()
    return path, built


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database per test: a copy of the web template, or a reseeded PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "ocop.db"
        shutil.copy(request.getfixturevalue("web_sqlite_template")[0], path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_ready")
    _reset_postgres(url)
    runtime = Runtime.create(Settings(database_url=url))
    seed(runtime)
    runtime.close()
    return url


@pytest.fixture
def web_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, storage_dir=tmp_path / "documents")
    built = Runtime.create(settings, Clock())
    yield built
    built.close()


@pytest.fixture
def province(request: pytest.FixtureRequest, database_url: str, web_runtime: Runtime) -> Province:
    if database_url.startswith("sqlite"):
        template: Province = request.getfixturevalue("web_sqlite_template")[1]
        return dataclasses.replace(template, users=list(template.users))
    return build_province(web_runtime)


@pytest.fixture
def client(web_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(web_runtime), base_url="http://127.0.0.1") as test_client:
        yield test_client


def bearer(client: TestClient | httpx.Client, username: str) -> dict[str, str]:
    """Sign in with the password flow; the header that carries the token."""
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}



def register_on_148(
    client: TestClient | httpx.Client, province: Province, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Tỏi Lý Sơn registered under Decision 148 by ``headers``' caller (commune1 unless
    given): the product as the API answers it."""
    response = client.post(
        "/api/v1/products",
        json={"name": "Tỏi Lý Sơn", "producer_id": province.producer_id, "group": "food",
              "workflow": "ocop-148"},
        headers=headers or bearer(client, "commune1"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def start_server(
    database_url: str, storage: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Server:
    """``ocop serve`` as its own process on a free port of 127.0.0.1, once it answers."""
    port = free_port()
    environment = {
        **os.environ,
        "OCOP_STORAGE_DIR": str(storage),
        "OCOP_COOKIE_SECURE": "false",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ocop_cycle", "--db", database_url, "serve",
         "--port", str(port), "--workers", str(workers)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ocop serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return Server(url, process)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("ocop serve did not become ready in 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def server(database_url: str, province: Province, tmp_path: Path) -> Iterator[Server]:
    started = start_server(database_url, tmp_path / "documents")
    yield started
    stop_server(started)
