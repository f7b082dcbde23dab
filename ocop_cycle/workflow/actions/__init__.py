"""Actions: effects of a transition beyond the state change, run in its transaction."""

from ocop_cycle.workflow.actions import certificates, evaluation

__all__ = ["certificates", "evaluation"]
