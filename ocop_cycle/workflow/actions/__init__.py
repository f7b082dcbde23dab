"""Actions: effects of a transition beyond the state change, run in its transaction."""

from ocop_cycle.scheduling import carry_over, dated_deadlines
from ocop_cycle.workflow import rounds
from ocop_cycle.workflow.actions import (
    certificates,
    council_result,
    current_rules,
    evaluation,
    evaluation_tracking,
    product_code,
    rerating,
    result_notice,
    revocation,
)

__all__ = [
    "carry_over",
    "certificates",
    "council_result",
    "current_rules",
    "dated_deadlines",
    "evaluation",
    "evaluation_tracking",
    "product_code",
    "rerating",
    "result_notice",
    "revocation",
    "rounds",
]
