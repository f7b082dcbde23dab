"""Checks of the deadlines, timers and reminders a workflow file declares per state.

Kept apart from the structural checks so that a province editing a deadline reads one
message naming the state and the deadline, e.g. "state 'dossier_submitted': deadline
'dossier_check': a legal value needs its source".
"""

from __future__ import annotations

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.workflow.definition import DeadlineDef, StateDef, WorkflowDef
from ocop_cycle.workflow.hook_names import DATA_FIELD_NAMES


def schedule_problems(definition: WorkflowDef) -> list[str]:
    found: list[str] = []
    for name, state in definition.states.items():
        where = f"state {name!r}"
        if state.final and (state.deadlines or state.timers or state.reminders):
            found.append(f"{where}: a final state cannot have deadlines, timers or reminders")
        found.extend(_timer_problems(definition, name, state))
        seen: set[str] = set()
        for deadline in state.deadlines:
            if deadline.name in seen:
                found.append(f"{where}: deadline {deadline.name!r} is declared twice")
            seen.add(deadline.name)
            found.extend(
                f"{where}: deadline {deadline.name!r}: {problem}"
                for problem in _deadline_problems(definition, deadline)
            )
        schedules = [reminder.schedule for reminder in state.reminders]
        if len(set(schedules)) != len(schedules):
            found.append(f"{where}: a reminder schedule is listed twice")
    return found


def _timer_problems(definition: WorkflowDef, name: str, state: StateDef) -> list[str]:
    found = []
    for timer in state.timers:
        transition = definition.transition(timer.trigger, name)
        if transition is None:
            found.append(
                f"state {name!r}: timer {timer.trigger!r} is not a trigger from this state"
            )
        elif not transition.system:
            found.append(
                f"state {name!r}: timer {timer.trigger!r} must be a system trigger "
                "(system: true), since only the scheduler fires timers"
            )
    triggers = [timer.trigger for timer in state.timers]
    if len(set(triggers)) != len(triggers):
        found.append(f"state {name!r}: a timer trigger is listed twice")
    return found


def _deadline_problems(definition: WorkflowDef, deadline: DeadlineDef) -> list[str]:
    found = []
    if (deadline.working_days is None) == (deadline.days is None):
        found.append("give either working_days or days (calendar days), not both or neither")
    if deadline.basis == "legal" and not (deadline.source and deadline.source.strip()):
        found.append("a legal value needs its source (the decision and article)")
    for what, role in (("role", deadline.role), ("escalate_to", deadline.escalate_to)):
        if role is None or role == "certifying" or role is Role.PRODUCER:
            continue
        assert isinstance(role, Role)
        if role.level is None:
            found.append(f"{what} {role.value!r} is not an officer or the producer")
        elif role.level not in definition.levels:
            found.append(
                f"{what} {role.value!r} acts at level {role.level.value!r}, "
                "which this workflow does not have"
            )
    # A "certifying" deadline at the top level simply has nobody above to escalate to.
    if (
        deadline.escalate_after is not None
        and isinstance(deadline.role, Role)
        and deadline.escalation_role(definition.levels, deadline.role) is None
    ):
        found.append(
            f"escalate_after is set but there is no level above {deadline.role.value!r}; "
            "name the role with escalate_to"
        )
    if deadline.counted_from is not None and deadline.counted_from not in DATA_FIELD_NAMES:
        found.append(
            f"counted_from {deadline.counted_from!r} is not a data field; known date fields "
            "are those a trigger requires, e.g. conclusion_date"
        )
    return found
