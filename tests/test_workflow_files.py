"""Workflow files are checked on load, and every kind of mistake is named precisely."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.loader import load_definition

BUNDLED = data_dir("workflows")


def original() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((BUNDLED / "ocop-148.yaml").read_text(encoding="utf-8"))
    return loaded


def transition(raw: dict[str, Any], trigger: str, source: str | None = None) -> dict[str, Any]:
    for item in raw["transitions"]:
        sources = item["source"] if isinstance(item["source"], list) else [item["source"]]
        if item["trigger"] == trigger and (source is None or source in sources):
            return item  # type: ignore[no-any-return]
    raise KeyError(trigger)


def broken(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(original())
    change(raw)
    return raw


CASES = {
    "unknown destination state": (
        lambda r: transition(r, "approve_idea").update(dest="plan_prepared"),
        "trigger 'approve_idea': unknown destination state 'plan_prepared'"),
    "unknown source state": (
        lambda r: transition(r, "submit_plan").update(source="plan_drafting"),
        "trigger 'submit_plan': unknown source state 'plan_drafting'"),
    "unreachable state": (
        lambda r: r["states"].update(limbo={"label": {"vi": "Treo", "en": "Limbo"}, "final": True}),
        "state 'limbo' is unreachable"),
    "dead end that is not final": (
        lambda r: r["states"]["withdrawn"].update(final=False),
        "state 'withdrawn' has no way out and is not marked final"),
    "trigger without roles": (
        lambda r: transition(r, "approve_plan").update(roles=[]),
        "trigger 'approve_plan': no roles may fire it"),
    "unknown role": (
        lambda r: transition(r, "approve_plan").update(roles=["mayor"]),
        "transitions[6] (trigger 'approve_plan').roles[0]: Input should be"),
    "unknown guard": (
        lambda r: transition(r, "issue_certificate").update(guards=["signed_by_chair"]),
        "trigger 'issue_certificate': unknown guard 'signed_by_chair'"),
    "unknown action": (
        lambda r: transition(r, "revoke").update(actions=["burn_certificate"]),
        "trigger 'revoke': unknown action 'burn_certificate'"),
    "overlapping routes": (
        lambda r: transition(r, "close_evaluation", "district_evaluation")["routes"][1]["when"].update(at_least=45),
        "routes overlap (score in [0, 50) and score in [45, 70))"),
    "gap between routes": (
        lambda r: transition(r, "close_evaluation", "district_evaluation")["routes"][1]["when"].update(at_least=55),
        "routes leave a gap"),
    "no certifying level for a star": (
        lambda r: r["scoring"]["certifying_level"].pop(4),
        "no level certifies 4 stars"),
    "unknown key": (
        lambda r: r["states"]["certified"].update(colour="gold"),
        "states.certified.colour: Extra inputs are not permitted"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_workflow_files_are_refused_with_a_precise_message(tmp_path: Path, case: str) -> None:
    change, message = CASES[case]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken(change), allow_unicode=True), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as refused:
        load_definition(path)
    assert str(path) in refused.value.message
    assert message in refused.value.message


def test_bundled_workflows_are_valid() -> None:
    names = {load_definition(path).key for path in BUNDLED.glob("*.yaml")}
    assert names == {"ocop-148@1", "ocop-1489@1", "ocop-26-2026@1", "ocop-26-2026@2"}


def test_validate_command_exits_2_and_lists_problems(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    raw = broken(lambda r: transition(r, "approve_plan").update(roles=[], guards=["nope"]))
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = cli("workflow", "validate", str(path))
    assert result.exit_code == 2
    assert "no roles may fire it" in result.stderr
    assert "unknown guard 'nope'" in result.stderr
    assert cli("workflow", "validate", str(BUNDLED / "ocop-148.yaml")).exit_code == 0


def test_graph_prints_mermaid_with_routes(cli: Any) -> None:
    result = cli("workflow", "graph", "ocop-148")
    assert result.exit_code == 0
    assert "stateDiagram-v2" in result.stdout
    assert "district_evaluation --> province_evaluation: close_evaluation [score in [70, 100]]" in result.stdout


def test_workflow_list_marks_the_default(cli: Any) -> None:
    """On 2024-03-01 (the tests' day) Decision 148 is in force; today 26/2026 is."""
    listed = cli("workflow", "list", "--json").json()
    assert {(w["name"], w["default"], w["in_force"]) for w in listed} == {
        ("ocop-148", True, True), ("ocop-1489", False, False), ("ocop-26-2026", False, False)}
    today = cli("workflow", "list", "--json", as_of="2026-11-28").json()
    assert [w["name"] for w in today if w["in_force"] and w["default"]] == ["ocop-26-2026"]
