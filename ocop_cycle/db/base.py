"""The schema's Core side: the metadata every table is on, column types and the engine factory.

Nothing here imports ``sqlalchemy.orm``: a command that only reads goes through the
tables (``ocop_cycle.db.tables``) and never pays for the ORM. The declarative base the
models map with is ``ocop_cycle.db.models.base.Base``, on this same ``metadata``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, Index, MetaData, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

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


# PostgreSQL's own types and options are named here without importing its dialect: the
# whole package loads with it (asyncpg's driver, asyncio), a tenth of a command's start
# on SQLite, where none of it is used. tests/test_cli_startup.py checks it stays out.


class _JSONOrJSONB(TypeDecorator[Any]):
    """JSON; JSONB (binary, indexable) on PostgreSQL."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JSONData = _JSONOrJSONB()

_POSTGRES_WHERE = "postgresql_where"


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of only the rows matching ``where`` (SQL), on SQLite and PostgreSQL alike.

    The migrations say the same with ``sqlite_where``/``postgresql_where``; here
    PostgreSQL's condition is kept in ``info`` and added by ``_create_partial_index``,
    because giving ``postgresql_where`` loads that dialect to check the keyword.
    """
    return Index(name, *columns, sqlite_where=text(where), info={_POSTGRES_WHERE: where})


@compiles(CreateIndex, "postgresql")
def _create_partial_index(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    sql: str = compiler.visit_create_index(create, **kw)
    where = create.element.info.get(_POSTGRES_WHERE)
    return f"{sql} WHERE {where}" if where else sql


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
