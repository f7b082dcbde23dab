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
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocop_cycle.workflow.definition import WorkflowDef

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
    "withdraw_rerating_filing",
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


# The data each hook reads from its own transition's ``--data``, beyond the fields the
# transition requires. A transition accepts exactly its ``requires`` and what its steps,
# guards and actions read: any other key would be stored in history unread, so it is
# refused. Fields the engine works out itself (route_score, result_stars) are no input.
# tests/test_transition_data_keys.py checks this table against the hooks' code.
HOOK_READS: Mapping[str, frozenset[str]] = {
    "council_result": frozenset(
        {"discussed", "knockout", "knockout_note", "mandatory_failed", "minutes", "score"}
    ),
    "disqualification": frozenset({"knockout", "knockout_note"}),
    "issue_certificate": frozenset({"decision_date", "decision_number", "round_year"}),
    "proposed_revocation": frozenset({"conclusion", "conclusion_date", "revocation_ground"}),
    "record_evaluation": frozenset({"mandatory_failed", "minutes", "score"}),
    "revoke_certificate": frozenset({"decision_number", "reason"}),
    "revoke_on_ground": frozenset(
        {"conclusion", "conclusion_date", "decision_number", "revocation_ground"}
    ),
    "round_year": frozenset({"round_year"}),
    "site_visit_when_needed": frozenset({"site_visit"}),
}

# Data a hook reads later from the history row of an earlier trigger: that trigger
# accepts it wherever the hook is used in the same workflow.
HOOK_READS_EARLIER: Mapping[str, Mapping[str, frozenset[str]]] = {
    "site_visit_when_needed": {"forward_rerating": frozenset({"site_visit_needed"})},
}

# Records the regulation asks to keep with a trigger although no hook reads them back:
# Decision 26/2026 Art. 7.3(c), the advisory team's site visit and extra laboratory tests.
RECORDED_WITH: Mapping[str, frozenset[str]] = {
    "complete_review": frozenset({"lab_tests", "site_visit"}),
}


def accepted_data(definition: WorkflowDef) -> dict[int, frozenset[str]]:
    """The ``--data`` keys each transition of ``definition`` accepts, by ``id`` of the
    transition (the definition is immutable and owns its transitions)."""
    earlier: dict[str, set[str]] = {}
    for transition in definition.transitions:
        for hook in (*transition.steps, *transition.guards, *transition.actions):
            for trigger, fields in HOOK_READS_EARLIER.get(hook, {}).items():
                earlier.setdefault(trigger, set()).update(fields)
    accepted: dict[int, frozenset[str]] = {}
    for transition in definition.transitions:
        keys = set(transition.requires)
        for hook in (*transition.steps, *transition.guards, *transition.actions):
            keys |= HOOK_READS.get(hook, frozenset())
        keys |= earlier.get(transition.trigger, set())
        keys |= RECORDED_WITH.get(transition.trigger, frozenset())
        accepted[id(transition)] = frozenset(keys)
    return accepted


@cache
def load_hooks() -> None:
    """Import every module that registers hooks and transition listeners, and put the
    listeners in their order (once)."""
    for module in HOOK_MODULES:
        importlib.import_module(module)
    from ocop_cycle.workflow.hooks import TRANSITION_LISTENERS

    rank = {module: index for index, module in enumerate(LISTENER_MODULES)}
    TRANSITION_LISTENERS.sort(key=lambda listener: rank.get(listener.__module__, len(rank)))
