"""Decision 26/2026/QĐ-TTg, the law in force since 2026-05-22: commune → province →
Ministry in rounds, the re-rating window, revocation on its grounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ocop_cycle.clock import LOCAL_TZ, Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import Product, ScheduleItem
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import (
    GuardFailed,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
    WorkflowDefinitionError,
)
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling import runner
from ocop_cycle.services.migration import migrate
from ocop_cycle.services.products import fire, register_product
from ocop_cycle.services.views import show_product
from ocop_cycle.workflow.definition import ExtraRoundDef
from ocop_cycle.workflow.loader import load_definition
from ocop_cycle.workflow.migration_maps import read_map, resolve_map
from ocop_cycle.workflow.rounds import round_for
from tests.conftest import World
from tests.flows import decide
from tests.law_26_2026 import (
    DECISION,
    EXPIRES,
    FILED,
    FORWARD,
    MINISTRY_DECISION,
    REVOCATION,
    TO_26,
    TO_148_CERTIFIED,
    WORKFLOW,
    Province26,
    at_rerating_review,
    certified26,
    decision_day_clock_fixture,  # noqa: F401
    on,
    qn_fixture,  # noqa: F401
    register26,
    walk26,
)


@pytest.mark.parametrize("state", sorted(TO_26))
def test_every_state_of_26_2026_is_reached(runtime: Runtime, qn: Province26, state: str) -> None:
    product_id = register26(runtime, qn)
    view = walk26(runtime, product_id, TO_26[state]) if TO_26[state] else show_product(
        runtime, product_id)
    assert view["state"] == state
    assert view["workflow"] == WORKFLOW


def test_the_walks_cover_every_state_of_the_file(runtime: Runtime) -> None:
    definition = runtime.workflows.get(WORKFLOW).definition
    reached_elsewhere = {"renewal_due", "expired", "rerating_submitted", "rerating_review"}
    assert set(definition.states) == set(TO_26) | reached_elsewhere


@pytest.mark.parametrize(
    ("registered_on", "workflow"),
    [("2025-07-05", "ocop-148"), ("2025-07-06", "ocop-1489"), ("2026-05-21", "ocop-1489"),
     ("2026-05-22", "ocop-26-2026")],
)
def test_the_registration_date_picks_the_rules(
    runtime: Runtime, clock: Clock, qn: Province26, registered_on: str, workflow: str
) -> None:
    on(clock, registered_on)
    if workflow == "ocop-148":
        view = register_product(runtime, name="Tỏi", producer_id=qn.legacy_producer_id,
                                actor="xa_ductan", group="food")
    else:
        view = register_product(runtime, name="Tỏi", producer_id=qn.producer_id, actor="xa26",
                                group="food", product_set=1)
    assert view["workflow"] == workflow


def test_an_explicit_default_workflow_overrides_the_date(
    database_url: str, clock: Clock, qn: Province26
) -> None:
    pinned = Runtime.create(Settings(database_url=database_url, default_workflow="ocop-1489"),
                            clock)
    try:
        view = register_product(pinned, name="Mạch nha", producer_id=qn.producer_id,
                                actor="xa26", group="food")
    finally:
        pinned.close()
    assert view["workflow"] == "ocop-1489"


def test_product_under_26_2026_in_a_legacy_commune_is_refused(
    runtime: Runtime, world: World
) -> None:
    with pytest.raises(InvalidInput, match=r"2025 commune.*\(21427\) is a legacy.*units convert --to 2025"):
        register_product(runtime, name="Tỏi", producer_id=world.producer_id, actor="commune1",
                         workflow=WORKFLOW, product_set=10)
    with runtime.reading() as session:
        assert session.scalars(select(Product)).first() is None


def test_registering_by_command_in_a_legacy_commune_exits_2_and_says_what_to_do(
    runtime: Runtime, world: World, cli: Any
) -> None:
    result = cli("product", "register", "--name", "Tỏi", "--producer", str(world.producer_id),
                 "--workflow", WORKFLOW, "--product-set", "10", "--actor", "commune1", "--json")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.error()["code"] == "invalid_input"
    assert "`ocop units convert --to 2025`" in result.error()["message"]
    with runtime.reading() as session:
        assert session.scalars(select(Product)).first() is None


def test_product_under_148_in_a_2025_commune_is_refused(runtime: Runtime, qn: Province26) -> None:
    with pytest.raises(InvalidInput, match=r"legacy commune.*Nghĩa Lộ \(21028\) is a 2025 unit"):
        register_product(runtime, name="Tỏi", producer_id=qn.producer_id, actor="xa26",
                         workflow="ocop-148", group="food")
    with runtime.reading() as session:
        assert session.scalars(select(Product)).first() is None


def test_a_product_under_26_2026_names_its_product_set(runtime: Runtime, qn: Province26) -> None:
    with pytest.raises(InvalidInput, match="--product-set"):
        register_product(runtime, name="Tỏi", producer_id=qn.producer_id, actor="xa26",
                         group="food")
    with pytest.raises(InvalidInput, match="product set 27 does not exist"):
        register26(runtime, qn, product_set=27)
    view = show_product(runtime, register26(runtime, qn, product_set=1))
    assert (view["product_set"], view["group"]) == (1, "food")


def test_the_group_follows_from_the_product_set(runtime: Runtime, qn: Province26) -> None:
    with pytest.raises(InvalidInput, match="follows from --product-set"):
        register_product(runtime, name="Tỏi", producer_id=qn.producer_id, actor="xa26",
                         group="handicrafts", product_set=1, workflow=WORKFLOW)


def test_commune_forwarding_needs_the_four_assessments_of_form_03(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["dossier_submitted"])
    with pytest.raises(InvalidInput) as refused:
        fire(runtime, product_id, "forward_dossier", actor="xa26",
             data={"origin_report": "Mẫu 03", "request_letter": "TTr 1"})
    for field in ("local_materials", "local_labour", "idea_origin", "local_identity"):
        assert field in str(refused.value)
    assert show_product(runtime, product_id)["state"] == "dossier_submitted"


def test_commune_check_is_a_legal_deadline_of_15_working_days_across_tet(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    # Tết Bính Ngọ 2026: 16–20/02 are public holidays; filed on Tuesday 10/02, the 15th
    # working day is 10/03 (03/03 without Tết).
    on(clock, "2026-05-22")
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["product_development"])
    on(clock, "2026-02-10")
    fire(runtime, product_id, "submit_dossier", actor="chuthe26")
    with runtime.transaction() as session:
        row = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.name == "commune_check",
            ScheduleItem.kind == "deadline")).one()
        assert row.rule["basis"] == "legal" and "Art. 7.2" in row.rule["source"]
        assert row.due_on == date(2026, 3, 10)


def test_forwarding_assigns_the_product_code_and_the_round(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["dossier_submitted"])
    on(clock, "2026-10-30")
    view = walk26(runtime, product_id, TO_26["province_intake"][-1:])
    assert view["product_code"] == "51-21028-001-2026"
    assert view["round"] == {"id": view["round"]["id"], "level": "province", "year": 2026,
                             "number": 2, "hold_by": "2026-12-30"}
    second = register26(runtime, qn)
    on(clock, "2026-11-02")
    walk26(runtime, second, TO_26["province_intake"])
    assert show_product(runtime, second)["product_code"] == "51-21028-002-2027"


@pytest.mark.parametrize(
    ("forwarded_on", "year", "number"),
    [("2026-04-29", 2026, 1), ("2026-04-30", 2026, 1), ("2026-05-01", 2026, 2),
     ("2026-05-02", 2026, 2), ("2026-10-30", 2026, 2), ("2026-10-31", 2027, 1),
     ("2026-11-02", 2027, 1)],
)
def test_the_commune_forwards_into_the_first_open_provincial_round(
    runtime: Runtime, clock: Clock, qn: Province26, forwarded_on: str, year: int, number: int
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["dossier_submitted"])
    on(clock, forwarded_on)
    view = walk26(runtime, product_id, TO_26["province_intake"][-1:])
    assert (view["round"]["year"], view["round"]["number"]) == (year, number)


@pytest.mark.parametrize(
    ("forwarded_on", "year", "number", "hold_by"),
    [("2026-07-30", 2026, 1, "2026-09-30"), ("2026-07-31", 2026, 2, "2027-03-30"),
     ("2027-01-30", 2026, 2, "2027-03-30"), ("2027-01-31", 2027, 1, "2027-09-30")],
)
def test_the_province_forwards_into_the_first_open_central_round(
    runtime: Runtime, clock: Clock, qn: Province26, forwarded_on: str, year: int, number: int,
    hold_by: str,
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["chair_approval"])
    on(clock, forwarded_on)
    view = walk26(runtime, product_id, TO_26["ministry_intake"][-1:])
    assert view["round"]["level"] == "central"
    assert (view["round"]["year"], view["round"]["number"], view["round"]["hold_by"]) == (
        year, number, hold_by)


def test_the_rounds_hold_by_date_is_the_councils_deadline_escalated_to_the_centre(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_council"])
    with runtime.transaction() as session:
        rows = {(row.kind, row.role, row.due_on) for row in session.scalars(select(
            ScheduleItem).where(ScheduleItem.product_id == product_id,
                                ScheduleItem.name == "round_held_by"))}
    assert rows == {("deadline", "province_officer", date(2026, 12, 30)),
                    ("escalation", "central_officer", date(2027, 1, 6))}
    tick_on(runtime, clock, date(2027, 1, 5), 12)
    assert delivered(runtime, "escalation") == []
    tick_on(runtime, clock, date(2027, 1, 6), 12)
    (escalated,) = delivered(runtime, "escalation")
    assert escalated["To"].addresses[0].addr_spec == "bo26@example.vn"


@pytest.mark.parametrize("score", ["29.99", "49.99"])
def test_one_and_two_stars_are_recorded_with_no_decision_and_no_certificate(
    runtime: Runtime, qn: Province26, score: str
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_council"])
    view = fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": score, "minutes": "01/BB-HĐ"})
    assert view["state"] == "not_ranked" and view["stars"] in (1, 2)
    assert view["certificate"] is None
    assert "issue_certificate" not in view["allowed_triggers"]


def test_three_and_four_stars_are_certified_by_the_province(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_decision"])
    with pytest.raises(GuardFailed, match="province level"):
        decide(runtime, product_id, "issue_certificate", actor="bo26", data=DECISION)
    view = decide(runtime, product_id, "issue_certificate", actor="tinh26", data=DECISION)
    certificate = view["certificate"]
    assert (certificate["stars"], certificate["issuing_level"]) == (4, "province")
    assert certificate["rule_set"] == "26/2026/QĐ-TTg"
    assert view["rerating_window"] == {"opens": "2028-12-03", "closes": "2029-02-01"}


def test_five_stars_are_certified_by_the_ministry(runtime: Runtime, qn: Province26) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["ministry_decision"])
    with pytest.raises(GuardFailed, match="central level"):
        decide(runtime, product_id, "issue_certificate", actor="tinh26", data=DECISION)
    view = decide(runtime, product_id, "issue_certificate", actor="bo26", data=MINISTRY_DECISION)
    assert (view["certificate"]["stars"], view["certificate"]["issuing_level"]) == (5, "central")


def test_under_90_at_the_ministry_returns_to_the_province_which_recognises_on_its_score(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    view = walk26(runtime, product_id, TO_26["province_reconsideration"])
    assert (view["state"], view["stars"]) == ("province_reconsideration", 4)
    with pytest.raises(PermissionDenied):
        decide(runtime, product_id, "recognise_on_ministry_score", actor="bo26", data=DECISION)
    view = decide(runtime, product_id, "recognise_on_ministry_score", actor="tinh26", data=DECISION)
    assert (view["state"], view["certificate"]["stars"]) == ("certified", 4)
    assert view["certificate"]["issuing_level"] == "province"


def test_under_90_at_the_ministry_may_be_sent_back_for_reassessment(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_reconsideration"])
    with pytest.raises(InvalidInput, match="comment"):
        fire(runtime, product_id, "reassess", actor="tinh26")
    view = fire(runtime, product_id, "reassess", actor="tinh26", comment="Đánh giá lại bao bì")
    assert view["state"] == "advisory_review"


def test_the_province_and_the_ministry_return_dossiers_for_completion(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    first = register26(runtime, qn)
    walk26(runtime, first, TO_26["province_intake"])
    view = fire(runtime, first, "return_to_commune", actor="tinh26", comment="Thiếu Mẫu 03")
    assert view["state"] == "dossier_submitted"
    view = fire(runtime, first, "forward_dossier", actor="xa26", data=TO_26["province_intake"][-1][2]["data"])
    view = fire(runtime, first, "return_dossier", actor="tinh26", comment="Thiếu phiếu kiểm nghiệm")
    assert view["state"] == "dossier_returned"
    second = register26(runtime, qn)
    on(clock, "2026-11-02")
    walk26(runtime, second, TO_26["ministry_intake"])
    view = fire(runtime, second, "return_to_province", actor="bo26", comment="Thiếu báo cáo")
    assert view["state"] == "chair_approval"


def test_a_producer_with_a_product_files_a_dossier_directly(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    view = fire(runtime, product_id, "submit_dossier", actor="chuthe26")
    assert view["state"] == "dossier_submitted"


def test_an_upgrade_keeps_the_old_certificate_until_a_higher_star_supersedes_it(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    view = walk26(runtime, product_id, [
        ("request_upgrade", "chuthe26", {"data": {"upgrade_evidence": "Bao bì mới, mã QR"}}),
        *TO_26["province_council"][4:],
    ])
    assert view["state"] == "province_council"
    assert view["certificate"]["status"] == "active" and view["certificate"]["stars"] == 4
    view = fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": "74", "minutes": "01/BB-HĐ"})
    assert view["state"] == "certified" and view["certificate"]["stars"] == 4


# Re-rating (Art. 7.6) of the certificate certified26 issues (tests.law_26_2026).


@pytest.mark.parametrize("days_before", [181, 119])
def test_rerating_filed_outside_the_window_is_refused_naming_its_dates(
    runtime: Runtime, clock: Clock, qn: Province26, days_before: int
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, EXPIRES - timedelta(days=days_before))
    with pytest.raises(GuardFailed, match="from 03/12/2028 to 01/02/2029"):
        fire(runtime, product_id, "submit_rerating", actor="chuthe26")
    assert show_product(runtime, product_id)["state"] == "certified"


@pytest.mark.parametrize("days_before", [180, 120])
def test_rerating_filed_inside_the_window_is_accepted(
    runtime: Runtime, clock: Clock, qn: Province26, days_before: int
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, EXPIRES - timedelta(days=days_before))
    view = fire(runtime, product_id, "submit_rerating", actor="chuthe26")
    assert view["state"] == "rerating_submitted"


def test_rerating_filed_119_days_before_expiry_is_accepted_late_by_a_province_officer(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, EXPIRES - timedelta(days=119))
    with pytest.raises(PermissionDenied):
        fire(runtime, product_id, "accept_late_rerating", actor="chuthe26",
             data={"reason": "Ốm"})
    with pytest.raises(InvalidInput, match="reason"):
        fire(runtime, product_id, "accept_late_rerating", actor="tinh26")
    view = fire(runtime, product_id, "accept_late_rerating", actor="tinh26",
                data={"reason": "Chủ thể nộp muộn do bão lũ"})
    assert view["state"] == "rerating_submitted"
    assert view["certificate"]["valid_until_decision_cap"] == "2029-11-28"
    with runtime.transaction() as session:
        expiry = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.kind == "expiry",
            ScheduleItem.status == "pending")).one()
        assert expiry.due_on == date(2029, 11, 28)


def test_a_late_filing_is_not_accepted_while_the_window_is_open(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, FILED)
    with pytest.raises(GuardFailed, match="submit_rerating"):
        fire(runtime, product_id, "accept_late_rerating", actor="tinh26", data={"reason": "x"})


def test_a_rerating_is_decided_within_45_days_by_written_opinions(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = at_rerating_review(runtime, clock, qn)
    with runtime.transaction() as session:
        row = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.name == "rerating_decision",
            ScheduleItem.kind == "deadline")).one()
        assert row.due_on == FILED + timedelta(days=45)
        assert "Art. 7.6" in row.rule["source"]
    view = fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": "71", "minutes": "01/BB-HĐ"})
    view = decide(runtime, product_id, "issue_certificate", actor="tinh26",
                data={"decision_number": "12/QĐ-UBND", "decision_date": "2029-01-02"})
    assert view["certificate"]["expires_on"] == "2032-01-02"


# Revocation (Art. 8).
def test_revocation_by_the_wrong_level_is_refused(runtime: Runtime, qn: Province26) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    with pytest.raises(GuardFailed, match=r"revoked at province level \(Decision 26/2026 Art. 8.2\)"):
        fire(runtime, product_id, "revoke", actor="bo26", data=REVOCATION)
    view = fire(runtime, product_id, "revoke", actor="tinh26", data=REVOCATION)
    assert view["state"] == "revoked"
    assert view["certificate"]["revocation_ground"] == "c"
    assert "KL 07/KL-SNNMT" in view["certificate"]["revocation_reason"]


def test_a_five_star_certificate_is_revoked_by_the_ministry_only(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, [*TO_26["ministry_decision"],
                                 ("issue_certificate", "bo26", {"data": MINISTRY_DECISION})])
    with pytest.raises(GuardFailed, match="central level"):
        fire(runtime, product_id, "revoke", actor="tinh26", data=REVOCATION)
    assert fire(runtime, product_id, "revoke", actor="bo26", data=REVOCATION)["state"] == "revoked"


def test_revocation_needs_one_of_the_six_grounds(runtime: Runtime, qn: Province26) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    with pytest.raises(InvalidInput, match="a, b, c, d, dd, e"):
        fire(runtime, product_id, "revoke", actor="tinh26",
             data={**REVOCATION, "revocation_ground": "g"})
    view = fire(runtime, product_id, "revoke", actor="tinh26",
                data={**REVOCATION, "revocation_ground": "đ"})
    assert view["certificate"]["revocation_ground"] == "dd"


def test_a_proposed_revocation_has_a_legal_deadline_of_15_days(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["revocation_pending"])
    with runtime.transaction() as session:
        row = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.name == "revocation")).one()
        assert (row.role, row.rule["basis"]) == ("province_officer", "legal")
        # Art. 8.4: 15 days from the conclusion of 29/05/2026, not from recording it.
        assert row.due_on == date(2026, 6, 13) and row.rule["from"] == "2026-05-29"


def test_a_commune_officer_cannot_act_at_the_province(runtime: Runtime, qn: Province26) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_intake"])
    with pytest.raises(PermissionDenied, match="province_officer"):
        fire(runtime, product_id, "accept_dossier", actor="xa26")
    with pytest.raises(TransitionNotAllowed):
        fire(runtime, product_id, "forward_dossier", actor="xa26")


# The command line (§7).
def test_round_list_and_show_name_the_products_and_what_is_open(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_council"])
    listed = cli("round", "list", "--level", "province", "--json", as_of="2026-06-01")
    assert listed.exit_code == 0
    (row,) = listed.json()
    assert (row["year"], row["number"], row["hold_by"], row["status"]) == (
        2026, 2, "2026-12-30", "accepting")
    shown = cli("round", "show", str(row["id"]), "--json", as_of="2026-06-01").json()
    assert [p["id"] for p in shown["products"]] == [product_id]
    assert shown["still_open"] == 1
    assert cli("round", "list", "--level", "district", as_of="2026-06-01").exit_code == 2
    assert cli("round", "show", "999", as_of="2026-06-01").exit_code == 6


def test_certificate_revoke_by_command_names_the_ground(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    view = walk26(runtime, product_id, TO_26["certified"])
    certificate_id = str(view["certificate"]["id"])
    refused = cli("certificate", "revoke", certificate_id, "--ground", "x", "--conclusion",
                  "KL 1", "--conclusion-date", "2026-05-30", "--actor", "tinh26", "--json",
                  as_of="2026-06-01")
    assert refused.exit_code == 2 and "a, b, c, d, dd, e" in refused.error()["message"]
    done = cli("certificate", "revoke", certificate_id, "--ground", "d", "--conclusion",
               "KL 1/KL-QLTT", "--conclusion-date", "2026-05-30", "--actor", "tinh26", "--json",
               as_of="2026-06-01")
    assert done.exit_code == 0
    assert done.json()["certificate"]["revocation_ground"] == "d"


def test_a_failed_inspection_opens_revocation_on_ground_b(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    passed = cli("inspection", "record", str(product_id), "--kind", "periodic", "--date",
                 "2026-06-01", "--outcome", "pass", "--findings", "Đạt", "--actor", "tinh26",
                 "--json", as_of="2026-06-01")
    assert passed.exit_code == 0 and "product" not in passed.json()
    failed = cli("inspection", "record", str(product_id), "--kind", "unannounced", "--date",
                 "2026-06-01", "--outcome", "fail", "--findings", "Không còn đạt chỉ tiêu",
                 "--actor", "tinh26", "--json", as_of="2026-06-01")
    assert failed.exit_code == 0
    product = failed.json()["product"]
    assert product["state"] == "revocation_pending"
    assert product["history"][-1]["data"]["revocation_ground"] == "b"
    bad = cli("inspection", "record", str(product_id), "--kind", "weekly", "--date",
              "2026-06-01", "--outcome", "fail", "--findings", "x", "--actor", "tinh26",
              as_of="2026-06-01")
    assert bad.exit_code == 2


# Reminders (§4): expiry−180 (the window opens), −150, −130, −120 (the last day to file).
def delivered(runtime: Runtime, kind: str) -> list[Any]:
    folder = runtime.settings.mail_dir
    found = [message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in sorted(folder.glob("*.eml"))] if folder.exists() else []
    return [message for message in found if message["X-OCOP-Kind"] == kind]


def tick_on(runtime: Runtime, clock: Clock, day: date, hour: int) -> None:
    clock.fixed = datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)
    runner.tick(runtime, digest=False)


def test_the_rerating_reminders_fall_inside_the_window_once_each_and_none_after_it(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified26(runtime, clock, qn)
    expected = [EXPIRES - timedelta(days=days) for days in (180, 150, 130, 120)]
    for number, day in enumerate(expected, start=1):
        tick_on(runtime, clock, day - timedelta(days=1), 23)
        assert len(delivered(runtime, "rerating_reminder")) == number - 1, day
        for hour in (0, 1, 12):
            tick_on(runtime, clock, day, hour)
        assert len(delivered(runtime, "rerating_reminder")) == number, day
    reminders = delivered(runtime, "rerating_reminder")
    assert "còn 60 ngày để nộp hồ sơ" in reminders[0]["Subject"]
    assert "hôm nay là ngày cuối nộp hồ sơ" in reminders[-1]["Subject"]
    assert "cơ quan quản lý OCOP cấp tỉnh" in reminders[-1].get_body(("plain",)).get_content()
    for day in (EXPIRES - timedelta(days=60), EXPIRES - timedelta(days=1), EXPIRES):
        tick_on(runtime, clock, day, 1)
        tick_on(runtime, clock, day, 12)
    assert len(delivered(runtime, "rerating_reminder")) == 4
    assert len(delivered(runtime, "renewal_reminder")) == 0
    assert show_product(runtime, product_id)["state"] == "expired"
    assert len(delivered(runtime, "certificate_expired")) == 1


def _certified_under_148(runtime: Runtime, clock: Clock, qn: Province26, day: str) -> int:
    on(clock, day)
    product_id = int(register_product(runtime, name="Tỏi", producer_id=qn.legacy_producer_id,
                                      actor="xa_ductan", group="food")["id"])
    walk26(runtime, product_id, [*TO_148_CERTIFIED, (
        "issue_certificate", "huyen_moduc",
        {"data": {"decision_number": "1/QĐ-UBND", "decision_date": day}})])
    return product_id


def _reminders(runtime: Runtime, product_id: int, status: str) -> list[tuple[str, str, date]]:
    with runtime.transaction() as session:
        return [(row.rule["schedule"], row.step, row.due_on) for row in session.scalars(
            select(ScheduleItem).where(
                ScheduleItem.product_id == product_id, ScheduleItem.kind == "reminder",
                ScheduleItem.status == status).order_by(ScheduleItem.due_on))]


def test_a_148_certificate_is_re_rated_in_the_26_2026_window_with_its_reminders_once_each(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    product_id = _certified_under_148(runtime, clock, qn, "2024-05-07")  # expires 2027-05-07
    tick_on(runtime, clock, date(2026, 11, 8), 8)  # open_renewal
    view = show_product(runtime, product_id)
    assert (view["workflow"], view["state"]) == ("ocop-148", "renewal_due")
    assert view["rerating_window"] == {"opens": "2026-11-08", "closes": "2027-01-07"}
    assert [row for row in _reminders(runtime, product_id, "pending") if row[1] != "180d"] == [
        ("rerating", "150d", date(2026, 12, 8)), ("rerating", "130d", date(2026, 12, 28)),
        ("rerating", "120d", date(2027, 1, 7))]
    again = cli("scheduler", "replan", "--json", as_of="2026-11-28").json()
    assert (again["reminders_cancelled"], again["reminders_written"]) == (0, 0)
    for day in (date(2026, 11, 8), date(2026, 12, 8), date(2026, 12, 28), date(2027, 1, 7)):
        tick_on(runtime, clock, day, 12)
    assert len(delivered(runtime, "rerating_reminder")) == 4
    for day in (date(2027, 1, 8), date(2027, 2, 6), date(2027, 4, 7), date(2027, 4, 30)):
        tick_on(runtime, clock, day, 12)  # the window closed on 2027-01-07: nothing asks to file
    assert len(delivered(runtime, "rerating_reminder")) == 4
    assert len(delivered(runtime, "renewal_reminder")) == 0


def test_replan_moves_an_older_renewal_series_into_the_rerating_window_once(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    product_id = _certified_under_148(runtime, clock, qn, "2023-10-02")  # expires 2026-10-02
    tick_on(runtime, clock, date(2026, 4, 5), 12)  # open_renewal under 1489: the old series
    assert {row[0] for row in _reminders(runtime, product_id, "pending")} == {"renewal"}
    first = cli("scheduler", "replan", "--json", as_of="2026-05-25")
    assert first.exit_code == 0, first.stderr
    report = first.json()
    assert (report["series"], report["rules_in_force"]) == ("rerating", "ocop-26-2026@2")
    assert (report["reminders_cancelled"], report["reminders_written"]) == (4, 3)
    again = cli("scheduler", "replan", "--json", as_of="2026-05-25").json()
    assert (again["reminders_cancelled"], again["reminders_written"]) == (0, 0)
    pending = _reminders(runtime, product_id, "pending")
    # The 150-day step has passed: sent once, now; 130 days before expiry is today and the
    # last day to file is 2026-06-04.
    assert [row[1:] for row in pending] == [
        ("150d", date(2026, 5, 5)), ("130d", date(2026, 5, 25)), ("120d", date(2026, 6, 4))]
    for day in (date(2026, 5, 25), date(2026, 6, 4), date(2026, 7, 4), date(2026, 9, 2),
                date(2026, 9, 25)):
        tick_on(runtime, clock, day, 12)
    # 2026-05-25 sends the 130-day step only (the passed 150-day one is skipped for it).
    assert len(delivered(runtime, "rerating_reminder")) == 2
    assert len(delivered(runtime, "renewal_reminder")) == 1  # the 180-day one, before replan


def test_a_1489_dossier_filed_before_26_2026_must_finish_by_the_transition_date(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    on(clock, "2026-05-10")
    product_id = register_product(runtime, name="Mạch nha", producer_id=qn.producer_id,
                                  actor="xa26", group="food")["id"]
    walk26(runtime, product_id, [
        ("approve_idea", "xa26", {}), ("submit_plan", "xa26", {}), ("approve_plan", "xa26", {}),
        ("submit_dossier", "chuthe26", {})])
    assert show_product(runtime, product_id)["workflow"] == "ocop-1489"
    report = cli("scheduler", "replan", "--json", as_of="2026-06-01").json()
    assert report["transition_deadlines_written"] == [product_id]
    assert cli("scheduler", "replan", "--json", as_of="2026-06-01").json()[
        "transition_deadlines_written"] == []

    def carry_over_rows() -> list[tuple[str, date]]:
        with runtime.transaction() as session:
            return [(row.state or "", row.due_on) for row in session.scalars(select(
                ScheduleItem).where(ScheduleItem.product_id == product_id,
                                    ScheduleItem.name == "carry_over",
                                    ScheduleItem.status == "open"))]

    assert carry_over_rows() == [("dossier_submitted", date(2026, 7, 21))]
    on(clock, "2026-06-02")
    walk26(runtime, product_id, [
        ("forward_dossier", "xa26", {"data": {"origin_report": "BC 1"}}),
        ("accept_dossier", "tinh26", {})])
    assert carry_over_rows() == [("province_evaluation", date(2026, 7, 21))]
    fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": "66", "minutes": "01/BB-HĐ"})
    assert carry_over_rows() == []


# Transition (§5): the migration maps to 26/2026.
@pytest.mark.parametrize("old", ["ocop-148", "ocop-1489"])
def test_the_migration_map_to_26_2026_names_every_running_state_once(
    runtime: Runtime, old: str
) -> None:
    state_map = read_map(resolve_map(Path(f"{old}-to-26-2026")))
    source = runtime.workflows.get(old).definition
    target = runtime.workflows.get(WORKFLOW).definition
    running = {name for name, state in source.states.items() if not state.final}
    assert set(state_map.states) | set(state_map.keep) == running
    assert not set(state_map.states) & set(state_map.keep)
    assert set(state_map.states.values()) <= set(target.states)
    lines = resolve_map(Path(f"{old}-to-26-2026")).read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line.startswith("  ") and not line.startswith("  #")]
    assert entries and all("#" in line for line in entries)


def test_migration_moves_products_before_the_dossier_and_keeps_filed_ones(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    on(clock, "2026-03-02")

    def on_1489(steps: list[tuple[str, str, dict[str, Any]]]) -> int:
        product_id = int(register_product(runtime, name="Mạch nha", producer_id=qn.producer_id,
                                          actor="xa26", group="food")["id"])
        walk26(runtime, product_id, steps)
        return product_id

    early = on_1489([("approve_idea", "xa26", {}), ("submit_plan", "xa26", {})])
    filed = on_1489([("approve_idea", "xa26", {}), ("submit_plan", "xa26", {}),
                     ("approve_plan", "xa26", {}), ("submit_dossier", "chuthe26", {}),
                     ("forward_dossier", "xa26", {"data": {"origin_report": "BC 1"}}),
                     ("accept_dossier", "tinh26", {})])
    on(clock, "2026-06-01")
    summary = migrate(runtime, from_workflow="ocop-1489", to_workflow=WORKFLOW,
                      map_path=Path("ocop-1489-to-26-2026"), actor="quantri26")
    assert summary["moves"] == {"plan_submitted → plan_submitted": 1}
    moved, kept = show_product(runtime, early), show_product(runtime, filed)
    assert (moved["workflow"], moved["state"]) == (WORKFLOW, "plan_submitted")
    assert (kept["workflow"], kept["state"]) == ("ocop-1489", "province_evaluation")
    view = walk26(runtime, early, [("approve_plan", "xa26", {}),
                                   ("submit_dossier", "chuthe26", {}),
                                   ("forward_dossier", "xa26", {"data": FORWARD})])
    assert view["round"]["number"] == 2 and view["product_code"].startswith("51-21028-")


# Notices to the producer at each decision (§4), Vietnamese first.
def test_the_producer_is_told_of_the_round_the_result_and_the_revocation_ground(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    first = register26(runtime, qn)
    walk26(runtime, first, TO_26["not_ranked"])
    second = register26(runtime, qn)
    walk26(runtime, second, TO_26["revoked"])
    tick_on(runtime, clock, date(2026, 6, 1), 12)
    forwarded = delivered(runtime, "dossier_forwarded")
    assert len(forwarded) == 2
    assert "đợt 2/2026" in forwarded[0]["Subject"]
    body = forwarded[0].get_body(("plain",)).get_content()
    assert "30/12/2026" in body and "51-21028-001-2026" in body
    results = delivered(runtime, "evaluation_result")
    assert [m["Subject"].split(": ")[-1] for m in results] == ["41 điểm, 2 sao", "72 điểm, 4 sao"]
    assert "không được cấp giấy chứng nhận" in results[0].get_body(("plain",)).get_content()
    (revoked,) = delivered(runtime, "certificate_revoked")
    assert "Vi phạm pháp luật về chất lượng" in revoked.get_body(("plain",)).get_content()


def test_a_late_filers_certificate_says_it_is_valid_until_the_decision(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, EXPIRES - timedelta(days=100))
    view = fire(runtime, product_id, "accept_late_rerating", actor="tinh26",
                data={"reason": "Bão lũ tháng 10"})
    certificate = view["certificate"]
    shown = cli("certificate", "show", str(certificate["id"]), as_of="2029-06-10")
    text = " ".join(shown.stdout.split())  # the terminal wraps long lines
    assert "chậm nhất 28/11/2029" in text and "Art. 12.3" in text
    assert "51-21028-001-2026" in text
    after_expiry = cli("certificate", "verify", certificate["verification_code"], "--json",
                       as_of="2029-06-10").json()
    assert after_expiry["status"] == "active"
    assert after_expiry["product_code"] == "51-21028-001-2026"
    assert after_expiry["valid_until_decision_cap"] == "2029-11-28"
    past_cap = cli("certificate", "verify", certificate["verification_code"], "--json",
                   as_of="2029-11-28").json()
    assert past_cap["status"] == "expired"


def test_the_certificate_counts_in_the_programme_year_of_its_round(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["dossier_submitted"])
    on(clock, "2026-11-02")
    walk26(runtime, product_id, TO_26["province_decision"][4:])
    view = decide(runtime, product_id, "issue_certificate", actor="tinh26",
                data={"decision_number": "5/QĐ-UBND", "decision_date": "2026-11-02"})
    assert view["round"]["year"] == 2027
    assert view["certificate"]["round_year"] == 2027


def test_a_late_filers_certificate_ends_with_a_result_below_three_stars(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, EXPIRES - timedelta(days=100))
    walk26(runtime, product_id, [
        ("accept_late_rerating", "tinh26", {"data": {"reason": "Bão lũ"}}),
        ("forward_rerating", "xa26", {"data": {"origin_report": "Mẫu 03", "request_letter": "TTr"}}),
    ])
    on(clock, EXPIRES + timedelta(days=20))
    view = fire(runtime, product_id, "close_evaluation", actor="tinh26", data={"score": "45", "minutes": "BB 1/HĐ"})
    assert view["state"] == "not_ranked"
    assert view["certificate"]["status"] == "expired"


def test_product_show_gives_the_code_the_round_and_the_rerating_window(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    shown = cli("product", "show", str(product_id), "--json", as_of="2026-06-01").json()
    assert shown["product_code"] == "51-21028-001-2026"
    assert (shown["round"]["level"], shown["round"]["hold_by"]) == ("province", "2026-12-30")
    assert shown["rerating_window"] == {"opens": "2028-12-03", "closes": "2029-02-01"}
    text = " ".join(cli("product", "show", str(product_id), as_of="2026-06-01").stdout.split())
    assert "product code: 51-21028-001-2026" in text
    assert "round 2/2026 (province), họp trước / held by 30/12/2026" in text
    assert "re-rating window: 03/12/2028 → 01/02/2029" in text


def test_a_province_adds_a_round_by_its_regulation(runtime: Runtime) -> None:
    rules = runtime.workflows.get(WORKFLOW).definition.rounds
    assert rules is not None
    with_extra = rules.model_copy(update={"extra": [ExtraRoundDef(
        province="51", year=2026, number=3, proposals_until=date(2026, 8, 15),
        held_by=date(2026, 9, 30), regulation="Quy chế 05/2026/QĐ-UBND")]})
    assert round_for(with_extra, Level.PROVINCE, "51", date(2026, 8, 1)).number == 3
    extra = round_for(with_extra, Level.PROVINCE, "51", date(2026, 8, 15))
    assert (extra.number, extra.basis) == (3, "Quy chế 05/2026/QĐ-UBND")
    assert round_for(with_extra, Level.PROVINCE, "51", date(2026, 8, 16)).number == 2
    # Another province's regulation does not add a round here.
    assert round_for(with_extra, Level.PROVINCE, "35", date(2026, 8, 1)).number == 2


def test_every_loop_of_26_2026_comes_back_to_the_way_forward(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    view = walk26(runtime, product_id, [
        ("return_idea", "xa26", {"comment": "Thiếu mô tả"}),
        ("resubmit_idea", "chuthe26", {}),
        ("approve_idea", "xa26", {}),
        ("submit_plan", "chuthe26", {}),
        ("return_plan", "xa26", {"comment": "Chưa có thị trường"}),
        ("submit_plan", "chuthe26", {}),
        ("approve_plan", "xa26", {}),
        ("submit_dossier", "chuthe26", {}),
        ("return_dossier", "xa26", {"comment": "Thiếu Mẫu 02"}),
        ("resubmit_dossier", "chuthe26", {}),
        ("forward_dossier", "xa26", {"data": FORWARD}),
        ("return_to_commune", "tinh26", {"comment": "Thiếu tờ trình"}),
        ("forward_dossier", "xa26", {"data": FORWARD}),
        ("accept_dossier", "tinh26", {}),
        ("complete_review", "tinh26", {"data": {"advisory_report": "BC 1", "site_visit": "Đã khảo sát"}}),
        ("close_evaluation", "tinh26", {"data": {"score": "72", "minutes": "BB 1/HĐ"}}),
        ("issue_certificate", "tinh26", {"data": DECISION}),
        ("propose_revocation", "tinh26", {"data": REVOCATION}),
        ("dismiss_revocation", "tinh26", {"comment": "Đã khắc phục theo kết luận"}),
    ])
    assert view["state"] == "certified" and view["certificate"]["status"] == "active"
    fired = {row["trigger"] for row in view["history"]}
    definition = runtime.workflows.get(WORKFLOW).definition
    elsewhere = {  # fired by the other tests of this module
        "reject_idea", "withdraw", "forward_to_ministry", "return_to_province",
        "recognise_on_ministry_score", "reassess", "open_rerating_window", "submit_rerating",
        "accept_late_rerating", "forward_rerating", "request_upgrade", "expire", "revoke",
        "disqualify",  # tests/test_chair_knockouts_and_written_opinions.py
        "withdraw_rerating",  # tests/test_rerating_legacy_certificates.py
    }
    assert {t.trigger for t in definition.transitions} - fired - {"register"} == elsewhere


def test_register_by_command_names_the_product_set_and_derives_the_group(
    qn: Province26, cli: Any
) -> None:
    args = ("product", "register", "--name", "Tỏi đen", "--producer", str(qn.producer_id),
            "--actor", "xa26", "--json")
    missing = cli(*args, as_of="2026-06-01")
    assert missing.exit_code == 2 and "--product-set" in missing.error()["message"]
    made = cli(*args, "--product-set", "7", as_of="2026-06-01")
    assert made.exit_code == 0, made.stderr
    view = made.json()
    assert (view["workflow"], view["product_set"], view["group"]) == ("ocop-26-2026", 7, "food")


def test_only_province_and_central_officers_record_inspections(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    refused = cli("inspection", "record", str(product_id), "--kind", "periodic", "--date",
                  "2026-06-01", "--outcome", "fail", "--findings", "x", "--actor", "xa26",
                  "--json", as_of="2026-06-01")
    assert refused.exit_code == 3
    assert show_product(runtime, product_id)["state"] == "certified"


def test_a_failed_inspection_is_revoked_on_its_proposal_without_retyping_it(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    with pytest.raises(InvalidInput, match="revocation_ground"):
        fire(runtime, product_id, "revoke", actor="tinh26")
    failed = cli("inspection", "record", str(product_id), "--kind", "unannounced", "--date",
                 "2026-05-30", "--outcome", "fail", "--findings", "Nhãn sai", "--actor", "tinh26",
                 "--json", as_of="2026-06-01")
    assert failed.exit_code == 0
    view = fire(runtime, product_id, "revoke", actor="tinh26")
    assert view["state"] == "revoked"
    assert view["certificate"]["revocation_ground"] == "b"
    assert view["history"][-1]["data"]["conclusion_date"] == "2026-05-30"


def test_a_rerating_visits_the_site_only_when_marked_needed(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    forward = {"origin_report": "Mẫu 03", "request_letter": "TTr"}
    plain, visited = certified26(runtime, clock, qn), certified26(runtime, clock, qn)
    on(clock, FILED)
    for product_id, needed in ((plain, "no"), (visited, "yes")):
        walk26(runtime, product_id, [
            ("submit_rerating", "chuthe26", {}),
            ("forward_rerating", "xa26", {"data": {**forward, "site_visit_needed": needed}}),
        ])
    score = {"score": "71", "minutes": "Phiếu ý kiến bằng văn bản"}
    assert fire(runtime, plain, "close_evaluation", actor="tinh26",
                data=score)["state"] == "province_decision"
    with pytest.raises(GuardFailed, match="site visit"):
        fire(runtime, visited, "close_evaluation", actor="tinh26", data=score)
    view = fire(runtime, visited, "close_evaluation", actor="tinh26",
                data={**score, "site_visit": "02/01/2029: dây chuyền mới đã lắp đặt"})
    assert view["state"] == "province_decision"


def test_an_overdue_transition_dossier_is_in_the_provinces_digest(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    on(clock, "2026-05-10")
    product_id = register_product(runtime, name="Mạch nha", producer_id=qn.producer_id,
                                  actor="xa26", group="food")["id"]
    walk26(runtime, product_id, [
        ("approve_idea", "xa26", {}), ("submit_plan", "xa26", {}), ("approve_plan", "xa26", {}),
        ("submit_dossier", "chuthe26", {}),
        ("forward_dossier", "xa26", {"data": {"origin_report": "BC 1"}})])
    assert cli("scheduler", "replan", "--json", as_of="2026-06-01").exit_code == 0
    clock.fixed = datetime.combine(date(2026, 7, 22), time(8), tzinfo=LOCAL_TZ).astimezone(UTC)
    runner.tick(runtime, digest=True)
    digests = [m for m in delivered(runtime, "deadline_digest") if "tinh26" in m["To"]]
    assert digests, "the province officer got no digest"
    body = " ".join(digests[-1].get_body(("plain",)).get_content().split())
    assert "Mạch nha" in body and "21/07/2026" in body


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("counted_from: conclusion_date", "counted_from: conclusion_day",
      "counted_from 'conclusion_day' is not a data field"),
     ('proposals_until: "04-30"', 'proposals_until: "30/04"', "write MM-DD"),
     ("opens_days_before: 180", "opens_days_before: 100", "must open before it closes")],
)
def test_a_broken_26_2026_file_is_refused_naming_the_problem(
    runtime: Runtime, tmp_path: Path, old: str, new: str, message: str
) -> None:
    source = runtime.workflows.get(WORKFLOW).path.read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "ocop-26-2026.yaml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match=message):
        load_definition(path)
