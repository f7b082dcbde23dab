"""Who may act where: roles from the definition, jurisdiction from the product (148)."""

from __future__ import annotations

import pytest

from ocop_cycle.errors import NotFound, PermissionDenied
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire, register_product
from ocop_cycle.services.views import show_product
from tests.conftest import ADMIN, World
from tests.flows import DECISION, decide, product_in
from tests.test_workflow_148 import snapshot

# (state the product is in, trigger, data): one representative action per level.
ACTIONS = {
    "commune": ("idea_registered", "approve_idea", {}),
    "district": ("dossier_submitted", "accept_dossier", {}),
    "province": ("province_evaluation", "close_evaluation", {"score": "80", "minutes": "01/BB-HĐ"}),
    "central": ("central_evaluation", "close_evaluation", {"score": "95", "minutes": "01/BB-HĐ"}),
    "producer": ("plan_preparation", "submit_plan", {}),
}
# Who may do each, and who may not, with the reason the refusal must give.
ALLOWED = {
    "commune": ["commune1"],
    "district": ["district1"],
    "province": ["province1"],
    "central": ["central1"],
    "producer": ["producer1", "commune1"],
}
REFUSED = {
    "commune": [("commune2", "serves unit 21400"), ("producer1", "may not fire"),
                ("district1", "may not fire"), ("admin1", "may not fire"),
                ("system", "only the scheduler acts as system")],
    "district": [("district2", "serves unit 522"), ("commune1", "may not fire"),
                 ("province1", "may not fire")],
    "province": [("district1", "may not fire"), ("central1", "may not fire")],
    "central": [("province1", "may not fire")],
    "producer": [("producer2", "own products"), ("commune2", "serves unit 21400"),
                 ("district1", "may not fire")],
}


@pytest.mark.parametrize(("level", "actor", "reason"),
                         [(lvl, a, r) for lvl, refused in REFUSED.items() for a, r in refused])
def test_actors_outside_role_or_jurisdiction_are_refused_and_nothing_changes(
    runtime: Runtime, world: World, level: str, actor: str, reason: str
) -> None:
    state, trigger, data = ACTIONS[level]
    product_id = product_in(runtime, world.producer_id, state)
    before = snapshot(runtime)
    with pytest.raises(PermissionDenied, match=reason):
        fire(runtime, product_id, trigger, actor=actor, data=data)
    assert snapshot(runtime) == before


@pytest.mark.parametrize(("level", "actor"),
                         [(lvl, a) for lvl, allowed in ALLOWED.items() for a in allowed])
def test_actors_in_role_and_jurisdiction_may_act(
    runtime: Runtime, world: World, level: str, actor: str
) -> None:
    state, trigger, data = ACTIONS[level]
    product_id = product_in(runtime, world.producer_id, state)
    view = fire(runtime, product_id, trigger, actor=actor, data=data)
    assert view["history"][-1]["actor"] == actor


def test_province_officer_of_another_province_is_refused(runtime: Runtime, world: World) -> None:
    from ocop_cycle.services import units

    units.load_province(runtime, "49", "legacy", actor=ADMIN)  # Quảng Nam
    add_user(runtime, "province49", actor=ADMIN, role="province_officer", unit_code="49")
    product_id = product_in(runtime, world.producer_id, "province_evaluation")
    with pytest.raises(PermissionDenied, match="province 51"):
        fire(runtime, product_id, "close_evaluation", actor="province49", data={"score": "80", "minutes": "01/BB-HĐ"})


def test_only_commune_officers_of_the_producers_commune_register(runtime: Runtime, world: World) -> None:
    for actor in ("commune2", "district1", "producer1", "admin1"):
        with pytest.raises(PermissionDenied):
            register_product(runtime, name="Mắm", producer_id=world.producer_id, group="food",
                             actor=actor)


def test_people_cannot_fire_timer_triggers(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    for actor in ("district1", "province1", "admin1"):
        with pytest.raises(PermissionDenied, match="scheduler only"):
            fire(runtime, product_id, "open_renewal", actor=actor)


def test_deactivated_officer_is_refused(runtime: Runtime, world: World) -> None:
    from sqlalchemy import update

    from ocop_cycle.db.models import User

    product_id = product_in(runtime, world.producer_id, "idea_registered")
    with runtime.transaction() as session:
        session.execute(update(User).where(User.username == "commune1").values(active=False))
    with pytest.raises(PermissionDenied, match="deactivated"):
        fire(runtime, product_id, "approve_idea", actor="commune1")


def test_revocation_belongs_to_the_certifying_level_or_above(runtime: Runtime, world: World) -> None:
    from ocop_cycle.errors import GuardFailed

    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    fire(runtime, product_id, "close_evaluation", actor="district1", data={"score": "80", "minutes": "01/BB-HĐ"})
    fire(runtime, product_id, "close_evaluation", actor="province1", data={"score": "80", "minutes": "01/BB-HĐ"})
    decide(runtime, product_id, "issue_certificate", actor="province1", data=DECISION)
    reason = {"reason": "Không duy trì chất lượng", "decision_number": "5/QĐ-UBND"}
    with pytest.raises(GuardFailed, match="province level or above"):
        fire(runtime, product_id, "revoke", actor="district1", data=reason)
    assert fire(runtime, product_id, "revoke", actor="central1", data=reason)["state"] == "revoked"


def test_allowed_triggers_are_those_the_actor_may_fire(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "plan_submitted")
    assert show_product(runtime, product_id, "district1")["allowed_triggers"] == [
        "return_plan", "approve_plan"]
    assert show_product(runtime, product_id, "producer1")["allowed_triggers"] == ["withdraw"]
    # Another district's officer may fire nothing: the product is not even theirs to see.
    with pytest.raises(NotFound):
        show_product(runtime, product_id, "district2")
    assert show_product(runtime, product_id)["allowed_triggers"] == [
        "return_plan", "approve_plan", "withdraw"]
