"""Refusing a database that has no OCOP schema, before anything touches it.

A mistyped ``--db`` or a command run in the wrong folder must not leave an empty SQLite file
behind nor end in a traceback: it exits 2 saying what to do.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from ocop_cycle.errors import InvalidInput

INIT_HINT = "run `ocop init` (with the same --db) to create it"


def require_schema(engine: Engine) -> None:
    """Raise ``InvalidInput`` unless ``engine`` reaches a database set up by ``ocop init``."""
    url = engine.url
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        database = url.database
        if not database or database == ":memory:":
            raise InvalidInput(f"{shown} is an in-memory database with no schema; {INIT_HINT}")
        path = Path(database)
        if not path.parent.is_dir():
            raise InvalidInput(
                f"the folder {path.parent} of database {path} does not exist; check --db"
            )
        if not path.is_file():
            raise InvalidInput(f"there is no database at {path}; {INIT_HINT}")
        _require_sqlite_schema(path, shown)
        return
    try:
        with engine.connect() as connection:
            has_schema = inspect(connection).has_table("alembic_version")
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise InvalidInput(f"cannot open the database {shown}: {reason}; check --db") from None
    if not has_schema:
        raise InvalidInput(f"the database {shown} has no OCOP schema; {INIT_HINT}")


def _require_sqlite_schema(path: Path, shown: str) -> None:
    """Look read-only: opening through the engine would turn an empty file into WAL."""
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise InvalidInput(f"cannot open the database {shown}: {exc}; check --db") from None
    if found is None:
        raise InvalidInput(f"the database {shown} has no OCOP schema; {INIT_HINT}")
