"""Telling the producer a council's result (Decision 26/2026/QĐ-TTg Art. 4, 7): the score
and stars, and what follows: no certificate below 3★, the Ministry from 90 points, back
to the province when the Ministry finds under 90, or the decision to come."""

from __future__ import annotations

from sqlalchemy import func, select

from ocop_cycle.db.models import History
from ocop_cycle.scheduling.notices import notify_producer
from ocop_cycle.workflow.hooks import FireContext, action

_OUTCOMES = {
    "not_ranked": "not_recognised",
    "chair_approval": "to_ministry",
    "province_reconsideration": "back_to_province",
}


@action("notify_result")
def notify_result(context: FireContext) -> None:
    product = context.product
    if product.stars is None or product.score is None or product.state == context.from_state:
        return
    if context.effects.get("certificate_kept"):
        return  # an upgrade not gained: the certificate_kept notice says so
    sequence = context.session.scalar(
        select(func.count()).select_from(History).where(History.product_id == product.id)
    )
    state = context.definition.states[product.state]
    level = context.definition.states[context.from_state or product.state].level
    notify_producer(
        context.session,
        product,
        "evaluation_result",
        f"result-{sequence or 0}",
        {
            "result": {
                "score": f"{product.score.normalize():f}",
                "stars": product.stars,
                "level": level.value if level else None,
                "outcome": _OUTCOMES.get(product.state, "awaiting_decision"),
                "state_label": state.label.model_dump(),
            }
        },
        context.now,
    )
