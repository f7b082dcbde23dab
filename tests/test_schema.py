"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ocop_cycle.db import tables  # noqa: F401  (registers every table)
from ocop_cycle.db.base import metadata
from ocop_cycle.db.schema import current_revisions, head_revisions
from ocop_cycle.runtime import Runtime


def test_migrated_database_matches_the_models(runtime: Runtime) -> None:
    with runtime.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_database_is_at_every_migration_head(runtime: Runtime) -> None:
    assert current_revisions(runtime.engine) == head_revisions(runtime.engine)
