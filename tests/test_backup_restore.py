"""``ocop backup`` of the demo database and ``ocop restore`` give back every row of every
table, into SQLite and into PostgreSQL; a backup never overwrites a file by accident."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select, text

from ocop_cycle.cli import main
from ocop_cycle.db import tables
from ocop_cycle.db.base import make_engine
from ocop_cycle.services.demo import run_demo
from tests.conftest import POSTGRES_URL


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "ocop-demo"
    run_demo(directory, Console(file=io.StringIO()))
    return directory / "ocop.db"


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows in primary-key order, read through the models' types."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns))
                ]
                for table in tables.load_all().sorted_tables
            }
    finally:
        engine.dispose()


def ocop(*args: str) -> int:
    return main(list(args))


def test_the_demo_backed_up_and_restored_into_sqlite_is_the_same_row_for_row(
    demo_database: Path, tmp_path: Path
) -> None:
    live = f"sqlite:///{demo_database}"
    backup_file = tmp_path / "ocop-backup.db"
    assert ocop("--db", live, "backup", "--out", str(backup_file)) == 0
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    assert ocop("restore", str(backup_file), "--to", restored) == 0
    original = every_row(live)
    assert sum(len(rows) for rows in original.values()) > 1000
    assert every_row(restored) == original
    # The copy keeps the database's own guarantees: history stays append-only.
    connection = sqlite3.connect(tmp_path / "restored.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM history")
    connection.close()


@pytest.mark.postgres
def test_the_demo_restored_into_postgresql_and_backed_up_again_with_pg_dump(
    demo_database: Path, tmp_path: Path
) -> None:
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL given")
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    names = ("ocop_restore_a", "ocop_restore_b")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        first, second = (
            admin.url.set(database=name).render_as_string(hide_password=False)
            for name in names
        )
        backup_file = tmp_path / "ocop-backup.db"
        assert ocop("--db", f"sqlite:///{demo_database}", "backup", "--out", str(backup_file)) == 0
        assert ocop("restore", str(backup_file), "--to", first) == 0
        original = every_row(f"sqlite:///{demo_database}")
        assert every_row(first) == original
        dump = tmp_path / "ocop.pgdump"
        assert ocop("--db", first, "backup", "--out", str(dump)) == 0
        assert ocop("restore", str(dump), "--to", second) == 0
        assert every_row(second) == original
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_backup_never_overwrites_without_force_and_never_the_live_database(
    demo_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = f"sqlite:///{demo_database}"
    existing = tmp_path / "keep.db"
    existing.write_bytes(b"yesterday's backup")
    assert ocop("--db", live, "backup", "--out", str(existing)) == 2
    assert "--force" in capsys.readouterr().err
    assert existing.read_bytes() == b"yesterday's backup"
    assert ocop("--db", live, "backup", "--out", str(demo_database), "--force") == 2
    assert "live database" in capsys.readouterr().err
    assert ocop("--db", live, "backup", "--out", str(existing), "--force") == 0
    assert existing.read_bytes().startswith(b"SQLite format 3\x00")


def test_restore_refuses_a_database_that_is_not_empty(
    demo_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_file = tmp_path / "b.db"
    assert ocop("--db", f"sqlite:///{demo_database}", "backup", "--out", str(backup_file)) == 0
    before = demo_database.stat().st_mtime_ns
    assert ocop("restore", str(backup_file), "--to", f"sqlite:///{demo_database}") == 2
    assert "new, empty database" in capsys.readouterr().err
    assert demo_database.stat().st_mtime_ns == before


@pytest.mark.postgres
def test_backup_of_postgresql_without_pg_dump_says_what_to_install(
    postgres_ready: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no pg_dump on it
    out = tmp_path / "ocop.pgdump"
    assert ocop("--db", postgres_ready, "backup", "--out", str(out)) == 2
    assert "pg_dump is not installed" in capsys.readouterr().err
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()
