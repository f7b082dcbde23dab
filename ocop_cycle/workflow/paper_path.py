"""When a council's result may be typed from paper instead of coming from its sheets.

A paper result is the council's, written down in its minutes: it needs the minutes'
reference, and it is refused while the council of that level is scoring online (members'
sheets on evaluations still open), so one officer cannot type a score past the council.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Evaluation, ScoreSheet
from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.workflow.evaluations import MEMBER_SHEET, OPEN, current_council


def check_paper_result(
    session: Session, data: Mapping[str, Any], evaluation: Evaluation | None
) -> None:
    """Refuse a paper score without minutes, or while the level's council scores online."""
    if not str(data.get("minutes", "")).strip():
        raise InvalidInput(
            "a paper result is the council's, from its minutes: give --data minutes=… "
            "(the minutes' reference) with --data score=…"
        )
    if evaluation is None:
        return
    council = current_council(session, evaluation.level, evaluation.unit_code)
    if council is None:
        return
    in_progress = session.scalar(
        select(func.count(ScoreSheet.id))
        .join(Evaluation, Evaluation.id == ScoreSheet.evaluation_id)
        .where(
            Evaluation.council_id == council.id,
            Evaluation.status == OPEN,
            ScoreSheet.kind == MEMBER_SHEET,
        )
    )
    if in_progress:
        raise GuardFailed(
            f"council #{council.id} ({council.name}) of this level is scoring online "
            f"({in_progress} sheets in progress); its members score this product too. "
            "Close on paper only when no council of the level is scoring"
        )
