"""Under each rule set in force at some time (148, 1489, 26/2026): a certificate is valid
36 months from its decision (a decision of 29 February ends on 28 February), and the star
bands' edges fall where the decisions put them (50 is 3★, 49.99 is not)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from ocop_cycle.clock import LOCAL_TZ, Clock
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.runtime import Runtime, workflow_registry
from ocop_cycle.services.products import fire
from tests.conftest import World
from tests.flows import TO_148, register, walk
from tests.law_26_2026 import TO_26, register26, seat, walk26
from tests.test_workflow_1489 import TO_PROVINCE

RULE_SETS = ["ocop-148", "ocop-1489", "ocop-26-2026"]


def on(runtime: Runtime, day: str) -> None:
    """Act at 09:00 in Vietnam on ``day`` (decision dates may not lie ahead of today)."""
    when = datetime.combine(datetime.fromisoformat(day).date(), time(9), tzinfo=LOCAL_TZ)
    runtime.clock = Clock(fixed=when.astimezone(UTC))


def decided(day: str) -> dict[str, str]:
    return {"decision_number": "29/QĐ-UBND", "decision_date": day}


@pytest.mark.parametrize(
    ("decision_date", "expires_on"),
    [("2024-02-29", "2027-02-28"), ("2024-01-31", "2027-01-31")],
)
def test_a_148_certificate_is_valid_36_months(
    runtime: Runtime, world: World, decision_date: str, expires_on: str
) -> None:
    on(runtime, "2024-03-01")
    product_id = register(runtime, world.producer_id, workflow="ocop-148")
    steps = [s for s in TO_148["certified"] if s[0] != "issue_certificate"]
    walk(runtime, product_id, steps)
    view = fire(runtime, product_id, "issue_certificate", actor="district1",
                data=decided(decision_date))
    certificate = view["certificate"]
    assert (certificate["rule_set"], certificate["expires_on"]) == ("148/QĐ-TTg", expires_on)


@pytest.mark.parametrize(
    ("decision_date", "expires_on"),
    [("2024-02-29", "2027-02-28"), ("2024-01-31", "2027-01-31")],
)
def test_a_1489_certificate_is_valid_36_months(
    runtime: Runtime, world_2025: World, decision_date: str, expires_on: str
) -> None:
    on(runtime, "2024-03-01")
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    walk(runtime, product_id, TO_PROVINCE)
    fire(runtime, product_id, "close_evaluation", actor="province1", data={"score": "55", "minutes": "01/BB-HĐ"})
    view = fire(runtime, product_id, "issue_certificate", actor="province1",
                data=decided(decision_date))
    certificate = view["certificate"]
    assert (certificate["rule_set"], certificate["expires_on"]) == ("1489/QĐ-TTg", expires_on)


@pytest.mark.parametrize(
    ("decision_date", "expires_on"),
    [("2028-02-29", "2031-02-28"), ("2026-08-31", "2029-08-31")],
)
def test_a_26_2026_certificate_is_valid_36_months(
    runtime: Runtime, decision_date: str, expires_on: str
) -> None:
    on(runtime, decision_date)
    province = seat(runtime)
    product_id = register26(runtime, province)
    steps = [s for s in TO_26["certified"] if s[0] != "issue_certificate"]
    walk26(runtime, product_id, steps)
    view = fire(runtime, product_id, "issue_certificate", actor="tinh26",
                data=decided(decision_date))
    certificate = view["certificate"]
    assert certificate["rule_set"] == "26/2026/QĐ-TTg"
    assert certificate["expires_on"] == expires_on


EDGES = [
    ("0", 1), ("29.99", 1), ("30", 2), ("49.99", 2), ("50", 3), ("69.99", 3), ("70", 4),
    ("89.99", 4), ("90", 5), ("100", 5),
]


@pytest.mark.parametrize("rule_set", RULE_SETS)
@pytest.mark.parametrize(("score", "stars"), EDGES)
def test_the_star_bands_edges_under_each_rule_set(rule_set: str, score: str, stars: int) -> None:
    definition = workflow_registry(None).get(rule_set).definition
    assert stars_for(Decimal(score), definition.scoring.bands) == stars


@pytest.mark.parametrize(
    ("rule_set", "score", "state", "stars"),
    [
        ("ocop-148", "49.99", "not_ranked", 2),
        ("ocop-148", "50", "awaiting_decision", 3),
        ("ocop-1489", "49.99", "not_ranked", 2),
        ("ocop-1489", "50", "awaiting_decision", 3),
    ],
)
def test_a_council_score_at_the_recognition_edge_decides_the_state(
    runtime: Runtime, request: pytest.FixtureRequest, rule_set: str, score: str, state: str,
    stars: int,
) -> None:
    # 148 in its legacy commune, 1489 in a 2025 one (registration refuses the other scheme).
    world: World = request.getfixturevalue("world" if rule_set == "ocop-148" else "world_2025")
    product_id = register(runtime, world.producer_id, workflow=rule_set)
    if rule_set == "ocop-148":
        walk(runtime, product_id, TO_148["district_evaluation"])
        actor = "district1"
    else:
        walk(runtime, product_id, TO_PROVINCE)
        actor = "province1"
    view = fire(runtime, product_id, "close_evaluation", actor=actor, data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)


@pytest.mark.parametrize(
    ("score", "state", "stars"),
    [("49.99", "not_ranked", 2), ("50", "province_decision", 3)],
)
def test_a_26_2026_council_score_at_the_recognition_edge_decides_the_state(
    runtime: Runtime, score: str, state: str, stars: int
) -> None:
    on(runtime, "2026-06-01")
    province = seat(runtime)
    product_id = register26(runtime, province)
    walk26(runtime, product_id, TO_26["province_council"])
    view = fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": score, "minutes": "01/BB-HĐ"})
    assert (view["state"], view["stars"]) == (state, stars)
