"""Actions: effects of a transition beyond the state change, run in its transaction."""

from ocop_cycle.workflow.actions import (
    certificates,
    council_result,
    current_rules,
    evaluation,
    evaluation_tracking,
)

__all__ = ["certificates", "council_result", "current_rules", "evaluation", "evaluation_tracking"]
