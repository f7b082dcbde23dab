"""Reading workflow files: YAML → ``WorkflowDef``, every problem reported with its place."""

from __future__ import annotations

from pathlib import Path

from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.validation import problems
from ocop_cycle.workflow.yaml_files import load_checked_yaml, refuse_problems


def load_definition(path: Path, text: str | None = None) -> WorkflowDef:
    """Parse and check one file (or its ``text``, already read); raise
    ``WorkflowDefinitionError`` listing every problem."""
    definition = load_checked_yaml(path, WorkflowDef, text)
    refuse_problems(path, problems(definition))
    return definition
