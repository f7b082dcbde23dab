"""``ocop backup`` and ``ocop restore``: a consistent copy of a live database, and back.

SQLite is copied with its online backup API (a consistent snapshot while others write);
PostgreSQL with ``pg_dump``'s custom format. A restore goes into an empty database only:
a SQLite backup is copied page by page into a new SQLite file, or row by row into an
empty PostgreSQL database after the migrations made its schema; a ``pg_dump`` file goes
through ``pg_restore``.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, bindparam, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from ocop_cycle.db import models as _models  # noqa: F401  (every table on Base)
from ocop_cycle.db import schema
from ocop_cycle.db.base import make_engine
from ocop_cycle.db.models.base import Base
from ocop_cycle.errors import InvalidInput
from ocop_cycle.runtime import Runtime

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
_ROWS_PER_BATCH = 1000


def backup(runtime: Runtime, out: Path, *, force: bool = False) -> dict[str, Any]:
    """Write a backup of the runtime's database to ``out``."""
    url = runtime.engine.url
    out = out.expanduser()
    if not out.parent.is_dir():
        raise InvalidInput(f"--out: the folder {out.parent} does not exist")
    if out.is_dir():
        raise InvalidInput(f"--out {out} is a folder; give a file name")
    if url.get_backend_name() == "sqlite":
        live = Path(url.database or "").resolve()
        if out.resolve() in (live, Path(f"{live}-wal"), Path(f"{live}-shm")):
            raise InvalidInput(f"--out {out} is the live database itself; give another file")
    if out.exists() and not force:
        raise InvalidInput(f"--out {out} exists; give a new file name, or --force to replace it")
    partial = out.with_name(out.name + ".partial")
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(Path(url.database or ""), partial)
        kind = "sqlite"
    else:
        _pg_dump(url, partial)
        kind = "pg_dump"
    partial.replace(out)
    return {"database": url.render_as_string(hide_password=True), "file": str(out),
            "format": kind, "bytes": out.stat().st_size}


def _sqlite_backup(database: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # A backup is one file: no WAL beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _libpq(url: URL) -> str:
    """The URL as libpq (pg_dump, pg_restore) reads it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidInput(
            f"{name} is not installed; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again"
        )
    return found


def _pg_dump(url: URL, target: Path) -> None:
    completed = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
         "--dbname", _libpq(url)],
        capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        target.unlink(missing_ok=True)
        raise InvalidInput(f"pg_dump failed: {completed.stderr.strip()}")


def restore(source: Path, to: str) -> dict[str, Any]:
    """Restore the backup ``source`` into the empty database at ``to``."""
    if not source.is_file():
        raise InvalidInput(f"no backup file {source}")
    with source.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    target = make_url(_engine_url(to))
    if magic.startswith(PG_DUMP_MAGIC):
        if target.get_backend_name() != "postgresql":
            raise InvalidInput("a pg_dump backup restores into PostgreSQL only; give --to postgresql://…")
        _require_empty(target)
        _pg_restore(source, target)
    elif magic == SQLITE_MAGIC:
        _require_empty(target)
        if target.get_backend_name() == "sqlite":
            _sqlite_restore(source, Path(target.database or ""))
        else:
            _copy_rows(source, target)
    else:
        raise InvalidInput(f"{source.name} is not an ocop backup (neither SQLite nor pg_dump)")
    return {"file": str(source), "database": target.render_as_string(hide_password=True)}


def _engine_url(to: str) -> str:
    if to.startswith("postgresql://"):
        return "postgresql+psycopg://" + to.removeprefix("postgresql://")
    return to


def _require_empty(url: URL) -> None:
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.parent.is_dir():
            raise InvalidInput(f"--to: the folder {path.parent} does not exist")
        if path.exists() and path.stat().st_size > 0:
            raise InvalidInput(f"--to {path} exists; restore into a new, empty database")
        return
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    except Exception as exc:  # the driver's many connection errors
        raise InvalidInput(f"--to: cannot open the database: {exc}") from None
    finally:
        engine.dispose()
    if tables:
        raise InvalidInput(
            f"--to {url.render_as_string(hide_password=True)} already has tables "
            f"({', '.join(sorted(tables)[:5])}…); restore into a new, empty database"
        )


def _sqlite_restore(source: Path, target: Path) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        backup_file.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    finally:
        copy.close()
        backup_file.close()


def _pg_restore(source: Path, url: URL) -> None:
    completed = subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
         "--dbname", _libpq(url), str(source)],
        capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise InvalidInput(f"pg_restore failed: {completed.stderr.strip()}")


def _copy_rows(source: Path, url: URL) -> None:
    """A SQLite backup into PostgreSQL: the migrations make the schema, then every row."""
    reader = make_engine(f"sqlite:///{source}")
    writer = make_engine(url.render_as_string(hide_password=False))
    try:
        schema.upgrade(writer)
        # The models' own types read SQLite's text dates and JSON as PostgreSQL wants them.
        tables = Base.metadata
        with reader.connect() as read, writer.begin() as write:
            for table in tables.sorted_tables:
                # A column pointing into its own table (a certificate superseded by a later
                # one) is filled in a second pass, once every row it may point to exists.
                own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
                keys = [column.name for column in table.primary_key.columns]
                rows = read.execute(select(table)).mappings()
                links: list[dict[str, Any]] = []
                while batch := [dict(row) for row in rows.fetchmany(_ROWS_PER_BATCH)]:
                    for row in batch:
                        if any(row[name] is not None for name in own):
                            links.append({**{f"key_{k}": row[k] for k in keys},
                                          **{name: row[name] for name in own}})
                            row.update(dict.fromkeys(own, None))
                    write.execute(table.insert(), batch)
                if links:
                    write.execute(
                        table.update()
                        .where(*(table.c[k] == bindparam(f"key_{k}") for k in keys))
                        .values({name: bindparam(name) for name in own}),
                        links,
                    )
            _reset_sequences(write, tables)
    finally:
        reader.dispose()
        writer.dispose()


def _reset_sequences(connection: Any, tables: MetaData) -> None:
    """Rows came with their ids; the next id each table hands out follows them."""
    for table in tables.sorted_tables:
        if "id" not in table.c:
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar()
        if sequence is None:
            continue
        highest = connection.execute(select(func.max(table.c.id))).scalar()
        if highest is not None:
            connection.execute(text("SELECT setval(:sequence, :value)"),
                               {"sequence": sequence, "value": highest})

