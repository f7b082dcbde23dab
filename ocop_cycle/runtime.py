"""The runtime a service works in: settings, database, workflows and the clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.base import READ_ONLY, make_engine
from ocop_cycle.db.locking import postgres_open_transactions, sqlite_writer
from ocop_cycle.errors import Conflict, InvalidInput
from ocop_cycle.workflow.registry import WorkflowRegistry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


@cache
def workflow_registry(directory: Path | None, cache_dir: Path | None = None) -> WorkflowRegistry:
    """The machine registry, built once per process per workflows folder."""
    return WorkflowRegistry.from_settings(directory, cache_dir)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    # Workflow (name, version)s whose pin this runtime found in its database, matching:
    # pins never change and the registry's files are read once, so one check suffices.
    verified_pins: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def create(
        cls,
        settings: Settings | None = None,
        clock: Clock | None = None,
        application: str | None = None,
        pool_size: int | None = None,
    ) -> Runtime:
        """``application`` names this process to a writer waiting for its lock;
        ``pool_size`` keeps that many connections (the HTTP server matches its threads)."""
        settings = settings or Settings()
        pool = {"pool_size": pool_size, "max_overflow": 0} if pool_size else {}
        engine = make_engine(
            settings.database_url,
            lock_timeout=settings.lock_timeout,
            application=application,
            **pool,
        )
        return cls(settings=settings, engine=engine, clock=clock or Clock())

    # The ORM's session makers are built on first use: a command that only reads rows
    # (``ocop product show``) never imports the ORM, which would cost it a third of its
    # start (bench/cli.py).
    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        # Listeners (deadlines, outbox) read the settings from the session they get.
        return sessionmaker(self.engine, expire_on_commit=False, info=self._session_info)

    @cached_property
    def readers(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(
            self._reading_engine, expire_on_commit=False, info=self._session_info
        )

    @property
    def _session_info(self) -> dict[str, Any]:
        return {"settings": self.settings}

    @cached_property
    def _reading_engine(self) -> Engine:
        return self.engine.execution_options(**{READ_ONLY: True})

    @property
    def workflows(self) -> WorkflowRegistry:
        return workflow_registry(self.settings.workflows_dir, self.settings.cache_dir)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error.

        A concurrent writer's change surfaces as ``Conflict``, never as a lost update.
        """
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self.sessions.begin() as session:
                yield session
        except StaleDataError:
            raise Conflict(
                "someone else changed this product at the same time; nothing was changed. "
                "Reload it and try again",
                vi="Người khác vừa thay đổi sản phẩm này cùng lúc; chưa có gì thay đổi. Hãy tải lại trang rồi "
                "thực hiện lại",
            ) from None
        except IntegrityError as exc:
            if "request_id" in str(exc.orig):
                raise Conflict(
                    "this request id was used by a concurrent request; nothing was changed",
                    vi="Mã yêu cầu này vừa được một yêu cầu khác dùng cùng lúc; chưa có gì thay đổi",
                ) from None
            raise
        except (OperationalError, sqlite3.OperationalError) as exc:
            raise self._lock_timeout(exc) from None
        except (OverflowError, DataError) as exc:
            raise _out_of_range(exc) from None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: it never waits for a writer (SQLite WAL)."""
        with self._read_errors(), self.readers.begin() as session:
            yield session

    @contextmanager
    def reading_rows(self) -> Iterator[Connection]:
        """``reading`` without the ORM: a connection in a read-only transaction, for reads
        of table rows (showing a product)."""
        with self._read_errors(), self._reading_engine.begin() as connection:
            yield connection

    @contextmanager
    def _read_errors(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, sqlite3.OperationalError) as exc:
            raise self._lock_timeout(exc) from None
        except (OverflowError, DataError) as exc:
            raise _out_of_range(exc) from None

    def _lock_timeout(self, exc: OperationalError | sqlite3.OperationalError) -> Exception:
        """A lock wait that ran out becomes a conflict naming the holder; others stay.

        The driver's own error arrives unwrapped when BEGIN IMMEDIATE (an event) waits.
        """
        cause = exc.orig if isinstance(exc, OperationalError) else exc
        message = str(cause)
        if "database is locked" in message:
            database = self.engine.url.database
            holder = sqlite_writer(Path(database)) if database else None
        elif getattr(cause, "sqlstate", None) == "55P03":  # lock_not_available
            with self.engine.connect() as connection:
                holder = postgres_open_transactions(connection)
        else:
            return exc
        return Conflict(
            f"the database stayed locked by another writer for {self.settings.lock_timeout:g} s"
            f" (OCOP_LOCK_TIMEOUT): {holder or 'the holder has already finished'}; nothing "
            "was changed. Try again when it has finished",
            vi=f"Cơ sở dữ liệu đang bận (bị khóa quá {self.settings.lock_timeout:g} giây); chưa có gì "
            "thay đổi. Hãy thử lại sau ít phút",
        )

    def close(self) -> None:
        self.engine.dispose()


MAX_ID = 2**31 - 1


def _out_of_range(exc: OverflowError | DataError) -> Exception:
    """A number too large for the database (an id typed with extra digits) is bad input."""
    if isinstance(exc, DataError) and getattr(exc.orig, "sqlstate", None) != "22003":
        return exc
    return InvalidInput(
        f"a number given is out of range (ids run from 1 to {MAX_ID}); nothing was changed",
        vi=f"Có số nằm ngoài phạm vi cho phép (mã số từ 1 đến {MAX_ID}); chưa có gì thay đổi",
    )
