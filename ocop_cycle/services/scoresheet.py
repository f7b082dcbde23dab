"""The scoresheet page's data: the product set's option-level sheet (Decision 26/2026),
the viewer's own choices so far, and the council's tally the chair needs.

Writing goes through ``option_sheets.submit_options`` and ``sheet_drafts.save_draft``;
this module only reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import ScoreSheet, User
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.domain.star_minimums import stars_with_minimums
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.criteria import sheet_view
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.scoring import option_sheet_of, scores_view
from ocop_cycle.services.sheet_drafts import current_draft, drafting
from ocop_cycle.services.sheet_views import disagreement_table
from ocop_cycle.services.visibility import visible_product
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.evaluations import council_rules
from ocop_cycle.workflow.permissions import closes_by_written_opinions
from ocop_cycle.workflow.sheets import Sheet, check_answers, points_of


def scoresheet_for(runtime: Runtime, viewer: str, product_id: int) -> dict[str, Any]:
    """The sheet to fill in for ``viewer``, with their latest choices (their draft's, when
    they have one, else the submitted sheet's) and the tally; the
    chair (and the officers who follow the council) also get the criteria members disagree
    on, and the chair whether they close here (while the evaluation is open) and whether
    it is a re-rating by written opinions (Art. 7.6)."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        product = visible_product(session, user, product_id)
        definition, sheet_def = option_sheet_of(runtime, product)
        own = session.scalars(
            select(ScoreSheet)
            .where(ScoreSheet.product_id == product.id, ScoreSheet.user_id == user.id)
            .order_by(ScoreSheet.id.desc())
            .limit(1)
        ).first()
        chosen: dict[str, int] = {}
        if own is not None:
            chosen = {
                code: option
                for code, option in session.execute(
                    select(SheetChoice.criterion, SheetChoice.option).where(
                        SheetChoice.sheet_id == own.id
                    )
                )
            }
        draft = current_draft(session, product, user)
        if draft is not None:
            chosen = dict(draft.answers)
        scores = scores_view(runtime, session, product)
        evaluation = scores["evaluation"]
        council = evaluation["council"] if evaluation else None
        is_chair = council is not None and council["chair"] == user.username
        follows_council = is_chair or user.role != Role.COUNCIL_MEMBER.value
        return {
            "product": {"id": product.id, "name": product.name, "state": product.state},
            "sheet": sheet_view(sheet_def),
            "chosen": chosen,
            "own_total": float(own.total) if own is not None else None,
            "own_saved_at": own.updated_at if own is not None else None,
            "opinion": draft.opinion if draft else own.opinion if own is not None else None,
            "draft_saved_at": draft.updated_at if draft is not None else None,
            "drafting": (
                _drafting_members(session, evaluation["id"])
                if evaluation and evaluation["status"] == "open" and follows_council
                else []
            ),
            "scores": scores,
            "disagreements": (
                disagreement_table(sheet_def, evaluation) if evaluation and follows_council else []
            ),
            "is_chair": is_chair,
            "chair_closes": bool(is_chair and evaluation["status"] == "open"),
            "written_opinions": bool(
                evaluation
                and closes_by_written_opinions(evaluation["purpose"], option_level=True)
            ),
            "running": _running(definition, sheet_def, chosen),
        }


def running_total(
    runtime: Runtime, viewer: str, product_id: int, answers: Mapping[str, object]
) -> dict[str, Any]:
    """What the options ticked so far add up to and the star that total would give on this
    sheet alone (its star minimums included), before anything is saved."""
    with runtime.reading() as session:
        product = visible_product(session, get_user(session, viewer), product_id)
        definition, sheet_def = option_sheet_of(runtime, product)
    chosen, _unanswered = check_answers(sheet_def, answers)
    return _running(definition, sheet_def, chosen)


def _drafting_members(session: Session, evaluation_id: int) -> list[str]:
    """Who has a draft in progress (never its answers): the chair and officers see who is
    still filling in, beside the sheets that count."""
    ids = drafting(session, evaluation_id)
    if not ids:
        return []
    return list(session.scalars(select(User.username).where(User.id.in_(ids)).order_by(User.username)))


def _running(
    definition: WorkflowDef, sheet_def: Sheet, chosen: Mapping[str, int]
) -> dict[str, Any]:
    points = points_of(sheet_def, chosen)
    total = sum(points.values())
    complete = len(points) == len(sheet_def.criteria())
    stars: int | None = None
    held_back: list[str] = []
    rules = council_rules(definition)
    if complete and rules is not None:
        band = stars_for(Decimal(total), definition.scoring.star_bands())
        result = stars_with_minimums(band, sheet_def.minimums, [points], rules.minimum_majority)
        stars, held_back = result.stars, [unmet.criterion for unmet in result.held_back]
    return {
        "total": total,
        "answered": len(points),
        "criteria": len(sheet_def.criteria()),
        "stars": stars,
        "held_back": held_back,
    }
