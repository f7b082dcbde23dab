"""Random triggers by random actors: the engine's invariants hold after every step."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ocop_cycle.db.models import History, Product
from ocop_cycle.errors import OcopError
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from tests.conftest import World
from tests.flows import register
from tests.test_workflow_148 import snapshot

ACTORS = ["commune1", "commune2", "district1", "district2", "province1", "central1",
          "producer1", "producer2", "admin1", "system"]
TRIGGERS = ["approve_idea", "return_idea", "resubmit_idea", "reject_idea", "submit_plan",
            "return_plan", "approve_plan", "submit_dossier", "return_dossier",
            "resubmit_dossier", "accept_dossier", "close_evaluation", "issue_certificate",
            "open_renewal", "submit_renewal", "request_upgrade", "expire", "revoke",
            "withdraw", "no_such_trigger"]
DATA = st.one_of(
    st.just({}),
    st.builds(lambda s: {"score": s}, st.sampled_from(
        ["0", "29.99", "49.99", "50", "69.99", "70", "89.99", "90", "100", "101", "x"])),
    st.just({"decision_number": "12/QĐ-UBND", "decision_date": "2024-05-02"}),
    st.just({"reason": "Ngừng sản xuất", "decision_number": "3/QĐ-UBND"}),
)
STEPS = st.lists(
    st.tuples(st.sampled_from(TRIGGERS), st.sampled_from(ACTORS), DATA,
              st.sampled_from([None, "Ghi chú"])),
    min_size=1, max_size=40,
)


def replayed_state(runtime: Runtime, product_id: int) -> tuple[str | None, str]:
    """Follow the history from registration; return (replayed state, stored state)."""
    with runtime.transaction() as session:
        rows = session.scalars(
            select(History).where(History.product_id == product_id).order_by(History.id)
        ).all()
        state: str | None = None
        for row in rows:
            assert row.from_state == state, f"history broken at {row.trigger}"
            state = row.to_state
        stored = session.get(Product, product_id)
        assert stored is not None
        return state, stored.state


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_random_actions_keep_state_history_and_refusals_consistent(
    runtime: Runtime, world: World, steps: list[tuple[str, str, dict[str, Any], str | None]]
) -> None:
    states = set(runtime.workflows.get("ocop-148").definition.states)
    product_id = register(runtime, world.producer_id)
    for trigger, actor, data, comment in steps:
        before = snapshot(runtime)
        try:
            fire(runtime, product_id, trigger, actor=actor, data=data, comment=comment)
        except OcopError:
            assert snapshot(runtime) == before, f"refused {trigger} by {actor} changed data"
        replayed, stored = replayed_state(runtime, product_id)
        assert stored in states
        assert replayed == stored
