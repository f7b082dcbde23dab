"""The runtime a service works in: settings, database, workflows and the clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.base import make_engine
from ocop_cycle.errors import Conflict
from ocop_cycle.workflow.registry import WorkflowRegistry


@cache
def workflow_registry(directory: Path | None) -> WorkflowRegistry:
    """The machine registry, built once per process per workflows folder."""
    return WorkflowRegistry.from_settings(directory)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock

    @classmethod
    def create(cls, settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
        settings = settings or Settings()
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            # Listeners (deadlines, outbox) read the settings from the session they get.
            sessions=sessionmaker(engine, expire_on_commit=False, info={"settings": settings}),
            clock=clock or Clock(),
        )

    @property
    def workflows(self) -> WorkflowRegistry:
        return workflow_registry(self.settings.workflows_dir)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error.

        A concurrent writer's change surfaces as ``Conflict``, never as a lost update.
        """
        try:
            with self.sessions.begin() as session:
                yield session
        except StaleDataError:
            raise Conflict(
                "someone else changed this product at the same time; nothing was changed. "
                "Reload it and try again"
            ) from None
        except IntegrityError as exc:
            if "request_id" in str(exc.orig):
                raise Conflict(
                    "this request id was used by a concurrent request; nothing was changed"
                ) from None
            raise

    def close(self) -> None:
        self.engine.dispose()
