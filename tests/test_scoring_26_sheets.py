"""Council sheets of Decision 26/2026, option by option: totals, the mean, star minimums
with a majority, knock-outs, the producer's self-assessment (Mẫu 02), written opinions."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from sqlalchemy import select

from ocop_cycle.db.models import Certificate, Evaluation, OutboxMessage, Product
from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import scoring
from ocop_cycle.services.products import fire
from tests.law_26_2026 import (
    DECISION,
    FORWARD,
    Province26,
    decision_day_clock_fixture,  # noqa: F401
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


def _close(runtime: Runtime, product_id: int, **data: str) -> dict:
    return fire(runtime, product_id, "close_evaluation", actor="tinh26", data=data or None)


def _evaluation(runtime: Runtime, product_id: int) -> Evaluation:
    with runtime.reading() as session:
        found = session.scalars(
            select(Evaluation).where(Evaluation.product_id == product_id).order_by(Evaluation.id.desc())
        ).first()
        assert found is not None
        return found


def _product(runtime: Runtime, product_id: int) -> Product:
    with runtime.reading() as session:
        found = session.get(Product, product_id)
        assert found is not None
        return found


def test_a_members_total_is_the_sum_of_the_chosen_points(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    view = submit(runtime, product_id, "hd26.1", answers_for(SET_1, 78))
    sheet = view["evaluation"]["sheets"][0]
    assert sheet["total"] == 78 and sum(sheet["sections"].values()) == 78
    assert view["evaluation"]["options"]["hd26.1"]["1.5"] == 2


def test_set_1_at_78_40_with_criterion_1_5_below_its_4_star_option_gets_3_stars(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member, total in zip(MEMBERS_26, (78, 78, 78, 79, 79), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, total, {"1.5": 1}))
    shown = scoring.show_scores(runtime, product_id)["evaluation"]
    assert shown["explanation"] == "78.40 điểm → 4★ theo thang điểm, 3★ vì tiêu chí 1.5 chưa đạt mức 4 sao"
    view = _close(runtime, product_id)
    assert view["state"] == "province_decision"
    assert (_product(runtime, product_id).score, _product(runtime, product_id).stars) == (Decimal("78.40"), 3)
    evaluation = _evaluation(runtime, product_id)
    assert (evaluation.band_stars, evaluation.stars) == (4, 3)
    assert evaluation.held_back == [{"criterion": "1.5", "stars": 4, "met": 0, "counted": 5}]
    closed = scoring.show_scores(runtime, product_id)["evaluation"]
    assert closed["explanation"].endswith("3★ vì tiêu chí 1.5 chưa đạt mức 4 sao")


def test_the_same_sheets_with_a_majority_meeting_1_5_get_4_stars(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    for member, option in zip(MEMBERS_26, (2, 2, 2, 1, 1), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, 78, {"1.5": option}))
    _close(runtime, product_id)
    assert _product(runtime, product_id).stars == 4
    assert _evaluation(runtime, product_id).held_back == []


def test_two_of_five_meeting_a_minimum_is_no_majority(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    for member, option in zip(MEMBERS_26, (2, 2, 1, 1, 1), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, 78, {"1.5": option}))
    _close(runtime, product_id)
    assert _product(runtime, product_id).stars == 3
    assert _evaluation(runtime, product_id).held_back[0]["met"] == 2


def test_90_or_more_with_one_5_star_criterion_unmet_stays_4_stars(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    # 1.3's ***** option (3 points) is "advanced technology"; every member chose machinery.
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 95, {"1.3": 1}, keep=(3, 4, 5)))
    view = _close(runtime, product_id)
    assert view["state"] == "province_decision"  # not chair_approval, the ≥ 90 route
    product = _product(runtime, product_id)
    assert (product.score, product.stars) == (Decimal(95), 4)
    assert _evaluation(runtime, product_id).held_back == [
        {"criterion": "1.3", "stars": 5, "met": 0, "counted": 5}]


def test_90_or_more_with_every_minimum_met_goes_to_the_chair_for_5_stars(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 95, keep=(3, 4, 5)))
    assert _close(runtime, product_id)["state"] == "chair_approval"
    assert _product(runtime, product_id).stars == 5


def test_3_star_minimums_unmet_leave_the_product_below_3_stars(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    # 2.3's *** option is correct labelling (1 point); "no label" is not among the options,
    # so fail 3★ on 5.3 (the story's own origin, 1 point) by choosing 0.
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 75, {"5.3": 0}))
    view = _close(runtime, product_id)
    assert view["state"] == "not_ranked"
    assert _product(runtime, product_id).stars == 2
    assert scoring.show_scores(runtime, product_id)["evaluation"]["explanation"] == (
        "75.00 điểm → 4★ theo thang điểm, 2★ vì tiêu chí 5.3 chưa đạt mức 3 sao")


def test_an_incomplete_sheet_is_refused_listing_every_problem(cli, runtime: Runtime, qn: Province26, tmp_path) -> None:
    product_id = product_at_council(runtime, qn)
    answers: dict[str, object] = dict(answers_for(SET_1, 78))
    del answers["1.2"]
    answers["1.1"] = 7
    answers["9.9"] = 0
    answers["2.2"] = "hai"
    path = tmp_path / "phieu.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    before = snapshot(runtime)
    refused = cli("score", "submit", str(product_id), "--actor", "hd26.1", "--file", str(path),
                  "--json", as_of="2026-06-01")
    assert refused.exit_code == 2
    message = refused.error()["message"]
    assert "unknown criteria 9.9" in message
    assert "criteria not answered: 1.2" in message
    assert "1.1: option 7 does not exist (0 to 2)" in message
    assert "2.2: 'hai' is not an option number" in message
    assert snapshot(runtime) == before


def test_the_template_lists_every_criterion_with_its_options_and_fills_in(
    cli, runtime: Runtime, qn: Province26, tmp_path
) -> None:
    product_id = product_at_council(runtime, qn)
    printed = cli("score", "template", str(product_id), as_of="2026-06-01")
    assert printed.exit_code == 0, printed.stderr
    text = printed.stdout
    assert "bộ sản phẩm số 1: Rau, củ, quả, hạt tươi" in text
    assert "#   2: Có hợp đồng liên kết trên 75% sản lượng tiêu thụ — 2 điểm — tối thiểu cho 4★" in text
    blank = yaml.safe_load(text)
    assert list(blank) == [c.code for c in SET_1.criteria()] and set(blank.values()) == {None}
    unfilled = tmp_path / "trong.yaml"
    unfilled.write_text(text, encoding="utf-8")
    refused = cli("score", "submit", str(product_id), "--actor", "hd26.1", "--file", str(unfilled),
                  "--json", as_of="2026-06-01")
    assert refused.exit_code == 2 and "criteria not answered: 1.1, 1.2" in refused.error()["message"]
    filled = text
    for code, index in answers_for(SET_1, 80).items():
        filled = filled.replace(f'"{code}": \n', f'"{code}": {index}\n')
    path = tmp_path / "phieu.yaml"
    path.write_text(filled, encoding="utf-8")
    done = cli("score", "submit", str(product_id), "--actor", "hd26.1", "--file", str(path),
               "--json", as_of="2026-06-01")
    assert done.exit_code == 0, done.stderr
    assert done.json()["evaluation"]["sheets"][0]["total"] == 80


def test_section_scores_are_refused_under_26_2026(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    with pytest.raises(InvalidInput, match="scores by options"):
        scoring.submit_sheet(runtime, product_id, actor="hd26.1", sections={"A1": "10"})


def test_knock_out_leaves_the_product_not_recognised_and_tells_the_producer(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26[:2]:
        submit(runtime, product_id, member, answers_for(SET_1, 88))
    with runtime.reading() as session:
        certificates_before = session.scalars(select(Certificate)).all()
    view = _close(runtime, product_id, knockout="K2", knockout_note="Giấy chứng nhận ATTP hết hạn")
    assert view["state"] == "not_ranked"
    evaluation = _evaluation(runtime, product_id)
    assert (evaluation.path, evaluation.knockout, evaluation.stars) == ("knockout", "K2", 0)
    assert _product(runtime, product_id).stars == 0
    with runtime.reading() as session:
        assert session.scalars(select(Certificate)).all() == certificates_before
        notice = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "dossier_disqualified")
        ).one()
        assert notice.recipient == "htx.nghialo@example.vn"
        assert notice.context["knockout"]["code"] == "K2"
    shown = scoring.show_scores(runtime, product_id)["evaluation"]["knockout"]
    assert shown["note"] == "Giấy chứng nhận ATTP hết hạn" and "an toàn thực phẩm" in shown["text"]


def test_a_knock_out_must_name_a_condition_of_the_set_and_a_note(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match=r"set 1 has no knock-out condition K9; its conditions: K1 \(Giả mạo hồ sơ\)"):
        _close(runtime, product_id, knockout="K9", knockout_note="?")
    with pytest.raises(InvalidInput, match="knockout_note"):
        _close(runtime, product_id, knockout="K1")
    assert snapshot(runtime) == before


def test_the_self_assessment_is_shown_beside_the_council_and_never_averaged(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    own = submit(runtime, product_id, "chuthe26", answers_for(SET_1, 100))
    assert own["self_assessment"]["total"] == 100
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 78, {"1.5": 2}))
    view = scoring.show_scores(runtime, product_id)
    assert view["evaluation"]["mean"] == 78
    assert len(view["evaluation"]["sheets"]) == 5
    differences = {d["criterion"]: d for d in view["self_assessment"]["differences"]}
    assert differences["1.5"] == {"criterion": "1.5", "self": 3, "council_mean": 2.0, "difference": 1.0}
    _close(runtime, product_id)
    assert _product(runtime, product_id).score == Decimal(78)


def test_score_show_counts_each_option_where_members_disagree(cli, runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    for member, option in zip(MEMBERS_26, (2, 2, 1, 3, 2), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, 80, {"1.5": option}))
    shown = cli("score", "show", str(product_id), "--json", as_of="2026-06-01").json()["evaluation"]
    row = next(r for r in shown["criteria"] if r["code"] == "1.5")
    assert row == {"code": "1.5", "max": 3, "choices": {"1": 1, "2": 3, "3": 1}, "disagree": True}
    human = cli("score", "show", str(product_id), as_of="2026-06-01")
    assert human.exit_code == 0 and "[2]×3" in human.stdout and "theo thang điểm" in human.stdout


def test_written_opinions_close_without_a_meeting_when_the_spread_rule_is_met(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member, total in zip(MEMBERS_26, (80, 82, 84, 86, 88), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, total), opinion=f"Ý kiến của {member}")
    view = scoring.show_scores(runtime, product_id)["evaluation"]
    assert view["sheets"][0]["opinion"] == "Ý kiến của hd26.1"
    assert view["can_close"] and view["discussed"] is None
    assert _close(runtime, product_id)["state"] == "province_decision"


def test_written_opinions_too_far_apart_need_a_recorded_meeting_first(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member, total in zip(MEMBERS_26, (70, 72, 80, 84, 86), strict=True):
        submit(runtime, product_id, member, answers_for(SET_1, total), opinion="Đồng ý")
    with pytest.raises(GuardFailed, match="differ by 16"):
        _close(runtime, product_id)
    scoring.discuss(runtime, product_id, actor="hd26.1", note="Họp ngày 02/6: thống nhất 78,40")
    assert _close(runtime, product_id)["state"] == "province_decision"


def test_the_paper_path_records_that_no_option_level_result_exists(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    _close(runtime, product_id, score="76", minutes="BB 12/HĐ")
    evaluation = _evaluation(runtime, product_id)
    assert (evaluation.path, evaluation.band_stars, evaluation.held_back) == ("paper", None, None)
    shown = scoring.show_scores(runtime, product_id)["evaluation"]
    assert shown["option_level"] is False
    assert shown["explanation"] == "chấm trên giấy: không có kết quả theo từng lựa chọn"


def test_criteria_stats_give_mean_points_and_how_often_each_star_minimum_failed(
    cli, runtime: Runtime, qn: Province26
) -> None:
    first = product_at_council(runtime, qn)
    second = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        submit(runtime, first, member, answers_for(SET_1, 78, {"1.5": 1}))
        submit(runtime, second, member, answers_for(SET_1, 80, {"1.5": 2}))
    submit(runtime, first, "chuthe26", answers_for(SET_1, 100))  # self-assessments are not counted
    shown = cli("criteria", "stats", "ocop-26-2026", "--set", "1", "--year", "2026", "--json",
                as_of="2026-06-01")
    assert shown.exit_code == 0, shown.stderr
    stats = shown.json()
    assert (stats["sheets"], stats["products"]) == (10, 2)
    linkage = next(row for row in stats["criteria"] if row["code"] == "1.5")
    assert linkage["answered"] == 10 and linkage["mean_points"] == 1.5
    assert linkage["minimums"] == [
        {"stars": 4, "points": 2, "failed": 5, "failed_share": 0.5},
        {"stars": 5, "points": 3, "failed": 10, "failed_share": 1.0},
    ]
    earlier = cli("criteria", "stats", "ocop-26-2026", "--set", "1", "--year", "2025", "--json",
                  as_of="2026-06-01").json()
    assert earlier["sheets"] == 0 and earlier["criteria"][0]["mean_points"] is None
    human = cli("criteria", "stats", "ocop-26-2026", "--set", "1", "--year", "2026", as_of="2026-06-01")
    assert human.exit_code == 0 and "4★: 5 (50%)" in human.stdout
    older = cli("criteria", "stats", "ocop-148", "--set", "1", "--json", as_of="2026-06-01")
    assert older.exit_code == 2 and "no option-level sheets" in older.error()["message"]


def test_an_upgrade_shows_each_criterion_against_the_sheets_that_earned_the_certificate(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 78, {"1.5": 1}))
    _close(runtime, product_id)
    fire(runtime, product_id, "issue_certificate", actor="tinh26", data=DECISION)
    assert _product(runtime, product_id).stars == 3
    walk26(runtime, product_id, [
        ("request_upgrade", "chuthe26", {"data": {"upgrade_evidence": "Bao bì mới, mã QR"}}),
        ("forward_dossier", "xa26", {"data": FORWARD}),
        ("accept_dossier", "tinh26", {}),
        ("complete_review", "tinh26", {"data": {"advisory_report": "BC 5/TTV"}}),
    ])
    submit(runtime, product_id, "chuthe26", answers_for(SET_1, 84, {"1.5": 3}))
    for member in MEMBERS_26:
        submit(runtime, product_id, member, answers_for(SET_1, 80, {"1.5": 2}))
    view = scoring.show_scores(runtime, product_id)
    earlier = view["evaluation"]["compared_with_earlier"]
    assert earlier["stars"] == 3 and earlier["score"] == 78
    linkage = next(change for change in earlier["changes"] if change["criterion"] == "1.5")
    assert linkage == {"criterion": "1.5", "then": 1.0, "now": 2.0, "self": 3}
    assert view["evaluation"]["purpose"] == "upgrade"
    _close(runtime, product_id)
    assert _product(runtime, product_id).stars == 4


def test_the_commune_officer_fills_the_self_assessment_for_the_producer(
    cli, runtime: Runtime, qn: Province26, tmp_path
) -> None:
    product_id = product_at_council(runtime, qn)
    path = tmp_path / "mau02.yaml"
    path.write_text(yaml.safe_dump(answers_for(SET_1, 90, keep=(3, 4, 5))), encoding="utf-8")
    own = cli("score", "submit", str(product_id), "--actor", "xa26", "--file", str(path), "--json",
              as_of="2026-06-01")
    assert own.exit_code == 0, own.stderr
    assert own.json()["self_assessment"]["total"] == 90 and own.json()["evaluation"]["sheets"] == []
    path.write_text(yaml.safe_dump(answers_for(SET_1, 80)), encoding="utf-8")
    member = cli("score", "submit", str(product_id), "--actor", "hd26.1", "--file", str(path),
                 "--opinion", "Đạt 4 sao; cần bổ sung hợp đồng liên kết", as_of="2026-06-01")
    assert member.exit_code == 0, member.stderr
    assert "khác hội đồng (tự đánh giá / hội đồng)" in member.stdout
    assert scoring.show_scores(runtime, product_id)["evaluation"]["sheets"][0]["opinion"] == (
        "Đạt 4 sao; cần bổ sung hợp đồng liên kết")
