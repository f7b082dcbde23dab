"""Decision 148/QĐ-TTg: commune → district → province → centre, every transition and loop."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ocop_cycle.db.models import Certificate, History, Product
from ocop_cycle.errors import GuardFailed, InvalidInput, TransitionNotAllowed
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import DECISION, TO_148, decide, product_in, register, walk


def snapshot(runtime: Runtime) -> tuple[list[tuple[object, ...]], int, int]:
    with runtime.transaction() as session:
        products = [
            (p.id, p.state, p.version, p.score, p.stars)
            for p in session.scalars(select(Product).order_by(Product.id))
        ]
        return (
            products,
            session.scalar(select(func.count()).select_from(History)) or 0,
            session.scalar(select(func.count()).select_from(Certificate)) or 0,
        )


@pytest.mark.parametrize("state", sorted(TO_148))
def test_every_state_is_reached_through_its_transitions(runtime: Runtime, world: World, state: str) -> None:
    product_id = product_in(runtime, world.producer_id, state)
    view = show_product(runtime, product_id)
    assert view["state"] == state
    assert [h["to"] for h in view["history"]][-1] == state
    assert len(view["history"]) == len(TO_148[state]) + 1


def test_returned_idea_loops_back_to_registration(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "idea_returned")
    view = fire(runtime, product_id, "resubmit_idea", actor="producer1")
    assert view["state"] == "idea_registered"
    view = fire(runtime, product_id, "return_idea", actor="commune1", comment="Bổ sung lần 2")
    assert view["state"] == "idea_returned"


def test_district_returns_a_plan_for_changes_and_it_comes_back(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "plan_submitted")
    view = fire(runtime, product_id, "return_plan", actor="district1", comment="Chưa rõ thị trường")
    assert view["state"] == "plan_preparation"
    assert fire(runtime, product_id, "submit_plan", actor="commune1")["state"] == "plan_submitted"


def test_returned_dossier_is_resubmitted_then_accepted(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "dossier_returned")
    assert fire(runtime, product_id, "resubmit_dossier", actor="producer1")["state"] == "dossier_submitted"
    assert fire(runtime, product_id, "accept_dossier", actor="district1")["state"] == "district_evaluation"


@pytest.mark.parametrize(
    ("score", "state", "stars"),
    [("49.99", "not_ranked", 2), ("50", "awaiting_decision", 3), ("69.99", "awaiting_decision", 3),
     ("70", "province_evaluation", 4), ("0", "not_ranked", 1), ("100", "province_evaluation", 5)],
)
def test_district_forwards_products_scoring_70_or_more(
    runtime: Runtime, world: World, score: str, state: str, stars: int
) -> None:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    view = fire(runtime, product_id, "close_evaluation", actor="district1", data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)
    assert view["score"] == float(score)
    assert view["history"][-1]["data"]["stars"] == stars


@pytest.mark.parametrize(
    ("score", "state", "stars"),
    [("49.99", "not_ranked", 2), ("50", "awaiting_decision", 3), ("70", "awaiting_decision", 4),
     ("89.99", "awaiting_decision", 4), ("90", "central_evaluation", 5)],
)
def test_province_forwards_products_scoring_90_or_more(
    runtime: Runtime, world: World, score: str, state: str, stars: int
) -> None:
    product_id = product_in(runtime, world.producer_id, "province_evaluation")
    view = fire(runtime, product_id, "close_evaluation", actor="province1", data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)


@pytest.mark.parametrize(
    ("score", "state", "stars"),
    [("49.99", "not_ranked", 2), ("89.99", "awaiting_decision", 4), ("90", "awaiting_decision", 5)],
)
def test_central_council_ranks_up_to_five_stars(
    runtime: Runtime, world: World, score: str, state: str, stars: int
) -> None:
    product_id = product_in(runtime, world.producer_id, "central_evaluation")
    view = fire(runtime, product_id, "close_evaluation", actor="central1", data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)


@pytest.mark.parametrize(
    ("steps", "certifier", "others"),
    [
        ([("close_evaluation", "district1", {"data": {"score": "65", "minutes": "01/BB-HĐ"}})], "district1", ["province1", "central1"]),
        ([("close_evaluation", "district1", {"data": {"score": "80", "minutes": "01/BB-HĐ"}}),
          ("close_evaluation", "province1", {"data": {"score": "80", "minutes": "01/BB-HĐ"}})], "province1", ["district1", "central1"]),
        ([("close_evaluation", "district1", {"data": {"score": "95", "minutes": "01/BB-HĐ"}}),
          ("close_evaluation", "province1", {"data": {"score": "95", "minutes": "01/BB-HĐ"}}),
          ("close_evaluation", "central1", {"data": {"score": "95", "minutes": "01/BB-HĐ"}})], "central1", ["district1", "province1"]),
    ],
    ids=["3-stars-district", "4-stars-province", "5-stars-centre"],
)
def test_each_star_rank_is_certified_by_its_level(
    runtime: Runtime, world: World, steps: list, certifier: str, others: list[str]
) -> None:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    walk(runtime, product_id, steps)
    for other in others:
        before = snapshot(runtime)
        with pytest.raises(GuardFailed, match="issued at"):
            decide(runtime, product_id, "issue_certificate", actor=other, data=DECISION)
        assert snapshot(runtime) == before
    view = decide(runtime, product_id, "issue_certificate", actor=certifier, data=DECISION)
    assert view["state"] == "certified"
    certificate = view["certificate"]
    assert certificate["status"] == "active"
    assert certificate["decision_number"] == "1462/QĐ-UBND"
    assert certificate["expires_on"] == "2027-06-20"


def test_certified_products_renew_upgrade_expire_and_reapply(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    assert fire(runtime, product_id, "request_upgrade", actor="producer1")["state"] == "dossier_submitted"
    renewing = product_in(runtime, world.producer_id, "renewal_due")
    assert fire(runtime, renewing, "submit_renewal", actor="commune1")["state"] == "dossier_submitted"
    expired = product_in(runtime, world.producer_id, "expired")
    view = show_product(runtime, expired)
    assert view["certificate"]["status"] == "expired"
    assert fire(runtime, expired, "submit_dossier", actor="producer1")["state"] == "dossier_submitted"


def test_revocation_needs_a_reason_and_marks_the_certificate(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match="needs reason"):
        fire(runtime, product_id, "revoke", actor="district1", data={"decision_number": "1/QĐ"})
    assert snapshot(runtime) == before
    view = fire(runtime, product_id, "revoke", actor="province1",
                data={"reason": "Ngừng sản xuất", "decision_number": "9/QĐ-UBND"})
    assert view["state"] == "revoked"
    assert view["certificate"]["status"] == "revoked"
    assert view["allowed_triggers"] == []


@pytest.mark.parametrize("trigger", ["return_idea", "reject_idea", "return_plan", "return_dossier"])
def test_returning_or_rejecting_needs_a_comment(runtime: Runtime, world: World, trigger: str) -> None:
    state = {"return_idea": "idea_registered", "reject_idea": "idea_registered",
             "return_plan": "plan_submitted", "return_dossier": "dossier_submitted"}[trigger]
    actor = "commune1" if "idea" in trigger else "district1"
    product_id = product_in(runtime, world.producer_id, state)
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match="comment"):
        fire(runtime, product_id, trigger, actor=actor, comment="  ")
    assert snapshot(runtime) == before


def test_certificate_needs_decision_number_and_date(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "awaiting_decision")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match="decision_date"):
        fire(runtime, product_id, "issue_certificate", actor="district1",
             data={"decision_number": "1462/QĐ-UBND"})
    with pytest.raises(InvalidInput, match="not a date"):
        fire(runtime, product_id, "issue_certificate", actor="district1",
             data={"decision_number": "1462/QĐ-UBND", "decision_date": "31/02/2024"})
    assert snapshot(runtime) == before


@pytest.mark.parametrize("score", ["-1", "100.01", "abc", "70.001", "NaN"])
def test_out_of_range_score_is_refused_and_changes_nothing(runtime: Runtime, world: World, score: str) -> None:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match="score"):
        fire(runtime, product_id, "close_evaluation", actor="district1", data={"score": score, "minutes": "01/BB-HĐ"})
    assert snapshot(runtime) == before


def test_illegal_transition_names_the_state_and_the_allowed_triggers(runtime: Runtime, world: World) -> None:
    product_id = register(runtime, world.producer_id)
    before = snapshot(runtime)
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(runtime, product_id, "accept_dossier", actor="district1")
    assert "idea_registered" in refused.value.message
    assert "approve_idea" in refused.value.message
    with pytest.raises(TransitionNotAllowed, match="not a trigger"):
        fire(runtime, product_id, "teleport", actor="commune1")
    assert snapshot(runtime) == before


def test_final_states_allow_nothing(runtime: Runtime, world: World) -> None:
    for state in ("idea_rejected", "withdrawn", "revoked"):
        product_id = product_in(runtime, world.producer_id, state)
        with pytest.raises(TransitionNotAllowed, match="none"):
            fire(runtime, product_id, "withdraw", actor="producer1")


def test_withdrawal_is_possible_before_certification_only(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    with pytest.raises(TransitionNotAllowed):
        fire(runtime, product_id, "withdraw", actor="producer1")
    product_id = product_in(runtime, world.producer_id, "awaiting_decision")
    assert fire(runtime, product_id, "withdraw", actor="commune1")["state"] == "withdrawn"


def test_repeated_request_id_fires_once(runtime: Runtime, world: World) -> None:
    product_id = register(runtime, world.producer_id)
    first = fire(runtime, product_id, "approve_idea", actor="commune1", request_id="req-1")
    again = fire(runtime, product_id, "approve_idea", actor="commune1", request_id="req-1")
    assert first["state"] == again["state"] == "plan_preparation"
    assert len(again["history"]) == 2
    with pytest.raises(InvalidInput, match="already used"):
        fire(runtime, product_id, "submit_plan", actor="commune1", request_id="req-1")
