"""Opening and closing evaluations as products enter and leave evaluation states."""

from __future__ import annotations

from sqlalchemy import select

from ocop_cycle.db.models import Evaluation
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.workflow.evaluations import (
    CANCELLED,
    CLOSED,
    OPEN,
    current_council,
    dossier_purpose,
    is_evaluation_state,
    unit_for_level,
)
from ocop_cycle.workflow.hooks import FireContext, on_transition


@on_transition
def track_evaluations(context: FireContext) -> None:
    """Entering an evaluation state opens an evaluation for the council of that level and
    unit; leaving it closes it (by ``close_evaluation``) or cancels it (any other way)."""
    if context.from_state is None:
        return
    product, definition, session = context.product, context.definition, context.session
    left_definition = context.from_definition or definition
    left_plain_state = context.state_left is not None and not is_evaluation_state(
        left_definition, context.from_state
    )
    if left_plain_state and not is_evaluation_state(definition, product.state):
        return  # most transitions: no evaluation can be open or opened, so no query
    closing = context.transition.routes is not None
    still_open = None
    for row in session.scalars(
        select(Evaluation).where(Evaluation.product_id == product.id, Evaluation.status == OPEN)
    ):
        if row.state == product.state and context.from_state == product.state:
            row.workflow = product.workflow
            still_open = row
            continue
        row.status = CLOSED if closing and row.state == context.from_state else CANCELLED
        row.closed_at = context.now
    if still_open is not None or not is_evaluation_state(definition, product.state):
        return
    state = definition.states[product.state]
    level = state.level or Level.CENTRAL
    unit_code = unit_for_level(product, level)
    council = current_council(session, level.value, unit_code)
    session.add(
        Evaluation(
            product_id=product.id,
            workflow=product.workflow,
            state=product.state,
            level=level.value,
            unit_code=unit_code,
            council_id=council.id if council else None,
            purpose=dossier_purpose(session, product.id),
            status=OPEN,
            opened_at=context.now,
        )
    )
