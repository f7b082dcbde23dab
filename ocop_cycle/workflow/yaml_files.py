"""Reading the rule files (workflows, criteria catalogues, scoring sheets): YAML checked by
a pydantic model, every problem reported with the file and its place in it."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import parse_yaml

M = TypeVar("M", bound=BaseModel)


def load_checked_yaml(path: Path, model: type[M], text: str | None = None) -> M:
    """Parse ``path`` and validate it as ``model``; raise ``WorkflowDefinitionError`` with
    one line per problem, "FILE: place: what is wrong", so a province can fix it by hand.

    ``text``: the file's content already read (and hashed) by the caller, so that what is
    checked is exactly what was hashed."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8") if text is None else text)
    except (OSError, yaml.YAMLError) as exc:
        raise WorkflowDefinitionError(f"{path}: cannot read YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise WorkflowDefinitionError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {_place(error['loc'], raw)}: {error['msg']}" for error in exc.errors()]
        raise WorkflowDefinitionError("\n".join(lines)) from None


def refuse_problems(path: Path, found: list[str]) -> None:
    """Raise the semantic problems a loader found, each line naming the file."""
    if found:
        raise WorkflowDefinitionError("\n".join(f"{path}: {problem}" for problem in found))


def _place(location: tuple[int | str, ...], raw: dict[str, object]) -> str:
    """Name the culprit the way the file does: ``transitions[3] (trigger 'x').roles``."""
    parts: list[str] = []
    node: object = raw
    for step in location:
        if isinstance(step, int):
            trigger = (
                node[step].get("trigger")
                if isinstance(node, list) and 0 <= step < len(node) and isinstance(node[step], dict)
                else None
            )
            label = f"[{step}]" + (f" (trigger {trigger!r})" if trigger else "")
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
