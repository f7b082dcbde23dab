"""The deadlines, timers and reminders a workflow file declares are checked on loading:
a province editing a file gets the state, the deadline and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import data_dir
from ocop_cycle.scheduling.config import notification_config
from ocop_cycle.workflow.loader import load_definition

ORIGINAL = (data_dir("workflows") / "ocop-148.yaml").read_text(encoding="utf-8")
ANCHOR = "\n  plan_preparation:\n"  # a state without deadlines of its own


def with_state_lines(tmp_path: Path, lines: str, anchor: str = ANCHOR) -> Path:
    assert ORIGINAL.count(anchor) == 1
    path = tmp_path / "ocop-148.yaml"
    path.write_text(ORIGINAL.replace(anchor, anchor + lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["ocop-148.yaml", "ocop-1489.yaml"])
def test_the_shipped_workflows_mark_every_officer_deadline_legal_or_provincial(name: str) -> None:
    definition = load_definition(data_dir("workflows") / name)
    deadlines = {d.name: d for s in definition.states.values() for d in s.deadlines}
    assert {
        "idea_review",
        "plan_review",
        "dossier_check",
        "council_session",
        "decision_signing",
    } <= set(deadlines)
    for deadline in deadlines.values():
        assert deadline.basis in ("legal", "provincial")
        assert deadline.basis == "provincial" or deadline.source
    assert definition.states["certified"].timers[0].days_before == 180
    assert definition.states["renewal_due"].timers[0].trigger == "expire"
    schedule = notification_config().schedule(
        definition.states["renewal_due"].reminders[0].schedule
    )
    assert [step.days_before for step in schedule.steps] == [180, 90, 30, 7, 0]
    thirty = next(step for step in schedule.steps if step.days_before == 30)
    assert thirty.basis == "legal" and "30 days" in (thirty.source or "")


def test_a_timer_must_be_a_system_trigger_of_its_state(tmp_path: Path) -> None:
    path = with_state_lines(tmp_path, "    timers: [{trigger: submit_plan}]\n")
    with pytest.raises(
        WorkflowDefinitionError, match="timer 'submit_plan' must be a system trigger"
    ):
        load_definition(path)
    path = with_state_lines(tmp_path, "    timers: [{trigger: expire}]\n")
    with pytest.raises(
        WorkflowDefinitionError, match="timer 'expire' is not a trigger from this state"
    ):
        load_definition(path)


@pytest.mark.parametrize(
    ("role", "working_days", "named"),
    [("commune_officer", -3, "working_days"), ("mayor", 3, "role")],
    ids=["negative-days", "unknown-role"],
)
def test_negative_days_or_an_unknown_role_are_refused_with_their_place(
    tmp_path: Path, role: str, working_days: int, named: str
) -> None:
    path = with_state_lines(
        tmp_path,
        f"    deadlines: [{{name: x, label: {{vi: X, en: X}}, role: {role},"
        f" working_days: {working_days}, basis: provincial}}]\n",
    )
    with pytest.raises(WorkflowDefinitionError, match=rf"plan_preparation.*{named}"):
        load_definition(path)


def test_a_legal_deadline_needs_its_source_and_one_period(tmp_path: Path) -> None:
    path = with_state_lines(
        tmp_path,
        "    deadlines: [{name: x, label: {vi: X, en: X}, role: commune_officer,"
        " working_days: 3, days: 5, basis: legal}]\n",
    )
    with pytest.raises(WorkflowDefinitionError) as refused:
        load_definition(path)
    assert "deadline 'x': give either working_days or days" in refused.value.message
    assert "deadline 'x': a legal value needs its source" in refused.value.message


def test_escalating_needs_a_level_above(tmp_path: Path) -> None:
    path = with_state_lines(
        tmp_path,
        "    deadlines: [{name: x, label: {vi: X, en: X}, role: central_officer,"
        " working_days: 3, basis: provincial, escalate_after: 2}]\n",
    )
    with pytest.raises(WorkflowDefinitionError, match="no level above 'central_officer'"):
        load_definition(path)


def test_a_role_of_a_level_the_workflow_lacks_is_refused(tmp_path: Path) -> None:
    original_1489 = (data_dir("workflows") / "ocop-1489.yaml").read_text(encoding="utf-8")
    path = tmp_path / "ocop-1489.yaml"
    path.write_text(
        original_1489.replace(
            ANCHOR,
            ANCHOR + "    deadlines: [{name: x, label: {vi: X, en: X}, role: district_officer,"
            " working_days: 3, basis: provincial}]\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(WorkflowDefinitionError, match="which this workflow does not have"):
        load_definition(path)
