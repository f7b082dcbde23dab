"""Fixtures: a real database per test (SQLite always, PostgreSQL when one is given), a
province with officers at every level, and the CLI run in-process."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ocop_cycle.cli import main
from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db import schema, tables
from ocop_cycle.db.base import make_engine
from ocop_cycle.identity.accounts import add_user, create_first_admin
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people, units
from ocop_cycle.services.setup import initialise

POSTGRES_URL = os.environ.get("OCOP_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "no PostgreSQL given: set OCOP_TEST_POSTGRES_URL=postgresql://… to run these tests "
    "(.ci/run starts a server and sets it)"
)
START = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return "PostgreSQL tests: against OCOP_TEST_POSTGRES_URL"
    return f"PostgreSQL tests: skipped, {NO_POSTGRES}"


ADMIN = "admin1"


def seed(runtime: Runtime) -> None:
    """What every test database holds: the schema, the system user, the first admin
    (``admin1``, no password), Quảng Ngãi's units. It is a sandbox: tests act at the
    dates they choose with ``--as-of``."""
    initialise(runtime, sandbox=True)
    create_first_admin(runtime, ADMIN, password=None)
    units.load_province(runtime, "51", "legacy", actor=ADMIN)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"))
    seed(runtime)
    runtime.close()
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    engine = make_engine(POSTGRES_URL)
    schema.upgrade(engine)
    engine.dispose()
    return POSTGRES_URL


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in tables.load_all().sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, seeded database: a copy of the SQLite template, or a truncated PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "ocop.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_ready")
    _reset_postgres(url)
    runtime = Runtime.create(Settings(database_url=url))
    seed(runtime)
    runtime.close()
    return url


@pytest.fixture(autouse=True)
def _files_to_the_test_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mail written by the file backend and uploaded documents land in the test's folder,
    never the checkout."""
    monkeypatch.setenv("OCOP_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("OCOP_STORAGE_DIR", str(tmp_path / "documents"))


@pytest.fixture
def clock() -> Clock:
    return Clock(fixed=START)


@pytest.fixture
def runtime(database_url: str, clock: Clock) -> Iterator[Runtime]:
    built = Runtime.create(Settings(database_url=database_url), clock)
    yield built
    built.close()


@dataclass
class World:
    """Quảng Ngãi with officers of each level and one producer in Xã Đức Tân (Mộ Đức)."""

    commune: str = "21427"  # Xã Đức Tân, Huyện Mộ Đức
    other_commune: str = "21400"  # Thị trấn Mộ Đức, same district
    district: str = "533"  # Huyện Mộ Đức
    other_district: str = "522"  # Thành phố Quảng Ngãi
    other_district_commune: str = "21010"  # Phường Lê Hồng Phong, TP Quảng Ngãi
    province: str = "51"
    producer_id: int = 0
    other_producer_id: int = 0


@pytest.fixture
def world(runtime: Runtime) -> World:
    return _people(runtime, World())


@pytest.fixture
def world_2025(runtime: Runtime) -> World:
    """The same people in Quảng Ngãi's 2025 units (from 2025-07-01: no districts), where
    1489 and 26/2026 products are registered; the district officers keep their old
    districts, in which such products have none."""
    units.load_province(runtime, "51", "2025", actor=ADMIN)
    return _people(runtime, World(commune="21028", other_commune="21025"))  # Nghĩa Lộ, Cẩm Thành


def _people(runtime: Runtime, w: World) -> World:
    w.producer_id = people.add_producer(
        runtime, actor=ADMIN, name="HTX Nông nghiệp Đức Tân", type="cooperative", commune_code=w.commune,
        email="htx.ductan@example.vn", phone="0255 3845 123", tax_code="4300123456",
    ).id
    w.other_producer_id = people.add_producer(
        runtime, actor=ADMIN, name="Cơ sở Bánh tráng Thắng Lợi", type="household",
        commune_code=w.other_commune, email="banhtrang@example.vn",
    ).id
    add = partial(add_user, actor=ADMIN)
    add(runtime, "commune1", role="commune_officer", unit_code=w.commune, email="xa@example.vn")
    add(runtime, "commune2", role="commune_officer", unit_code=w.other_commune)
    add(runtime, "district1", role="district_officer", unit_code=w.district, email="huyen@example.vn")
    add(runtime, "district2", role="district_officer", unit_code=w.other_district)
    add(runtime, "province1", role="province_officer", unit_code=w.province, email="tinh@example.vn")
    add(runtime, "central1", role="central_officer", email="tw@example.vn")
    add(runtime, "producer1", role="producer", producer_id=w.producer_id)
    add(runtime, "producer2", role="producer", producer_id=w.other_producer_id)
    return w


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def error(self) -> dict[str, str]:
        return json.loads(self.stderr)["error"]  # type: ignore[no-any-return]


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``ocop`` in-process against the test database; ``as_of`` sets the clock."""

    def run(*args: str, as_of: str | None = "2024-03-01") -> CliResult:
        capsys.readouterr()
        prefix = ["--db", database_url] + (["--as-of", as_of] if as_of else [])
        code = main([*prefix, *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
