"""Readers never wait for a writer, and a writer that waits too long is told who holds
the lock (exit 5) instead of getting a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from ocop_cycle.config import Settings
from ocop_cycle.db.locking import sqlite_writer
from ocop_cycle.errors import Conflict
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import product_in
from tests.import_files import write_certificates_csv


def ocop(database: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "ocop_cycle", "--db", database, *args]


def communes(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT code FROM admin_units WHERE level = 'commune'")
        return [code for (code,) in rows]


@pytest.fixture
def sqlite_only(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("the write lock of a whole database file is SQLite's")
    return database_url


def wait_for_writer(database: Path, importer: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        holder = sqlite_writer(database)
        if holder is not None:
            return holder
        assert importer.poll() is None, importer.communicate()
        time.sleep(0.05)
    raise AssertionError("the import never took the write lock")


def test_product_list_answers_while_a_100000_row_import_is_writing(
    sqlite_only: str, world: World, tmp_path: Path
) -> None:
    database = Path(sqlite_only.removeprefix("sqlite:///"))
    source = write_certificates_csv(tmp_path / "tinh.csv", 100_000, communes(database))
    env = {**os.environ, "OCOP_LOCK_TIMEOUT": "1"}
    importer = subprocess.Popen(
        ocop(sqlite_only, "import", "products", str(source), "--actor", "province1", "--json"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        holder = wait_for_writer(database, importer)
        assert f"pid {importer.pid} " in holder and "import products" in holder

        listed = subprocess.run(
            ocop(sqlite_only, "product", "list", "--json"),
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout) == []  # the import has not committed yet
        assert importer.poll() is None, "the import finished before the reader answered"

        writer = subprocess.run(
            ocop(sqlite_only, "producer", "add", "--name", "HTX Phổ Phong", "--type",
                 "cooperative", "--commune", world.commune, "--actor", "admin1", "--json"),
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )
        assert writer.returncode == 5, writer.stderr
        assert "Traceback" not in writer.stderr
        message = json.loads(writer.stderr)["error"]["message"]
        assert "OCOP_LOCK_TIMEOUT" in message and f"pid {importer.pid} " in message
        assert "import products" in message
    finally:
        out, err = importer.communicate(timeout=600)
    assert importer.returncode == 0, err
    assert json.loads(out)["rows"] == 100_000


@pytest.mark.postgres
def test_a_writer_waiting_on_postgresql_past_the_timeout_is_told_who_holds_the_row(
    database_url: str, runtime: Runtime, world: World
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks held by another session: PostgreSQL")
    product_id = product_in(runtime, world.producer_id, "idea_registered")
    holder = psycopg.connect(database_url, application_name="ocop maintenance script")
    try:
        holder.execute("SELECT id FROM products WHERE id = %s FOR UPDATE", (product_id,))
        impatient = Runtime.create(Settings(database_url=database_url, lock_timeout=1))
        try:
            with pytest.raises(Conflict, match="ocop maintenance script, idle in transaction"):
                fire(impatient, product_id, "approve_idea", actor="commune1")
        finally:
            impatient.close()
    finally:
        holder.rollback()
        holder.close()
    assert show_product(runtime, product_id)["state"] == "idea_registered"
