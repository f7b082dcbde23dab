"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ocop_cycle.db import tables
from ocop_cycle.db.schema import current_revisions, head_revisions
from ocop_cycle.runtime import Runtime


def test_migrated_database_matches_the_models(runtime: Runtime) -> None:
    with runtime.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, tables.load_all())
    assert differences == []


def test_database_is_at_every_migration_head(runtime: Runtime) -> None:
    assert current_revisions(runtime.engine) == head_revisions(runtime.engine)


def test_the_tables_package_names_every_table_once() -> None:
    """Tables are registered when first named (db/tables/__init__.py): the package names
    every one, each from its own module, and ``load_all`` registers them all."""
    whole = tables.load_all()
    named = {getattr(tables, name).name for name in tables.__all__}
    assert named == set(whole.tables)
    assert len(named) == len(tables.__all__)


def test_a_name_that_is_no_table_is_refused() -> None:
    with pytest.raises(AttributeError, match="no attribute 'product'"):
        tables.product  # noqa: B018
