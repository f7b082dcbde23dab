"""Recording a council's result on the product."""

from __future__ import annotations

from decimal import Decimal

from ocop_cycle.domain.scores import stars_for
from ocop_cycle.workflow.hooks import FireContext, action


@action("record_evaluation")
def record_evaluation(context: FireContext) -> None:
    """Keep the council's score and the stars it earns; routing already used the score."""
    score = Decimal(context.data["score"])
    product = context.product
    product.score = score
    # A mandatory criterion failed by the council means no star whatever the total; under
    # 26/2026 the star minimums (or a knock-out) give the stars (``result_stars``).
    failed = context.data.get("mandatory_failed")
    if "result_stars" in context.data:
        product.stars = int(context.data["result_stars"])
    else:
        product.stars = 0 if failed else stars_for(score, context.definition.scoring.star_bands())
    left = context.state_left
    product.evaluated_level = left.level.value if left and left.level else None
    context.effects["stars"] = product.stars
    # The council_result step says "online" or "paper"; without it, the score was typed.
    context.effects.setdefault("scoring_path", "paper" if "minutes" in context.data else "entered")
