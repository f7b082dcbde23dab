"""The README's promises: the diagram is the definition's, the test command is CI's."""

from __future__ import annotations

import re
from pathlib import Path

from ocop_cycle.runtime import workflow_registry

ROOT = Path(__file__).resolve().parent.parent
# The workflow in force today (Decision 26/2026/QĐ-TTg) is the one the README draws.
DEFAULT = "ocop-26-2026"


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_diagram_is_generated_from_the_default_workflow() -> None:
    match = re.search(
        rf"<!-- workflow-graph:{DEFAULT} -->\n```mermaid\n(.*?)\n```\n<!-- /workflow-graph -->",
        readme(), re.S)
    assert match, "README lacks the generated diagram; run: python -m tests.test_readme"
    assert match.group(1) == workflow_registry(None).get(DEFAULT).mermaid


def test_ci_runs_the_readme_test_command() -> None:
    command = re.search(r"```sh\n(python3 -m venv \.venv && .*pytest.*)\n```", readme())
    assert command is not None
    assert command.group(1) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def regenerate() -> None:
    """Write the current diagram into the README."""
    text = readme()
    diagram = workflow_registry(None).get(DEFAULT).mermaid
    # The closing fence on a line of its own: on a content line it would not close the block.
    block = f"<!-- workflow-graph:{DEFAULT} -->\n```mermaid\n{diagram}\n```\n<!-- /workflow-graph -->"
    text = re.sub(r"<!-- workflow-graph:[a-z0-9-]+ -->.*?<!-- /workflow-graph -->", block, text,
                  flags=re.S)
    (ROOT / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
