"""Councils score online: scoresheets, quorum, spread, mandatory criteria, and the paper path."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from ocop_cycle.errors import GuardFailed, InvalidInput, TransitionNotAllowed
from ocop_cycle.resources import data_dir
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import scoring
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.services.migration import migrate
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from ocop_cycle.workflow import engine
from tests.conftest import World
from tests.flows import TO_148, product_in, walk
from tests.scoring_support import (
    DISTRICT_MEMBERS,
    PROVINCE_MEMBERS,
    consistent,
    score,
    seat_councils,
    sections_for,
    snapshot,
)


@pytest.fixture
def seated(runtime: Runtime, world: World) -> dict[str, int]:
    return seat_councils(runtime, world)


def at_district(runtime: Runtime, world: World) -> int:
    return product_in(runtime, world.producer_id, "district_evaluation")


def close(runtime: Runtime, product_id: int, actor: str = "district1", **data: str) -> dict[str, Any]:
    return fire(runtime, product_id, "close_evaluation", actor=actor, data=data)


def test_council_create_names_its_level_unit_chair_and_members(cli, runtime: Runtime, world: World) -> None:
    seated = seat_councils(runtime, world)
    shown = cli("council", "show", str(seated["district"]), "--json").json()
    assert shown["level"] == "district" and shown["unit"]["code"] == world.district
    assert shown["chair"] == "hd.huyen1"
    assert [m["username"] for m in shown["members"]] == DISTRICT_MEMBERS
    # The district's own name carries its prefix: once, in lower case, after "OCOP".
    assert shown["name"] == "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Mộ Đức"


def test_a_council_of_officers_is_refused(cli, world: World) -> None:
    result = cli("council", "create", "--level", "district", "--unit", world.district,
                 "--chair", "district2", "--members", "district2,commune1,commune2", "--json",
                 "--actor", "province1")
    assert result.exit_code == 2
    assert ("district2 (district_officer), commune1 (commune_officer), commune2 "
            "(commune_officer)") in result.error()["message"]


def test_a_district_council_must_serve_a_district(cli, runtime: Runtime, world: World) -> None:
    seat_councils(runtime, world)
    result = cli("council", "create", "--level", "district", "--unit", world.province,
                 "--chair", "hd.tinh1", "--members", "hd.tinh1,hd.tinh2,hd.tinh3", "--json",
                 "--actor", "province1")
    assert result.exit_code == 2 and "is a province" in result.error()["message"]


def test_entering_district_evaluation_opens_an_evaluation_for_the_district_council(
    runtime: Runtime, world: World, seated: dict[str, int]
) -> None:
    product_id = at_district(runtime, world)
    evaluation = scoring.show_scores(runtime, product_id)["evaluation"]
    assert evaluation["status"] == "open" and evaluation["level"] == "district"
    assert evaluation["unit"]["code"] == world.district
    assert evaluation["council"]["id"] == seated["district"]
    assert evaluation["purpose"] == "first"


def test_a_member_submits_and_replaces_their_own_sheet(cli, runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    first = cli("score", "submit", str(product_id), "--actor", "hd.huyen2", "--sections",
                ",".join(f"{k}={v}" for k, v in sections_for("71.5").items()), "--json")
    assert first.exit_code == 0, first.stderr
    again = cli("score", "submit", str(product_id), "--actor", "hd.huyen2", "--sections",
                ",".join(f"{k}={v}" for k, v in sections_for("73").items()), "--json")
    sheets = again.json()["evaluation"]["sheets"]
    assert [(s["member"], s["total"]) for s in sheets] == [("hd.huyen2", 73.0)]


def test_a_sheet_from_a_file_with_a_failed_mandatory_criterion(cli, runtime: Runtime, world: World, seated, tmp_path) -> None:
    product_id = at_district(runtime, world)
    sheet = tmp_path / "sheet.yaml"
    lines = "\n".join(f"  {k}: {v}" for k, v in sections_for("66").items())
    sheet.write_text(f"sections:\n{lines}\nmandatory_failed: [M2]\n", encoding="utf-8")
    result = cli("score", "submit", str(product_id), "--actor", "hd.huyen1", "--file", str(sheet), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["evaluation"]["sheets"][0]["mandatory_failed"] == ["M2"]


@pytest.mark.parametrize(
    ("sections", "message"),
    [("A1=16,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15,C3=5", "A1=16 is out of range: A1 scores 0 to 15"),
     ("A1=15,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15", "missing sections C3"),
     ("A1=15,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15,C3=5,D1=2", "unknown sections D1"),
     ("A1=x,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15,C3=5", "A1='x' is not a number"),
     ("A1=1.005,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15,C3=5", "more than two decimals")],
)
def test_each_value_is_checked_against_its_maximum_and_nothing_is_saved(
    cli, runtime: Runtime, world: World, seated, sections: str, message: str
) -> None:
    product_id = at_district(runtime, world)
    before = snapshot(runtime)
    result = cli("score", "submit", str(product_id), "--actor", "hd.huyen1", "--sections", sections, "--json")
    assert result.exit_code == 2
    assert message in result.error()["message"]
    assert snapshot(runtime) == before


@pytest.mark.parametrize(
    ("actor", "code", "message"),
    [("hd.tinh1", 3, "hd.tinh1 is not a member of council"),
     ("hd.huyen.khac", 3, "is not a member of council"),
     ("district1", 3, "does not score products"),
     ("producer2", 3, "may act only on their own products")],
)
def test_only_members_of_the_evaluating_council_score(
    cli, runtime: Runtime, world: World, seated, actor: str, code: int, message: str
) -> None:
    product_id = at_district(runtime, world)
    before = snapshot(runtime)
    result = cli("score", "submit", str(product_id), "--actor", actor, "--sections",
                 "A1=15,A2=15,A3=10,B1=15,B2=10,C1=15,C2=15,C3=5", "--json")
    assert result.exit_code == code, result.stderr
    assert message in result.error()["message"]
    assert snapshot(runtime) == before


def test_a_closed_evaluation_takes_no_more_sheets(cli, runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "62", "hd.huyen3": "61"})
    close(runtime, product_id)
    before = snapshot(runtime)
    result = cli("score", "submit", str(product_id), "--actor", "hd.huyen4", "--sections",
                 ",".join(f"{k}={v}" for k, v in sections_for("60").items()), "--json")
    assert result.exit_code == 4
    assert "is not being evaluated" in result.error()["message"]
    assert snapshot(runtime) == before


def test_council_members_fire_no_workflow_triggers_but_the_chair_closes(
    cli, runtime: Runtime, world: World, seated
) -> None:
    product_id = at_district(runtime, world)
    member = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "hd.huyen2", "--json")
    assert member.exit_code == 3 and "only the chair" in member.stderr
    chair = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "hd.huyen1", "--json")
    assert chair.exit_code == 4 and "has not submitted a scoresheet" in chair.stderr
    score(runtime, product_id, {"hd.huyen1": "62.5", "hd.huyen2": "64", "hd.huyen3": "63.25"})
    closed = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "hd.huyen1", "--json")
    assert closed.exit_code == 0, closed.stderr
    assert closed.json()["state"] == "awaiting_decision"


def test_closing_with_the_chair_and_a_quorum_takes_the_mean_of_the_sheets(
    runtime: Runtime, world: World, seated
) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "62.5", "hd.huyen2": "64", "hd.huyen3": "63.25"})
    view = close(runtime, product_id)
    assert view["state"] == "awaiting_decision"
    assert view["score"] == 63.25 and view["stars"] == 3
    last = view["history"][-1]
    assert last["data"]["scoring_path"] == "online"
    assert last["data"]["score"] == "63.25" and last["data"]["sheets"] == 3
    evaluation = scoring.show_scores(runtime, product_id)["evaluation"]
    assert evaluation["status"] == "closed" and evaluation["path"] == "online"


def test_the_district_forwards_products_scoring_70_or_more_and_the_province_council_opens(
    runtime: Runtime, world: World, seated
) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "70", "hd.huyen2": "71", "hd.huyen3": "69"})
    assert close(runtime, product_id)["state"] == "province_evaluation"
    evaluation = scoring.show_scores(runtime, product_id)["evaluation"]
    assert evaluation["level"] == "province" and evaluation["council"]["id"] == seated["province"]
    score(runtime, product_id, {m: "80" for m in PROVINCE_MEMBERS[:3]})
    view = close(runtime, product_id, actor="province1")
    assert view["state"] == "awaiting_decision" and view["stars"] == 4


def test_closing_without_the_chair_is_refused_naming_the_chair(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen2": "60", "hd.huyen3": "61", "hd.huyen4": "62"})
    before = snapshot(runtime)
    with pytest.raises(GuardFailed, match=r"the chair hd\.huyen1 has not submitted a scoresheet"):
        close(runtime, product_id)
    assert snapshot(runtime) == before


def test_closing_without_a_quorum_is_refused_saying_who_is_missing(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "61"})
    with pytest.raises(GuardFailed, match=r"2 of 4 members have scored, 3 needed .*missing: hd.huyen3, hd.huyen4"):
        close(runtime, product_id)


def test_a_spread_above_10_blocks_closing_until_a_member_rescores(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "72", "hd.huyen3": "65"})
    with pytest.raises(GuardFailed, match=r"differ by 12\.00 points, more than 10"):
        close(runtime, product_id)
    score(runtime, product_id, {"hd.huyen2": "69"})
    assert close(runtime, product_id)["score"] == 64.67


def test_the_closing_officer_records_the_discussion_to_accept_a_spread(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "72", "hd.huyen3": "65"})
    view = close(runtime, product_id, discussed="Hội đồng đã thảo luận, giữ nguyên điểm")
    assert view["score"] == 65.67
    assert view["history"][-1]["data"]["discussed"] == "Hội đồng đã thảo luận, giữ nguyên điểm"


def test_the_chair_records_the_discussion_with_score_discuss(cli, runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "72", "hd.huyen3": "65"})
    refused = cli("score", "discuss", str(product_id), "--actor", "hd.huyen2", "--note", "x", "--json")
    assert refused.exit_code == 3
    done = cli("score", "discuss", str(product_id), "--actor", "hd.huyen1", "--note", "Đã thảo luận", "--json")
    assert done.exit_code == 0 and done.json()["evaluation"]["can_close"] is True
    assert close(runtime, product_id)["state"] == "awaiting_decision"


def test_a_mandatory_criterion_failed_by_a_majority_means_no_star_whatever_the_total(
    runtime: Runtime, world: World, seated
) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "85", "hd.huyen2": "86"}, mandatory_failed=["M1"])
    score(runtime, product_id, {"hd.huyen3": "84"})
    view = close(runtime, product_id)
    assert view["state"] == "not_ranked"
    assert view["score"] == 85.0 and view["stars"] == 0
    assert view["history"][-1]["data"]["mandatory_failed"] == ["M1"]


def test_a_mandatory_criterion_failed_by_a_minority_does_not_block(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "65"}, mandatory_failed=["M1"])
    score(runtime, product_id, {"hd.huyen2": "66", "hd.huyen3": "64"})
    assert close(runtime, product_id)["stars"] == 3


def test_the_paper_path_stays_and_the_history_says_so(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    view = close(runtime, product_id, score="62.5", minutes="BB-12/HĐ-2024")
    assert view["state"] == "awaiting_decision"
    data = view["history"][-1]["data"]
    assert data["scoring_path"] == "paper" and data["minutes"] == "BB-12/HĐ-2024"
    assert scoring.show_scores(runtime, product_id)["evaluation"]["path"] == "paper"


def test_a_paper_score_cannot_override_online_sheets(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60"})
    before = snapshot(runtime)
    with pytest.raises(Exception, match="1 online scoresheets"):
        close(runtime, product_id, score="75")
    assert snapshot(runtime) == before


def test_a_paper_result_with_a_failed_mandatory_criterion_earns_no_star(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    view = close(runtime, product_id, score="75", minutes="BB-3", mandatory_failed="M2")
    assert view["state"] == "not_ranked" and view["stars"] == 0


def test_route_score_cannot_be_typed_in(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    with pytest.raises(InvalidInput, match="close_evaluation takes no --data route_score"):
        close(runtime, product_id, score="75", route_score="10")


def test_without_a_council_closing_online_says_how_to_proceed(runtime: Runtime, world: World) -> None:
    product_id = at_district(runtime, world)
    with pytest.raises(GuardFailed, match="ocop council create"):
        close(runtime, product_id)


def test_the_self_assessment_is_shown_beside_and_never_averaged_in(cli, runtime: Runtime, world: World, seated) -> None:
    product_id = product_in(runtime, world.producer_id, "dossier_submitted")
    own = cli("score", "submit", str(product_id), "--actor", "producer1", "--sections",
              ",".join(f"{k}={v}" for k, v in sections_for("95").items()), "--json")
    assert own.exit_code == 0, own.stderr
    walk(runtime, product_id, [("accept_dossier", "district1", {})])
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "62", "hd.huyen3": "61"})
    shown = cli("score", "show", str(product_id), "--json").json()
    assert shown["self_assessment"]["total"] == 95.0
    assert shown["evaluation"]["mean"] == 61.0
    human = cli("score", "show", str(product_id))
    assert "never averaged in" in human.stdout
    assert close(runtime, product_id)["score"] == 61.0


def test_score_show_lists_sheets_mean_spread_quorum_and_blockers(cli, runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen2": "60", "hd.huyen3": "71"})
    evaluation = cli("score", "show", str(product_id), "--json").json()["evaluation"]
    assert [s["member"] for s in evaluation["sheets"]] == ["hd.huyen2", "hd.huyen3"]
    assert evaluation["sheets"][0]["sections"]["A1"] == 15.0
    assert evaluation["mean"] == 65.5 and evaluation["spread"] == 11.0
    assert evaluation["quorum"] == {"members": 4, "sheets": 2, "needed": 3, "met": False,
                                    "chair_has_scored": False}
    assert evaluation["missing"] == ["hd.huyen1", "hd.huyen4"]
    assert len(evaluation["blockers"]) == 3 and evaluation["can_close"] is False


def test_withdrawing_cancels_the_open_evaluation(runtime: Runtime, world: World, seated) -> None:
    product_id = at_district(runtime, world)
    fire(runtime, product_id, "withdraw", actor="producer1")
    assert scoring.show_scores(runtime, product_id)["evaluation"]["status"] == "cancelled"
    consistent(runtime)


def test_the_core_paper_flows_still_work(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    assert show_product(runtime, product_id)["certificate"]["status"] == "active"
    assert len(TO_148["certified"]) > 0
    consistent(runtime)


def test_closing_from_the_command_line_without_a_quorum_exits_4_and_changes_nothing(
    cli, runtime: Runtime, world: World, seated
) -> None:
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60"})
    before = snapshot(runtime)
    result = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "district1", "--json")
    assert result.exit_code == 4
    error = result.error()
    assert error["code"] == "guard_failed" and "missing: hd.huyen2, hd.huyen3, hd.huyen4" in error["message"]
    assert snapshot(runtime) == before
    score(runtime, product_id, {"hd.huyen2": "62", "hd.huyen3": "61"})
    done = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "district1", "--json")
    assert done.exit_code == 0 and done.json()["state"] == "awaiting_decision"


def test_a_workflow_migration_cancels_district_evaluations_and_keeps_provincial_ones(
    runtime: Runtime, world: World, seated
) -> None:
    at_district_id = at_district(runtime, world)
    at_province_id = product_in(runtime, world.producer_id, "province_evaluation")
    score(runtime, at_province_id, {"hd.tinh1": "80"})
    migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489", actor="admin1",
            map_path=data_dir("workflows") / "migrations" / "ocop-148-to-1489.yaml")
    assert scoring.show_scores(runtime, at_district_id)["evaluation"]["status"] == "cancelled"
    kept = scoring.show_scores(runtime, at_province_id)
    assert kept["workflow"] == "ocop-1489" and kept["evaluation"]["status"] == "open"
    score(runtime, at_province_id, {"hd.tinh2": "82", "hd.tinh3": "81"})
    view = close(runtime, at_province_id, actor="province1")
    assert view["state"] == "awaiting_decision" and view["score"] == 81.0


def wait_until_blocked(runtime: Runtime, thread: threading.Thread) -> None:
    """Return once ``thread`` waits for a lock the test's transaction holds: on SQLite,
    inside BEGIN IMMEDIATE (the write lock); on PostgreSQL, a lock request not granted."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if runtime.engine.dialect.name == "postgresql":
            with runtime.engine.connect() as probe:
                if probe.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                    return
        else:
            frame = sys._current_frames().get(thread.ident or 0)
            if frame is not None and frame.f_code.co_name == "_sqlite_begin":
                return
        assert thread.is_alive(), "the late submission finished without waiting"
        time.sleep(0.001)
    raise AssertionError("the late submission never waited for the lock")


def test_a_sheet_cannot_slip_into_an_evaluation_while_it_closes(runtime: Runtime, world: World, seated) -> None:
    """A member submitting while the officer's close is in flight waits for it, then is
    refused: the result never leaves out a sheet that was accepted."""
    product_id = at_district(runtime, world)
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "62", "hd.huyen3": "61"})
    outcome: dict[str, str] = {}
    started = threading.Event()

    def late_sheet() -> None:
        started.set()
        try:
            scoring.submit_sheet(runtime, product_id, actor="hd.huyen4", sections=sections_for("90"))
            outcome["late"] = "saved"
        except TransitionNotAllowed:
            outcome["late"] = "refused"

    late = threading.Thread(target=late_sheet)
    with runtime.transaction() as session:
        engine.fire(session, runtime.workflows.get("ocop-148"), get_product(session, product_id),
                    get_user(session, "district1"), "close_evaluation", now=runtime.clock.now(),
                    workflows=runtime.workflows)
        late.start()
        started.wait(10)
        # The close commits only once the late submission is blocked on its lock.
        wait_until_blocked(runtime, late)
    late.join(30)
    assert outcome == {"late": "refused"}
    evaluation = scoring.show_scores(runtime, product_id)["evaluation"]
    assert len(evaluation["sheets"]) == 3 and evaluation["score"] == 61.0
