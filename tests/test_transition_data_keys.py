"""A transition takes the data it requires and the data its steps, guards and actions read,
nothing more (issue 12 §2): any other key would be stored in history unread, so it is
refused naming the key and what the transition takes, and nothing changes.

The declared table (``HOOK_READS`` in ``workflow/hook_names.py``, read without importing
the hook modules) is checked against the hooks' own code."""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ocop_cycle.resources import data_dir
from ocop_cycle.workflow import hooks
from ocop_cycle.workflow.hook_names import (
    DATA_FIELD_NAMES,
    HOOK_READS,
    HOOK_READS_EARLIER,
    RECORDED_WITH,
    load_hooks,
)
from ocop_cycle.workflow.registry import WorkflowRegistry
from tests.conftest import World
from tests.flows import TO_148

WORKFLOWS = ("ocop-148", "ocop-1489", "ocop-26-2026")
# Worked out by the engine during a close; their parsers refuse them as input.
WORKED_OUT = ("result_stars", "route_score")

# A key read from a mapping named ``data``: data["k"] (not an assignment), data.get("k"),
# data.setdefault("k") (a value given wins), "k" in data.
_READS = re.compile(
    r"""\bdata\[\s*["'](\w+)["']\s*\](?!\s*=[^=])"""
    r"""|\bdata\.(?:get|setdefault)\(\s*["'](\w+)["']"""
    r"""|["'](\w+)["']\s+(?:not\s+)?in\s+(?:context\.)?data\b"""
)


def _functions_reached(function: Callable[..., Any]) -> Iterator[types.FunctionType]:
    """``function`` and the workflow package's functions it calls, transitively."""
    seen: set[Any] = set()
    pending: list[Any] = [inspect.unwrap(function)]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        yield current
        codes = [current.__code__]
        while codes:
            code = codes.pop()
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
            for name in code.co_names:
                found = current.__globals__.get(name)
                if isinstance(found, types.FunctionType) and found.__module__.startswith(
                    "ocop_cycle.workflow"
                ):
                    pending.append(found)


def _read_in_code(hook: str) -> set[str]:
    """The data keys a hook's code reads from its transition's data (a step also takes
    what it declares it supplies when absent)."""
    function = hooks.STEPS[hook].run if hook in hooks.STEPS else (
        hooks.GUARDS.get(hook) or hooks.ACTIONS[hook]
    )
    keys: set[str] = set(hooks.STEPS[hook].supplies) if hook in hooks.STEPS else set()
    for reached in _functions_reached(function):
        for match in _READS.finditer(inspect.getsource(reached)):
            keys.add(next(group for group in match.groups() if group))
    return keys - set(WORKED_OUT)


def _hook_names() -> set[str]:
    load_hooks()
    return set(hooks.STEPS) | set(hooks.GUARDS) | set(hooks.ACTIONS)


@pytest.mark.parametrize("hook", sorted(_hook_names()))
def test_each_hook_reads_exactly_the_data_declared_for_it(hook: str) -> None:
    assert _read_in_code(hook) == HOOK_READS.get(hook, frozenset())


def test_the_declared_tables_name_registered_hooks_and_known_fields() -> None:
    assert set(HOOK_READS) | set(HOOK_READS_EARLIER) <= _hook_names()
    declared = set().union(*HOOK_READS.values(), *RECORDED_WITH.values())
    declared |= {key for reads in HOOK_READS_EARLIER.values() for keys in reads.values()
                 for key in keys}
    assert declared <= DATA_FIELD_NAMES


def test_a_hook_reading_an_earlier_trigger_reads_that_triggers_history_row() -> None:
    load_hooks()
    for hook, earlier in HOOK_READS_EARLIER.items():
        source = inspect.getsource(hooks.GUARDS.get(hook) or hooks.ACTIONS[hook])
        for trigger, keys in earlier.items():
            assert f'History.trigger == "{trigger}"' in source
            assert all(f'"{key}"' in source for key in keys)


@pytest.mark.parametrize("parser", WORKED_OUT)
def test_what_the_engine_works_out_is_refused_as_input(parser: str) -> None:
    load_hooks()
    with pytest.raises(ValueError, match="drop it"):
        hooks.DATA_FIELDS[parser]("4")


@pytest.fixture(scope="module")
def registry() -> WorkflowRegistry:
    return WorkflowRegistry(data_dir("workflows"))


@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_every_transition_takes_its_requires_and_what_its_hooks_read(
    registry: WorkflowRegistry, workflow: str
) -> None:
    compiled = registry.get(workflow, None)
    definition = compiled.definition
    read_later: dict[str, set[str]] = {}
    for transition in definition.transitions:
        for hook in (*transition.steps, *transition.guards, *transition.actions):
            for trigger, keys in HOOK_READS_EARLIER.get(hook, {}).items():
                read_later.setdefault(trigger, set()).update(keys)
    for transition in definition.transitions:
        expected = set(transition.requires) | read_later.get(transition.trigger, set())
        expected |= RECORDED_WITH.get(transition.trigger, frozenset())
        for hook in (*transition.steps, *transition.guards, *transition.actions):
            expected |= _read_in_code(hook)
        assert compiled.accepted_data(transition) == expected, transition.trigger


def _accepted(registry: WorkflowRegistry, workflow: str, trigger: str, state: str) -> set[str]:
    compiled = registry.get(workflow, None)
    transition = compiled.definition.transition(trigger, state)
    assert transition is not None
    return set(compiled.accepted_data(transition))


def test_what_some_transitions_take_spelled_out(registry: WorkflowRegistry) -> None:
    assert _accepted(registry, "ocop-148", "approve_idea", "idea_registered") == set()
    assert _accepted(registry, "ocop-148", "issue_certificate", "awaiting_decision") == {
        "decision_number", "decision_date", "round_year"}
    assert _accepted(registry, "ocop-148", "close_evaluation", "district_evaluation") == {
        "score", "minutes", "discussed", "mandatory_failed", "knockout", "knockout_note"}
    assert _accepted(registry, "ocop-26-2026", "disqualify", "province_council") == {
        "knockout", "knockout_note"}
    # Art. 7.3: the advisory team's report, with its site visit and extra tests if made.
    assert _accepted(registry, "ocop-26-2026", "complete_review", "advisory_review") == {
        "advisory_report", "site_visit", "lab_tests"}
    # Art. 7.6: the commune marks whether the re-rating needs a site visit; the close
    # records the visit.
    assert _accepted(registry, "ocop-26-2026", "forward_rerating", "rerating_submitted") == {
        "origin_report", "request_letter", "site_visit_needed"}
    assert "site_visit" in _accepted(registry, "ocop-26-2026", "close_evaluation", "rerating_review")


def _registered(cli: Any, world: World) -> int:
    result = cli("product", "register", "--name", "Nước mắm Sa Huỳnh", "--producer",
                 str(world.producer_id), "--group", "food", "--actor", "commune1",
                 "--workflow", "ocop-148", "--json")
    assert result.exit_code == 0, result.stderr
    return int(result.json()["id"])


def test_minutes_given_to_approving_an_idea_are_refused_and_nothing_changes(
    cli: Any, world: World
) -> None:
    product_id = _registered(cli, world)
    before = cli("product", "show", str(product_id), "--json").json()
    refused = cli("product", "fire", str(product_id), "approve_idea", "--actor", "commune1",
                  "--data", "minutes=BB 12/HĐ", "--json")
    assert refused.exit_code == 2, refused.stderr
    message = refused.error()["message"]
    assert "approve_idea takes no --data minutes; it takes: no data" in message
    assert "Traceback" not in refused.stderr
    assert cli("product", "show", str(product_id), "--json").json() == before


def test_a_key_another_transition_takes_is_refused_naming_what_this_one_takes(
    cli: Any, world: World
) -> None:
    product_id = _registered(cli, world)
    for trigger, actor, _ in TO_148["district_evaluation"]:
        fired = cli("product", "fire", str(product_id), trigger, "--actor", actor)
        assert fired.exit_code == 0, fired.stderr
    before = cli("product", "show", str(product_id), "--json").json()
    refused = cli("product", "fire", str(product_id), "close_evaluation", "--actor", "district1",
                  "--data", "score=72", "--data", "minutes=BB 3/HĐ",
                  "--data", "decision_number=12/QĐ-UBND", "--json")
    assert refused.exit_code == 2, refused.stderr
    assert refused.error()["message"] == (
        "close_evaluation takes no --data decision_number; it takes: discussed, knockout, "
        "knockout_note, mandatory_failed, minutes, score"
    )
    assert cli("product", "show", str(product_id), "--json").json() == before
