"""A council's result typed from paper is the council's: it needs the minutes' reference,
and it is refused while the council of that level is scoring online."""

from __future__ import annotations

import pytest

from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import product_in
from tests.scoring_support import score, seat_councils


def at_district(runtime: Runtime, world: World) -> int:
    return product_in(runtime, world.producer_id, "district_evaluation")


def test_a_paper_score_without_the_minutes_reference_is_refused(
    runtime: Runtime, world: World
) -> None:
    product_id = at_district(runtime, world)
    with pytest.raises(InvalidInput, match="give --data minutes="):
        fire(runtime, product_id, "close_evaluation", actor="district1", data={"score": "100"})
    assert show_product(runtime, product_id)["state"] == "district_evaluation"


def test_a_paper_score_with_the_minutes_reference_closes_the_evaluation(
    runtime: Runtime, world: World
) -> None:
    product_id = at_district(runtime, world)
    view = fire(runtime, product_id, "close_evaluation", actor="district1",
                data={"score": "62.5", "minutes": "07/BB-HĐ huyện Mộ Đức"})
    assert view["state"] == "awaiting_decision"
    assert view["history"][-1]["data"]["scoring_path"] == "paper"


def test_paper_is_refused_while_the_district_council_is_scoring_online(
    runtime: Runtime, world: World
) -> None:
    seat_councils(runtime, world)
    scored_online = at_district(runtime, world)
    score(runtime, scored_online, {"hd.huyen1": "60"})
    other = at_district(runtime, world)
    with pytest.raises(GuardFailed, match="scoring online"):
        fire(runtime, other, "close_evaluation", actor="district1",
             data={"score": "100", "minutes": "BB-01"})
    assert show_product(runtime, other)["state"] == "district_evaluation"


def test_paper_is_accepted_when_the_seated_council_has_no_sheets_in_progress(
    runtime: Runtime, world: World
) -> None:
    seat_councils(runtime, world)
    product_id = at_district(runtime, world)
    view = fire(runtime, product_id, "close_evaluation", actor="district1",
                data={"score": "62.5", "minutes": "BB-02"})
    assert view["state"] == "awaiting_decision"
