"""Decision 26/2026: the provincial OCOP agency, the advisory team or the council chair
disqualifies a dossier on its set's knock-out condition (Appendix II, "Hồ sơ bị loại
khi"); a re-rating decided by written opinions is closed by the chair (Art. 7.6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import Certificate, Evaluation, History, OutboxMessage, Product, User
from ocop_cycle.errors import PermissionDenied, TransitionNotAllowed
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import chair_actions, scoring
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from ocop_cycle.workflow import engine
from tests.law_26_2026 import (
    FILED,
    TO_26,
    Province26,
    at_rerating_review,
    decision_day_clock_fixture,  # noqa: F401
    register26,
    walk26,
)
from tests.scoring_support import snapshot
from tests.sheets_support import (
    MEMBERS_26,
    SET_1,
    answers_for,
    product_at_council,
    qn_with_council_fixture,  # noqa: F401
    submit,
)

CHAIR, MEMBER = MEMBERS_26[0], MEMBERS_26[1]
TODAY = "2026-06-01"


def _last_history(runtime: Runtime, product_id: int) -> History:
    with runtime.reading() as session:
        row = session.scalars(
            select(History).where(History.product_id == product_id).order_by(History.id.desc())
        ).first()
        assert row is not None
        return row


def _disqualified_notices(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.reading() as session:
        return list(session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "dossier_disqualified")
        ))


def test_the_provincial_agency_disqualifies_a_dossier_at_intake(runtime: Runtime, qn: Province26) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_intake"])
    view = chair_actions.disqualify(
        runtime, product_id, actor="tinh26", knockout="k2", note="Giấy chứng nhận ATTP hết hạn"
    )
    assert view["state"] == "not_ranked"
    row = _last_history(runtime, product_id)
    assert (row.trigger, row.actor, row.role) == ("disqualify", "tinh26", "province_officer")
    assert row.data["knockout"] == {"code": "K2", "text": SET_1.knockout("K2").text}  # type: ignore[union-attr]
    [notice] = _disqualified_notices(runtime)
    assert notice.recipient == "htx.nghialo@example.vn"
    assert notice.context["note"] == "Giấy chứng nhận ATTP hết hạn"


def test_the_advisory_team_disqualifies_through_the_workflow_trigger(
    cli, runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["advisory_review"])
    result = cli("product", "fire", str(product_id), "disqualify", "--actor", "tinh26",
                 "--data", "knockout=K1", "--data", "knockout_note=Mẫu 02 kê khai sai",
                 "--json", as_of=TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "not_ranked"
    missing = register26(runtime, qn)
    walk26(runtime, missing, TO_26["advisory_review"])
    refused = cli("product", "fire", str(missing), "disqualify", "--actor", "tinh26", as_of=TODAY)
    assert refused.exit_code == 2
    assert "give --data knockout=…" in refused.stderr and "--data knockout_note=…" in refused.stderr


def test_the_council_chair_disqualifies_and_no_certificate_changes(
    cli, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26[:3]:
        submit(runtime, product_id, member, answers_for(SET_1, 88))
    with runtime.reading() as session:
        certificates_before = [(c.id, c.status, c.stars) for c in session.scalars(select(Certificate))]
    result = cli("score", "disqualify", str(product_id), "--actor", CHAIR, "--knockout", "K2",
                 "--note", "Giấy chứng nhận ATTP hết hạn từ 03/2026", "--json", as_of=TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "not_ranked"
    row = _last_history(runtime, product_id)
    assert (row.trigger, row.actor, row.role) == ("disqualify", CHAIR, "council_member")
    with runtime.reading() as session:
        assert [(c.id, c.status, c.stars) for c in session.scalars(select(Certificate))] == (
            certificates_before)
        evaluation = session.scalars(
            select(Evaluation).where(Evaluation.product_id == product_id)
        ).one()
        assert (evaluation.path, evaluation.knockout, evaluation.stars) == ("knockout", "K2", 0)
    assert len(_disqualified_notices(runtime)) == 1
    shown = scoring.show_scores(runtime, product_id)["evaluation"]["knockout"]
    assert shown["note"] == "Giấy chứng nhận ATTP hết hạn từ 03/2026"


def test_an_ordinary_member_may_not_disqualify(cli, runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    before = snapshot(runtime)
    result = cli("score", "disqualify", str(product_id), "--actor", MEMBER, "--knockout", "K2",
                 "--note", "ATTP hết hạn", as_of=TODAY)
    assert result.exit_code == 3
    assert f"only the chair of the council evaluating product {product_id}" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(runtime) == before


def test_an_unknown_knock_out_is_refused_listing_the_sets_conditions(
    cli, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    before = snapshot(runtime)
    result = cli("score", "disqualify", str(product_id), "--actor", CHAIR, "--knockout", "K9",
                 "--note", "?", as_of=TODAY)
    assert result.exit_code == 2
    assert "set 1 has no knock-out condition K9; its conditions: K1 (Giả mạo hồ sơ)" in result.stderr
    assert snapshot(runtime) == before


def test_a_chair_disqualifies_only_while_the_council_evaluates(
    cli, runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["province_intake"])
    result = cli("score", "disqualify", str(product_id), "--actor", CHAIR, "--knockout", "K1",
                 "--note", "Giả mạo", as_of=TODAY)
    assert result.exit_code == 4 and "not before a council" in result.stderr


# Re-rating by written opinions (Art. 7.6).


def test_the_chair_closes_written_opinions_within_the_spread_without_a_meeting(
    cli, runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = at_rerating_review(runtime, clock, qn)
    for member, total in zip(MEMBERS_26, (80, 82, 84, 86, 88), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, total), opinion="Đồng ý")
    refused = cli("score", "close", str(product_id), "--actor", MEMBER, as_of=FILED.isoformat())
    assert refused.exit_code == 3 and "only the chair" in refused.stderr
    result = cli("score", "close", str(product_id), "--actor", CHAIR, "--json", as_of=FILED.isoformat())
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "province_decision"
    row = _last_history(runtime, product_id)
    assert (row.trigger, row.actor, row.role) == ("close_evaluation", CHAIR, "council_member")
    assert row.data["scoring_path"] == "online" and row.data["score"] == "84.00"
    assert scoring.show_scores(runtime, product_id)["evaluation"]["discussed"] is None


def test_written_opinions_too_far_apart_need_the_meeting_recorded_before_the_chair_closes(
    cli, runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = at_rerating_review(runtime, clock, qn)
    for member, total in zip(MEMBERS_26, (70, 72, 80, 84, 86), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, total), opinion="Đồng ý")
    before = snapshot(runtime)
    refused = cli("score", "close", str(product_id), "--actor", CHAIR, as_of=FILED.isoformat())
    assert refused.exit_code == 4 and "differ by 16" in refused.stderr
    assert snapshot(runtime) == before
    scoring.discuss(runtime, product_id, actor=CHAIR, note="Họp ngày 05/01: thống nhất kết quả")
    assert chair_actions.close_as_chair(runtime, product_id, actor=CHAIR)["state"] == (
        "province_decision")


def test_the_chair_closes_a_first_evaluation_of_their_council_as_the_council_reports_its_result(
    cli, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 80))
    refused = cli("score", "close", str(product_id), "--actor", MEMBER, as_of=TODAY)
    assert refused.exit_code == 3 and "only the chair" in refused.stderr
    result = cli("score", "close", str(product_id), "--actor", CHAIR, "--json", as_of=TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "province_decision"
    assert result.json()["history"][-1]["actor"] == CHAIR


def test_the_officer_may_still_close_a_first_evaluation(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 80))
    assert fire(runtime, product_id, "close_evaluation", actor="tinh26")["state"] == "province_decision"


def _fire_in_engine(runtime: Runtime, product_id: int, username: str, trigger: str,
                    data: dict[str, str] | None = None) -> None:
    """Straight into the engine, past every service: its own permission check decides."""
    with runtime.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        product = session.get(Product, product_id)
        assert product is not None
        compiled = runtime.workflows.get(product.workflow, product.workflow_version)
        engine.fire(session, compiled, product, user, trigger, now=runtime.clock.now(),
                    data=data, workflows=runtime.workflows)


def test_the_engine_itself_refuses_a_knock_out_by_a_member_who_is_not_the_chair(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    before = snapshot(runtime)
    with pytest.raises(PermissionDenied, match=f"only the chair of the council evaluating product {product_id}"):
        _fire_in_engine(runtime, product_id, MEMBER, "disqualify",
                        {"knockout": "K2", "knockout_note": "ATTP hết hạn"})
    assert snapshot(runtime) == before
    _fire_in_engine(runtime, product_id, CHAIR, "disqualify",
                    {"knockout": "K2", "knockout_note": "ATTP hết hạn"})
    assert show_product(runtime, product_id)["state"] == "not_ranked"


def test_the_engine_lets_a_chair_fire_only_the_chairs_triggers(
    runtime: Runtime, qn: Province26
) -> None:
    in_review = register26(runtime, qn)
    walk26(runtime, in_review, TO_26["advisory_review"])
    with pytest.raises(PermissionDenied, match="role council_member may not fire withdraw"):
        _fire_in_engine(runtime, in_review, CHAIR, "withdraw")
    with pytest.raises(TransitionNotAllowed, match="not before a council"):
        _fire_in_engine(runtime, in_review, CHAIR, "disqualify",
                        {"knockout": "K1", "knockout_note": "Giả mạo"})
    at_council = product_at_council(runtime, qn)
    before = snapshot(runtime)
    with pytest.raises(PermissionDenied, match="only the chair"):
        _fire_in_engine(runtime, at_council, MEMBER, "close_evaluation")
    assert snapshot(runtime) == before
