"""Drafts of option-level sheets: a member saves the criteria answered so far and comes
back to the rest.

A draft is its author's alone and never counts: it lives in ``sheet_drafts``, which
nothing that tallies sheets reads (quorum, mean, spread, statistics, the paper path).
Submitting (``option_sheets.record_options``) needs every criterion and deletes the
draft; a submitted sheet keeps counting, unchanged, while its author drafts changes to
it, until they submit again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import Product, User
from ocop_cycle.db.models.scoring import SheetDraft
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.scoring import option_sheet_of, sheet_owner
from ocop_cycle.workflow.evaluations import open_evaluation
from ocop_cycle.workflow.sheets import check_answers


def save_draft(
    runtime: Runtime,
    product_id: int,
    *,
    actor: str,
    answers: Mapping[str, object],
    opinion: str | None = None,
) -> dict[str, Any]:
    """Save (or replace) ``actor``'s draft: any subset of the criteria, each answer a
    criterion of the set's sheet and one of its options; whoever may submit the sheet
    may draft it, while they may submit it. A refusal lists every problem and saves nothing."""
    written_opinion = inputs.multi_line(opinion, "opinion") if opinion is not None else None
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        definition, sheet_def = option_sheet_of(runtime, product)
        evaluation, _kind = sheet_owner(session, definition, product, user)
        chosen, problems = check_answers(sheet_def, answers, complete=False)
        if problems:
            raise InvalidInput(
                f"draft refused, nothing was saved (set {sheet_def.number}): "
                + "; ".join(problems),
                vi=f"Bản nháp không được lưu (bộ sản phẩm số {sheet_def.number}): "
                + "; ".join(problem.vi for problem in problems),
            )
        now = runtime.clock.now()
        draft = session.get(SheetDraft, (product.id, user.id))
        if draft is None:
            draft = SheetDraft(product_id=product.id, user_id=user.id)
            session.add(draft)
        draft.evaluation_id = evaluation.id if evaluation is not None else None
        draft.answers = chosen
        draft.opinion = written_opinion
        draft.updated_at = now
        return draft_view(draft, len(sheet_def.criteria()))


def draft_view(draft: SheetDraft, criteria: int) -> dict[str, Any]:
    return {
        "product_id": draft.product_id,
        "status": "draft",
        "answered": len(draft.answers),
        "criteria": criteria,
        "saved_at": draft.updated_at,
    }


def current_draft(session: Session, product: Product, user: User) -> SheetDraft | None:
    """``user``'s draft for the product, if it is for the evaluation open now (a member's)
    or the self-assessment; one left from an earlier evaluation is stale and not shown."""
    draft = session.get(SheetDraft, (product.id, user.id))
    if draft is None or draft.evaluation_id is None:
        return draft
    evaluation = open_evaluation(session, product.id)
    return draft if evaluation is not None and evaluation.id == draft.evaluation_id else None


def drafting(session: Session, evaluation_id: int) -> list[int]:
    """The users with a draft in progress for the evaluation (who, never what)."""
    return list(
        session.scalars(
            select(SheetDraft.user_id)
            .where(SheetDraft.evaluation_id == evaluation_id)
            .order_by(SheetDraft.user_id)
        )
    )


def discard_draft(session: Session, product: Product, user: User) -> None:
    session.execute(
        delete(SheetDraft).where(
            SheetDraft.product_id == product.id, SheetDraft.user_id == user.id
        )
    )

