"""Declarative base, column types and the engine factory."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC instants; always returns timezone-aware UTC datetimes (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use the clock's UTC instants")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONData = JSON().with_variant(JSONB(), "postgresql")


READ_ONLY = "ocop_read_only"
"""Execution option of a unit of work that only reads: SQLite begins it deferred."""


def make_engine(
    url: str, *, lock_timeout: float = 30.0, application: str | None = None, **kwargs: Any
) -> Engine:
    """Create an engine; SQLite files get WAL, a busy timeout and enforced foreign keys.

    ``lock_timeout`` (seconds) bounds how long a writer waits for another writer's lock;
    ``application`` names this process to PostgreSQL, so a waiting writer can name it.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": lock_timeout}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
            # BEGIN IMMEDIATE below takes the write lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed transition (a certificate, a revocation) survives a power
            # cut, not only a crash of the process; WAL's NORMAL would not promise that.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A unit of work that may write takes the lock at BEGIN instead of failing with
            # "database is locked" when a read lock cannot be upgraded mid-transaction.
            # One that only reads begins deferred: under WAL it reads while a writer writes.
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    options = f"-c lock_timeout={int(lock_timeout * 1000)}"
    connect_args: dict[str, Any] = {"options": options}
    if application:
        connect_args["application_name"] = application[:63]
    return create_engine(url, connect_args=connect_args, **kwargs)
