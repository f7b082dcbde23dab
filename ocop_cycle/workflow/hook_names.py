"""The names of the guards, steps, actions and data fields workflow files may use, and
where the code behind them lives.

Loading a workflow file checks its names against these tables, so reading a product
(``ocop product show``) needs none of the hook modules and what they import (council
results, certificates, rounds, the scheduler). The engine calls ``load_hooks`` before it
runs one. ``tests/test_hook_names.py`` checks that the tables equal what the modules
register: a new hook is added to its module and named here.
"""

from __future__ import annotations

import importlib
from functools import cache

HOOK_MODULES = (
    "ocop_cycle.scheduling.listener",
    "ocop_cycle.workflow.actions",
    "ocop_cycle.workflow.fields",
    "ocop_cycle.workflow.guards",
)

# The order transition listeners run in, by module, whichever was imported first: deadline
# rows are rewritten for the new state before the listeners that keep some of them open.
LISTENER_MODULES = (
    "ocop_cycle.scheduling.listener",
    "ocop_cycle.scheduling.carry_over",
    "ocop_cycle.scheduling.dated_deadlines",
    "ocop_cycle.workflow.rounds",
    "ocop_cycle.workflow.actions.evaluation_tracking",
)

GUARD_NAMES = frozenset({
    "actor_at_or_above_certifying_level",
    "actor_certifies_stars",
    "actor_revokes_certificate",
    "after_rerating_window",
    "site_visit_when_needed",
    "within_rerating_window",
})

STEP_NAMES = frozenset({"council_result", "disqualification", "proposed_revocation"})

ACTION_NAMES = frozenset({
    "apply_current_rules",
    "assign_product_code",
    "end_late_validity",
    "expire_certificate",
    "extend_validity_until_decision",
    "issue_certificate",
    "join_round",
    "keep_certified_rank",
    "notify_forwarded",
    "notify_result",
    "record_evaluation",
    "revoke_certificate",
    "revoke_on_ground",
    "round_year",
})

DATA_FIELD_NAMES = frozenset({
    "advisory_report",
    "conclusion",
    "conclusion_date",
    "decision_date",
    "decision_number",
    "discussed",
    "idea_origin",
    "knockout",
    "knockout_note",
    "lab_tests",
    "local_identity",
    "local_labour",
    "local_materials",
    "mandatory_failed",
    "minutes",
    "origin_report",
    "reason",
    "request_letter",
    "result_stars",
    "revocation_ground",
    "round_year",
    "route_score",
    "score",
    "site_visit",
    "site_visit_needed",
    "upgrade_evidence",
})


@cache
def load_hooks() -> None:
    """Import every module that registers hooks and transition listeners, and put the
    listeners in their order (once)."""
    for module in HOOK_MODULES:
        importlib.import_module(module)
    from ocop_cycle.workflow.hooks import TRANSITION_LISTENERS

    rank = {module: index for index, module in enumerate(LISTENER_MODULES)}
    TRANSITION_LISTENERS.sort(key=lambda listener: rank.get(listener.__module__, len(rank)))
