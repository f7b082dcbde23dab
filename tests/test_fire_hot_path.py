"""The fast path of a fired trigger keeps every guarantee (issue 12 §4).

The product's state change is written by one version-checked UPDATE instead of the ORM's
flush, and the product's view reads its surroundings in one statement: these tests pin
what must not change with that — one write of the product, the optimistic lock, one
transaction, history, deadlines, and a view that says the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from ocop_cycle.db.constants import sql_constant
from ocop_cycle.db.models import AdminUnit, History, Producer, Product, ScheduleItem
from ocop_cycle.errors import Conflict, NotFound
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.services.views import show_product
from ocop_cycle.workflow import engine
from tests.conftest import World


def register(runtime: Runtime, world: World) -> int:
    view = products.register_product(
        runtime, name="Mật ong Đức Tân", producer_id=world.producer_id, group="food",
        actor="commune1", workflow="ocop-148",
    )
    return int(view["id"])


@contextmanager
def statements(runtime: Runtime) -> Iterator[list[str]]:
    """Every SQL statement the runtime's engine runs inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)


def stored(runtime: Runtime, product_id: int) -> tuple[str, int, int]:
    with runtime.transaction() as session:
        product = session.get(Product, product_id)
        assert product is not None
        history = session.scalar(
            select(func.count()).select_from(History).where(History.product_id == product_id)
        )
        return product.state, product.version, int(history or 0)


def test_approving_an_idea_writes_the_product_once_raising_its_version(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world)
    state, version, history = stored(runtime, product_id)
    assert state == "idea_registered"
    with statements(runtime) as seen:
        view = products.fire(runtime, product_id, "approve_idea", actor="commune1")
    writes = [s for s in seen if s.upper().startswith("UPDATE PRODUCTS")]
    assert len(writes) == 1
    assert "WHERE products.id = " in writes[0] and "AND products.version = " in writes[0]
    assert stored(runtime, product_id) == ("plan_preparation", version + 1, history + 1)
    assert view["state"] == "plan_preparation" and view["version"] == version + 1
    assert [row["trigger"] for row in view["history"]] == ["register", "approve_idea"]


def test_a_change_made_after_the_product_was_read_is_a_conflict_and_changes_nothing(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world)
    before = stored(runtime, product_id)
    with (
        pytest.raises(Conflict, match="someone else changed this product"),
        runtime.transaction() as session,
    ):
        product = get_product(session, product_id)
        # Another writer's committed change, as the row would hold it after them.
        session.connection().execute(
            text("UPDATE products SET version = version + 1 WHERE id = :id"),
            {"id": product_id},
        )
        engine.fire(
            session, runtime.workflows.get(product.workflow, product.workflow_version),
            product, get_user(session, "commune1"), "approve_idea", now=runtime.clock.now(),
        )
    assert stored(runtime, product_id) == before


def test_leaving_a_state_closes_its_deadlines_in_the_same_transaction(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world)
    open_before = show_product(runtime, product_id)["open_deadlines"]
    assert open_before, "registration opens the commune's deadline to decide on the idea"
    products.fire(runtime, product_id, "approve_idea", actor="commune1")
    with runtime.transaction() as session:
        statuses = dict(
            session.execute(
                select(ScheduleItem.id, ScheduleItem.status).where(
                    ScheduleItem.id.in_([item["id"] for item in open_before])
                )
            ).all()
        )
    assert set(statuses.values()) <= {"closed", "cancelled"}


def test_the_view_names_the_producer_and_the_units_as_stored(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world)
    view = products.fire(runtime, product_id, "approve_idea", actor="commune1")
    with runtime.transaction() as session:
        names = dict(session.execute(select(AdminUnit.code, AdminUnit.name)).all())
        producer = session.get(Producer, world.producer_id)
        assert producer is not None
        assert view["producer"] == {"id": producer.id, "name": producer.name, "type": producer.type}
    for level, code in (("commune", world.commune), ("district", world.district),
                        ("province", world.province)):
        assert view[level] == {"code": code, "name": names[code]}
    assert view["certificate"] is None


def test_the_actor_and_the_product_are_loaded_in_one_statement(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world)
    with statements(runtime) as seen:
        products.fire(runtime, product_id, "approve_idea", actor="commune1")
    lookups = [s for s in seen if s.startswith("SELECT") and "FROM users" in s]
    assert len(lookups) == 1 and "products" in lookups[0].split(" WHERE ")[0]


@pytest.mark.parametrize(
    ("actor", "product_offset", "refusal"),
    [
        ("nobody", 0, "no user 'nobody'"),
        ("commune1", 999, "no product with id"),
        ("nobody", 999, "no user 'nobody'"),
    ],
)
def test_a_missing_actor_or_product_is_named_as_before_and_nothing_changes(
    runtime: Runtime, world: World, actor: str, product_offset: int, refusal: str
) -> None:
    product_id = register(runtime, world)
    before = stored(runtime, product_id)
    with pytest.raises(NotFound, match=refusal):
        products.fire(runtime, product_id + product_offset, "approve_idea", actor=actor)
    assert stored(runtime, product_id) == before


def test_the_statements_on_schedule_rows_bind_only_the_product_and_the_time(
    runtime: Runtime, world: World
) -> None:
    """Kinds and statuses are written into the SQL: SQLite plans a statement whose OR of
    ANDs binds them again at every execution (db/constants.py)."""
    product_id = register(runtime, world)
    bound: list[tuple[str, list[Any]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM schedule_items" in statement or statement.startswith("UPDATE schedule_items"):
            # Positional (SQLite) or named (PostgreSQL): the values bound.
            values = parameters.values() if isinstance(parameters, dict) else parameters
            bound.append((statement, list(values)))

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        view = products.fire(runtime, product_id, "approve_idea", actor="commune1")
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
    leaving = [params for sql, params in bound if sql.startswith("UPDATE schedule_items")]
    listing = [params for sql, params in bound if "schedule_items.rule" in sql]
    assert len(leaving) == 1 and len(leaving[0]) == 2  # the time left, the product
    assert listing == [[product_id]]
    assert all(item["kind"] == "deadline" for item in view["open_deadlines"])


@pytest.mark.parametrize("word", ["open", "the product left the state"])
def test_a_vocabulary_word_is_written_into_the_sql(word: str) -> None:
    assert str(sql_constant(word)) == f"'{word}'"


@pytest.mark.parametrize("text_given", ["open'; DROP TABLE history; --", "Open", "", "a\x00b"])
def test_anything_but_a_vocabulary_word_is_never_written_into_the_sql(text_given: str) -> None:
    with pytest.raises(ValueError, match="not a vocabulary word"):
        sql_constant(text_given)
