"""Which triggers of older rules are carried out under the rules in force (Decision
26/2026 Art. 12), by the migration maps that declare them (``forwards:``).

What a product may do now, for its view and its filing page, without the ORM; moving the
product when such a trigger is fired is ``services/forwarding.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.workflow.definition import TransitionDef
from ocop_cycle.workflow.migration_maps import StateMap, map_problems
from ocop_cycle.workflow.registry import CompiledWorkflow, WorkflowRegistry

if TYPE_CHECKING:
    from sqlalchemy import Row

    from ocop_cycle.db.models import Product


@dataclass(frozen=True)
class Forward:
    """Where a trigger fired on an older product goes: the map, its target and trigger."""

    map_name: str
    state_map: StateMap
    target: CompiledWorkflow
    trigger: str

    def transition(self, state: str) -> TransitionDef | None:
        """The target's transition the product would take from its mapped state."""
        return self.target.definition.transition(self.trigger, self.state_map.states[state])


def forwards_of(
    workflows: WorkflowRegistry, product: Product | Row[Any], in_force: CompiledWorkflow
) -> dict[str, Forward]:
    """The triggers of ``product`` that go forward to ``in_force``, by the name fired.

    None while the product is on the rules in force (that version), or in a state its map
    keeps (a dossier filed before them finishes under its own rules)."""
    current = in_force.definition
    if (product.workflow, product.workflow_version) == (current.name, current.version):
        return {}
    for map_name, state_map in workflows.forwarding_maps:
        if (
            state_map.from_workflow == product.workflow
            and state_map.from_version in (None, product.workflow_version)
            and state_map.to_workflow == current.name
            and state_map.to_version in (None, current.version)
            and product.state in state_map.states
        ):
            target = workflows.get(state_map.to_workflow, state_map.to_version)
            source = workflows.get(product.workflow, product.workflow_version)
            bad = map_problems(state_map, source.definition, target.definition)
            if bad:
                raise WorkflowDefinitionError(f"{map_name}: " + "; ".join(bad))
            return {
                old: Forward(map_name, state_map, target, new)
                for old, new in state_map.forwards.items()
            }
    return {}


def transitions_now(
    workflows: WorkflowRegistry, product: Product | Row[Any], in_force: CompiledWorkflow
) -> list[TransitionDef]:
    """The transitions ``product`` may take now: its own workflow's, with those its map
    carries forward replaced by the rules in force (offered under their new names)."""
    own = workflows.get(product.workflow, product.workflow_version).definition
    forwards = forwards_of(workflows, product, in_force)
    kept = [t for t in own.transitions_from(product.state) if t.trigger not in forwards]
    carried = {
        transition.trigger: transition
        for forward in forwards.values()
        if forward.trigger in forwards
        and (transition := forward.transition(product.state)) is not None
    }
    return kept + list(carried.values())
