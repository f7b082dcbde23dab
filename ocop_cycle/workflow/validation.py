"""Semantic checks of a workflow definition, each failure named precisely.

Messages read "FILE: state 'x': what is wrong" so a province editing a file can fix it
without reading Python.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import pairwise

from ocop_cycle.workflow.definition import ScoreRange, TransitionDef, WorkflowDef
from ocop_cycle.workflow.hook_names import ACTION_NAMES, DATA_FIELD_NAMES, GUARD_NAMES, STEP_NAMES
from ocop_cycle.workflow.schedule_validation import schedule_problems


def problems(definition: WorkflowDef) -> list[str]:
    """Every problem found in the definition; an empty list means it is usable."""
    found: list[str] = []
    states = definition.states
    if definition.initial not in states:
        found.append(f"initial state {definition.initial!r} is not a declared state")
    if not definition.register_roles:
        found.append("register_roles is empty: nobody could register a product")
    for transition in definition.transitions:
        found.extend(_transition_problems(transition, definition))
    found.extend(_route_problems(definition))
    found.extend(_scoring_problems(definition))
    found.extend(schedule_problems(definition))
    if definition.initial in states:
        reachable = _reachable(definition)
        for name in states:
            if name not in reachable:
                found.append(f"state {name!r} is unreachable from {definition.initial!r}")
    for name, state in states.items():
        has_exit = bool(definition.transitions_from(name))
        if not state.final and not has_exit:
            found.append(f"state {name!r} has no way out and is not marked final")
        if state.final and has_exit:
            found.append(f"state {name!r} is final but transitions leave it")
    return found


def _transition_problems(transition: TransitionDef, definition: WorkflowDef) -> list[str]:
    where = f"trigger {transition.trigger!r}"
    found = []
    for source in transition.source:
        if source not in definition.states:
            found.append(f"{where}: unknown source state {source!r}")
    for dest in transition.destinations:
        if dest not in definition.states:
            found.append(f"{where}: unknown destination state {dest!r}")
    if not transition.roles and not transition.system:
        found.append(f"{where}: no roles may fire it and it is not a system (timer) trigger")
    if transition.roles and transition.system:
        found.append(f"{where}: a system trigger cannot also list roles")
    for name in transition.guards:
        if name not in GUARD_NAMES:
            found.append(
                f"{where}: unknown guard {name!r} (known: {', '.join(sorted(GUARD_NAMES))})"
            )
    for name in transition.steps:
        if name not in STEP_NAMES:
            found.append(
                f"{where}: unknown step {name!r} (known: {', '.join(sorted(STEP_NAMES))})"
            )
    if transition.upgrade_not_gained is not None and transition.routes is None:
        found.append(f"{where}: upgrade_not_gained needs routes chosen by score")
    for name in transition.actions:
        if name not in ACTION_NAMES:
            found.append(
                f"{where}: unknown action {name!r} (known: {', '.join(sorted(ACTION_NAMES))})"
            )
    for name in transition.requires:
        if name not in DATA_FIELD_NAMES:
            found.append(
                f"{where}: unknown required field {name!r} "
                f"(known: {', '.join(sorted(DATA_FIELD_NAMES))})"
            )
    if transition.routes is not None and "score" not in transition.requires:
        found.append(f"{where}: routes choose by score, so 'score' must be in requires")
    return found


def _route_problems(definition: WorkflowDef) -> list[str]:
    found = []
    seen: dict[tuple[str, str], TransitionDef] = {}
    for transition in definition.transitions:
        for source in transition.source:
            key = (transition.trigger, source)
            if key in seen:
                found.append(
                    f"trigger {transition.trigger!r} from state {source!r} is defined twice; "
                    "use one transition with routes"
                )
            seen[key] = transition
        if transition.routes is None:
            continue
        ranges = sorted(
            (route.when for route in transition.routes),
            key=lambda r: r.at_least if r.at_least is not None else Decimal(-1),
        )
        for earlier, later in pairwise(ranges):
            if _overlap(earlier, later):
                found.append(
                    f"trigger {transition.trigger!r}: routes overlap "
                    f"({earlier.describe()} and {later.describe()})"
                )
            elif earlier.below != later.at_least:
                found.append(
                    f"trigger {transition.trigger!r}: routes leave a gap between "
                    f"{earlier.describe()} and {later.describe()}"
                )
        if ranges and (ranges[0].at_least not in (None, Decimal(0)) or ranges[-1].below):
            found.append(
                f"trigger {transition.trigger!r}: routes must cover every score from 0 to 100"
            )
    return found


def _overlap(first: ScoreRange, second: ScoreRange) -> bool:
    first_high = first.below if first.below is not None else Decimal("Infinity")
    second_low = second.at_least if second.at_least is not None else Decimal(0)
    return second_low < first_high


def _scoring_problems(definition: WorkflowDef) -> list[str]:
    found = []
    scoring = definition.scoring
    thresholds = [band.at_least for band in scoring.bands]
    if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        found.append("scoring.bands must be listed from the lowest score up, without repeats")
    for stars in range(scoring.recognised_from_stars, 6):
        level = scoring.certifying_level.get(stars)
        if level is None:
            found.append(f"scoring.certifying_level: no level certifies {stars} stars")
        elif level not in definition.levels:
            found.append(
                f"scoring.certifying_level: {stars} stars certified by {level.value!r}, "
                "a level this workflow does not have"
            )
    return found


def _reachable(definition: WorkflowDef) -> set[str]:
    seen = {definition.initial}
    queue = deque([definition.initial])
    while queue:
        state = queue.popleft()
        for transition in definition.transitions_from(state):
            for dest in transition.destinations:
                if dest not in seen:
                    seen.add(dest)
                    queue.append(dest)
    return seen
