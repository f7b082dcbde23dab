"""When a council's result may be typed from paper instead of coming from its sheets.

A paper result is the council's, written down in its minutes: it needs the minutes'
reference, and it is refused while the council of that level is scoring online (members'
sheets on evaluations still open), so one officer cannot type a score past the council.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select
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
            "(the minutes' reference) with --data score=…",
            vi="Kết quả trên giấy là kết quả của hội đồng theo biên bản họp: hãy nhập số biên bản "
            "họp hội đồng cùng với số điểm",
        )
    if evaluation is None:
        return
    council = current_council(session, evaluation.level, evaluation.unit_code)
    if council is None:
        return
    # EXISTS stops at the first member sheet (index on evaluations(council_id, status)):
    # counting them all cost ten times more at 100,000 products than at 6,000.
    scoring_online = session.scalar(
        select(
            exists()
            .where(
                Evaluation.council_id == council.id,
                Evaluation.status == OPEN,
                ScoreSheet.evaluation_id == Evaluation.id,
                ScoreSheet.kind == MEMBER_SHEET,
            )
        )
    )
    if scoring_online:
        raise GuardFailed(
            f"council #{council.id} ({council.name}) of this level is scoring online "
            "(members' sheets in progress); its members score this product too. "
            "Close on paper only when no council of the level is scoring",
            vi=f"Hội đồng #{council.id} ({council.name}) cùng cấp đang chấm điểm trực tuyến (có phiếu "
            "đang chấm); các thành viên cũng chấm sản phẩm này. Chỉ nhập kết quả trên giấy khi không "
            "có hội đồng nào của cấp này đang chấm điểm",
        )
