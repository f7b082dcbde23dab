"""The workflow as a reader can follow it without JavaScript: states in the file's order,
each with where it may lead, the product's current state marked (and said, not only coloured)."""

from __future__ import annotations

from typing import Any

from ocop_cycle.workflow.definition import WorkflowDef


def outline(definition: WorkflowDef, current: str, language: str) -> list[dict[str, Any]]:
    steps = []
    for name in definition.states:
        leads = []
        for transition in definition.transitions_from(name):
            for dest in transition.destinations:
                leads.append(
                    {
                        "action": transition.label.in_language(language),
                        "to": definition.state_label(dest, language),
                        "system": transition.system,
                    }
                )
        steps.append(
            {
                "state": name,
                "label": definition.state_label(name, language),
                "current": name == current,
                "final": definition.states[name].final,
                "leads": leads,
            }
        )
    return steps
