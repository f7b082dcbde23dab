"""History is append-only in the database itself: the migrations install triggers that
refuse UPDATE and DELETE on SQLite and PostgreSQL, whatever client sends them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.flows import TO_148, product_in


def history_rows(runtime: Runtime) -> list[tuple[object, ...]]:
    with runtime.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT * FROM history ORDER BY id"))]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE history SET actor = 'someone_else'",
        "UPDATE history SET to_state = 'certified' WHERE id = 1",
        "DELETE FROM history",
        "DELETE FROM history WHERE id = 1",
    ],
)
def test_a_history_row_can_never_be_changed_nor_deleted(
    runtime: Runtime, world: World, statement: str
) -> None:
    product_in(runtime, world.producer_id, "plan_submitted")
    before = history_rows(runtime)
    assert len(before) == 1 + len(TO_148["plan_submitted"])
    with pytest.raises(DBAPIError, match="history is append-only"), runtime.engine.begin() as db:
        db.execute(text(statement))
    assert history_rows(runtime) == before


def test_new_history_rows_are_still_appended(runtime: Runtime, world: World) -> None:
    product_in(runtime, world.producer_id, "idea_registered")
    product_in(runtime, world.producer_id, "plan_preparation")
    assert len(history_rows(runtime)) == 3
