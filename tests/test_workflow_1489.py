"""Decision 1489/QĐ-TTg (from 2025-07-06): no district; the commune checks and forwards,
the province certifies 3★ and 4★, the centre 5★."""

from __future__ import annotations

import pytest

from ocop_cycle.errors import GuardFailed, InvalidInput, PermissionDenied
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people, units
from ocop_cycle.services.products import fire, register_product
from tests.conftest import ADMIN, World
from tests.flows import DECISION, decide, register, walk

TO_PROVINCE = [
    ("approve_idea", "commune1", {}),
    ("submit_plan", "producer1", {}),
    ("approve_plan", "commune1", {}),
    ("submit_dossier", "producer1", {}),
    ("forward_dossier", "commune1", {"data": {"origin_report": "BC 12/UBND-xã"}}),
    ("accept_dossier", "province1", {}),
]


def test_commune_checks_forwards_and_province_certifies_three_stars(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    view = walk(runtime, product_id, TO_PROVINCE)
    assert view["state"] == "province_evaluation"
    view = fire(runtime, product_id, "close_evaluation", actor="province1", data={"score": "55", "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == ("awaiting_decision", 3)
    view = decide(runtime, product_id, "issue_certificate", actor="province1", data=DECISION)
    assert view["certificate"]["issuing_level"] == "province"
    assert view["certificate"]["rule_set"] == "1489/QĐ-TTg"


def test_forwarding_needs_the_communes_origin_report(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, TO_PROVINCE[:4])
    with pytest.raises(InvalidInput, match="origin_report"):
        fire(runtime, product_id, "forward_dossier", actor="commune1")


def test_district_officers_have_no_part_in_the_two_tier_procedure(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, TO_PROVINCE[:2])
    with pytest.raises(PermissionDenied, match="commune_officer"):
        fire(runtime, product_id, "approve_plan", actor="district1")


def test_province_returns_a_dossier_to_the_producer(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, TO_PROVINCE[:5])
    view = fire(runtime, product_id, "return_dossier", actor="province1", comment="Thiếu tem truy xuất")
    assert view["state"] == "dossier_returned"


@pytest.mark.parametrize(
    ("score", "state", "stars"),
    [("49.99", "not_ranked", 2), ("50", "awaiting_decision", 3), ("89.99", "awaiting_decision", 4),
     ("90", "central_evaluation", 5)],
)
def test_province_forwards_90_or_more_to_the_centre(
    runtime: Runtime, world_2025: World, score: str, state: str, stars: int
) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, TO_PROVINCE)
    view = fire(runtime, product_id, "close_evaluation", actor="province1", data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)


def test_five_stars_are_certified_by_the_centre_only(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, [*TO_PROVINCE,
                               ("close_evaluation", "province1", {"data": {"score": "93", "minutes": "01/BB-HĐ"}}),
                               ("close_evaluation", "central1", {"data": {"score": "91", "minutes": "01/BB-HĐ"}})])
    with pytest.raises(GuardFailed, match="central level"):
        decide(runtime, product_id, "issue_certificate", actor="province1", data=DECISION)
    view = decide(runtime, product_id, "issue_certificate", actor="central1", data=DECISION)
    assert view["certificate"]["stars"] == 5


def test_two_tier_products_in_a_2025_commune_have_no_district(runtime: Runtime) -> None:
    units.load_province(runtime, "51", "2025", actor=ADMIN)
    producer = people.add_producer(runtime, actor=ADMIN, name="HTX Nghĩa Lộ",
                                   type="cooperative", commune_code="21028")
    add_user(runtime, "nghialo", actor=ADMIN, role="commune_officer", unit_code="21028")
    view = register_product(
        runtime, name="Mạch nha", producer_id=producer.id, group="food", actor="nghialo",
        workflow="ocop-1489")
    assert view["district"] is None
    assert view["province"]["code"] == "51"
