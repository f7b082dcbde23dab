"""Two processes fire conflicting transitions on one product at once: exactly one wins."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.errors import Conflict, TransitionNotAllowed
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import product_in

ROUNDS = 15


def _race(url: str, product_id: int, trigger: str, actor: str, comment: str | None,
          barrier: Any, results: Any) -> None:
    runtime = Runtime.create(Settings(database_url=url), Clock())
    barrier.wait()
    try:
        fire(runtime, product_id, trigger, actor=actor, comment=comment)
        results.put("won")
    except (Conflict, TransitionNotAllowed) as exc:
        results.put(type(exc).__name__)
    finally:
        runtime.close()


@pytest.mark.postgres
def test_conflicting_fires_from_two_processes_let_exactly_one_win(
    runtime: Runtime, world: World, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the cross-process race is run against PostgreSQL")
    context = multiprocessing.get_context("spawn")
    for _ in range(ROUNDS):
        product_id = product_in(runtime, world.producer_id, "idea_registered")
        barrier, results = context.Barrier(2), context.Queue()
        racers = [
            context.Process(target=_race, args=(database_url, product_id, "approve_idea",
                                                "commune1", None, barrier, results)),
            context.Process(target=_race, args=(database_url, product_id, "reject_idea",
                                                "commune1", "Trùng sản phẩm", barrier, results)),
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)
        outcomes = sorted(results.get(timeout=5) for _ in racers)
        assert outcomes.count("won") == 1, outcomes
        view = show_product(runtime, product_id)
        assert len(view["history"]) == 2
        assert view["state"] in ("plan_preparation", "idea_rejected")


def test_stale_version_is_a_conflict_not_a_lost_update(runtime: Runtime, world: World) -> None:
    """Two units of work load the same version; the second to commit is refused."""
    from ocop_cycle.db.models import Product

    product_id = product_in(runtime, world.producer_id, "idea_registered")
    first = runtime.sessions()
    stale = first.get(Product, product_id)
    assert stale is not None
    first.commit()  # end the read; the object keeps version 1 in memory
    fire(runtime, product_id, "approve_idea", actor="commune1")
    with pytest.raises(Conflict, match="at the same time"), runtime.transaction() as session:
        merged = session.merge(stale, load=False)
        merged.state = "idea_rejected"
    first.close()
    assert show_product(runtime, product_id)["state"] == "plan_preparation"
