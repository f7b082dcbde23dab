"""Reading workflow files: YAML → ``WorkflowDef``, every problem reported with its place."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import parse_yaml
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.validation import problems


def load_definition(path: Path) -> WorkflowDef:
    """Parse and check one file; raise ``WorkflowDefinitionError`` listing every problem."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WorkflowDefinitionError(f"{path}: cannot read YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise WorkflowDefinitionError(f"{path}: expected a mapping at the top level")
    try:
        definition = WorkflowDef.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {_place(error['loc'], raw)}: {error['msg']}" for error in exc.errors()]
        raise WorkflowDefinitionError("\n".join(lines)) from None
    found = problems(definition)
    if found:
        raise WorkflowDefinitionError("\n".join(f"{path}: {problem}" for problem in found))
    return definition


def _place(location: tuple[int | str, ...], raw: dict[str, object]) -> str:
    """Name the culprit the way the file does: ``transitions[3] (trigger 'x').roles``."""
    parts: list[str] = []
    node: object = raw
    for step in location:
        if isinstance(step, int):
            trigger = (
                node[step].get("trigger")
                if isinstance(node, list) and isinstance(node[step], dict)
                else None
            )
            parts[-1] += f"[{step}]" + (f" (trigger {trigger!r})" if trigger else "")
            node = node[step] if isinstance(node, list) else None
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
