"""The same request id fired at once by several processes: the first to commit wins, and
every caller gets that result (exit 0), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import multiprocessing
from typing import Any

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.errors import OcopError
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import product_in

CALLERS = 4
ROUNDS = 3


def _send(url: str, product_id: int, request_id: str, barrier: Any, results: Any) -> None:
    runtime = Runtime.create(Settings(database_url=url), Clock())
    barrier.wait()
    try:
        view = fire(runtime, product_id, "approve_idea", actor="commune1", request_id=request_id)
        results.put(("ok", view["state"], len(view["history"])))
    except OcopError as exc:
        results.put((type(exc).__name__, exc.message, 0))
    finally:
        runtime.close()


def test_one_request_sent_four_times_at_once_is_carried_out_once_and_answered_four_times(
    runtime: Runtime, world: World, database_url: str
) -> None:
    context = multiprocessing.get_context("spawn")
    for round_number in range(ROUNDS):
        product_id = product_in(runtime, world.producer_id, "idea_registered")
        barrier, results = context.Barrier(CALLERS), context.Queue()
        request_id = f"approve-{product_id}-{round_number}"
        callers = [
            context.Process(target=_send, args=(database_url, product_id, request_id, barrier,
                                                results))
            for _ in range(CALLERS)
        ]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(120)
        answers = [results.get(timeout=10) for _ in callers]
        assert answers == [("ok", "plan_preparation", 2)] * CALLERS, answers
        history = show_product(runtime, product_id)["history"]
        assert len(history) == 2 and history[-1]["trigger"] == "approve_idea"
