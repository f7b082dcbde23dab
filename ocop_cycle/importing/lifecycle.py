"""Where an imported certificate stands today: the state its product would be in had it
gone through the workflow, and the certificate's own status.

The state is not guessed from fixed periods: the default workflow's own timers (e.g.
``open_renewal`` 180 days before expiry on ``certified``, ``expire`` at expiry on
``renewal_due``) are replayed up to today, so a province that edits its workflow file
gets imports that agree with it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from ocop_cycle.domain.validity import add_months
from ocop_cycle.importing.rule_sets import RuleSet
from ocop_cycle.workflow.definition import WorkflowDef

CERTIFIED = "certified"
# States an imported product may be put in, or may already be in to receive more certificates.
IMPORT_STATES = ("certified", "renewal_due", "expired")


def expiry(decision_date: date, rule_set: RuleSet) -> date:
    """Valid for the rule set's months from the decision date (domain notes §5)."""
    return _months_after(decision_date, rule_set.validity_months)


@cache
def _months_after(start: date, months: int) -> date:
    # A file of 100,000 certificates holds a few thousand decision dates: compute once.
    return add_months(start, months)


def state_reached(definition: WorkflowDef, expires_on: date, today: date) -> str:
    """Start in ``certified`` and fire every certificate timer already due by ``today``."""
    state = CERTIFIED
    visited = {state}
    while True:
        for timer in definition.states[state].timers:
            due_on = expires_on - timedelta(days=timer.days_before)
            transition = definition.transition(timer.trigger, state)
            if today >= due_on and transition is not None and transition.dest is not None:
                state = transition.dest
                break
        else:
            return state
        if state in visited:  # a timer cycle would be a broken workflow; stop, don't spin
            return state
        visited.add(state)


def certificate_status(expires_on: date, today: date) -> str:
    return "expired" if today >= expires_on else "active"
