"""Drafts of a council member's option-level sheet (Decision 26/2026): a member keeps the
criteria answered so far and comes back to the rest. A draft is theirs alone and never
counts (quorum, mean, statistics, the paper path); submitting needs every criterion and
makes the sheet count; a submitted sheet keeps counting while its member drafts changes."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from ocop_cycle.db.models import Evaluation, ScoreSheet
from ocop_cycle.db.models.scoring import SheetDraft
from ocop_cycle.errors import InvalidInput, PermissionDenied
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import scoring
from ocop_cycle.services.products import fire
from ocop_cycle.services.scoresheet import scoresheet_for
from ocop_cycle.services.sheet_drafts import save_draft
from ocop_cycle.services.sheet_stats import criteria_stats
from tests.law_26_2026 import (
    Province26,
    decision_day_clock_fixture,  # noqa: F401
)
from tests.sheets_support import (
    MEMBERS_26,
    SET_1,
    answers_for,
    product_at_council,
    qn_with_council_fixture,  # noqa: F401
    submit,
)

CHAIR, MEMBER = MEMBERS_26[0], MEMBERS_26[1]


def _half(total: int = 78) -> dict[str, int]:
    full = answers_for(SET_1, total)
    codes = list(full)[: len(full) // 2]
    return {code: full[code] for code in codes}


def _drafts(runtime: Runtime) -> int:
    with runtime.reading() as session:
        return int(session.scalar(select(func.count()).select_from(SheetDraft)) or 0)


def test_a_member_saves_half_a_sheet_as_a_draft_and_finds_it_again(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    half = _half()
    saved = save_draft(runtime, product_id, actor=MEMBER, answers=half, opinion="Còn xem tiếp")
    assert (saved["status"], saved["answered"]) == ("draft", len(half))
    assert saved["criteria"] == len(SET_1.criteria())
    shown = scoresheet_for(runtime, MEMBER, product_id)
    assert shown["chosen"] == half and shown["opinion"] == "Còn xem tiếp"
    assert shown["draft_saved_at"] is not None and shown["own_saved_at"] is None
    assert shown["running"]["answered"] == len(half)


def test_a_draft_never_counts_toward_quorum_mean_or_the_council_figures(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    submit(runtime, product_id, CHAIR, answers_for(SET_1, 80))
    for member in MEMBERS_26[1:]:
        save_draft(runtime, product_id, actor=member, answers=answers_for(SET_1, 60))
    evaluation = scoring.show_scores(runtime, product_id)["evaluation"]
    assert [sheet["member"] for sheet in evaluation["sheets"]] == [CHAIR]
    assert evaluation["quorum"]["sheets"] == 1 and not evaluation["quorum"]["met"]
    assert evaluation["mean"] == 80
    # The chair sees who is still scoring, never what they chose.
    chair_view = scoresheet_for(runtime, CHAIR, product_id)
    assert chair_view["drafting"] == MEMBERS_26[1:]
    assert chair_view["disagreements"] == []
    assert scoresheet_for(runtime, MEMBER, product_id)["drafting"] == []


def test_drafts_are_left_out_of_the_criteria_statistics(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    submit(runtime, product_id, CHAIR, answers_for(SET_1, 78))
    save_draft(runtime, product_id, actor=MEMBER, answers=answers_for(SET_1, 60))
    stats = criteria_stats(runtime, "ocop-26-2026", 1, 2026)
    assert (stats["sheets"], stats["products"]) == (1, 1)


def test_a_draft_answer_must_be_a_criterion_of_the_set_and_one_of_its_options(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    with pytest.raises(InvalidInput) as refused:
        save_draft(runtime, product_id, actor=MEMBER, answers={"9.9": 0, "1.5": 7, "1.1": "x"})
    said = str(refused.value)
    assert "9.9" in said and "1.5: option 7 does not exist" in said and "'x'" in said
    assert "Bản nháp không được lưu" in refused.value.vi
    assert _drafts(runtime) == 0


def test_only_a_member_of_the_council_may_draft_its_sheet(runtime: Runtime, qn: Province26) -> None:
    product_id = product_at_council(runtime, qn)
    with pytest.raises(PermissionDenied):
        save_draft(runtime, product_id, actor="tinh26", answers=_half())
    assert _drafts(runtime) == 0


def test_submitting_needs_every_criterion_and_then_the_draft_is_done_with(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    save_draft(runtime, product_id, actor=MEMBER, answers=_half())
    with pytest.raises(InvalidInput, match="criteria not answered"):
        submit(runtime, product_id, MEMBER, _half())
    assert _drafts(runtime) == 1
    submit(runtime, product_id, MEMBER, answers_for(SET_1, 78))
    assert _drafts(runtime) == 0
    shown = scoresheet_for(runtime, MEMBER, product_id)
    assert shown["draft_saved_at"] is None and shown["own_total"] == 78


def test_a_submitted_sheet_keeps_counting_while_its_member_drafts_changes(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    submit(runtime, product_id, MEMBER, answers_for(SET_1, 78))
    changed = answers_for(SET_1, 70)
    save_draft(runtime, product_id, actor=MEMBER, answers=changed)
    assert scoring.show_scores(runtime, product_id)["evaluation"]["sheets"][0]["total"] == 78
    shown = scoresheet_for(runtime, MEMBER, product_id)
    assert shown["chosen"] == changed and shown["own_total"] == 78
    assert shown["running"]["total"] == 70
    submit(runtime, product_id, MEMBER, changed)
    assert scoring.show_scores(runtime, product_id)["evaluation"]["sheets"][0]["total"] == 70


def test_drafts_alone_do_not_stop_a_paper_result(runtime: Runtime, qn: Province26) -> None:
    """The paper path is refused while the council scores online, i.e. has submitted
    sheets on open evaluations; a draft is private and may be abandoned, so it does not
    hold the level's paper results back."""
    product_id = product_at_council(runtime, qn)
    other = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        save_draft(runtime, other, actor=member, answers=_half())
    fire(runtime, product_id, "close_evaluation", actor="tinh26",
         data={"score": "76", "minutes": "BB 12/HĐ"})
    with runtime.reading() as session:
        closed = session.scalars(
            select(Evaluation).where(Evaluation.product_id == product_id)
        ).one()
        assert (closed.path, closed.status) == ("paper", "closed")
        assert session.scalar(select(func.count()).select_from(ScoreSheet)) == 0


def test_a_draft_from_an_evaluation_no_longer_open_is_not_restored(
    runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    save_draft(runtime, product_id, actor=MEMBER, answers=_half())
    fire(runtime, product_id, "close_evaluation", actor="tinh26",
         data={"score": "76", "minutes": "BB 12/HĐ"})
    shown = scoresheet_for(runtime, MEMBER, product_id)
    assert shown["chosen"] == {} and shown["draft_saved_at"] is None


def test_score_submit_with_draft_keeps_a_half_filled_file_and_without_it_refuses_it(
    cli, runtime: Runtime, qn: Province26, tmp_path
) -> None:
    product_id = product_at_council(runtime, qn)
    path = tmp_path / "phieu.yaml"
    path.write_text(yaml.safe_dump({**_half(), SET_1.criteria()[-1].code: None}), encoding="utf-8")
    drafted = cli("score", "submit", str(product_id), "--actor", MEMBER, "--file", str(path),
                  "--draft", "--json", as_of="2026-06-01")
    assert drafted.exit_code == 0, drafted.stderr
    assert drafted.json()["answered"] == len(_half()) and drafted.json()["status"] == "draft"
    refused = cli("score", "submit", str(product_id), "--actor", MEMBER, "--file", str(path),
                  "--json", as_of="2026-06-01")
    assert refused.exit_code == 2 and "criteria not answered" in refused.error()["message"]
    assert scoring.show_scores(runtime, product_id)["evaluation"]["sheets"] == []
    assert _drafts(runtime) == 1
