"""Alembic environment: runs on the connection ``ocop_cycle.db.schema`` hands it."""

from __future__ import annotations

from alembic import context

from ocop_cycle.db import tables

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=tables.load_all(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
