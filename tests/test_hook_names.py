"""Workflow files are checked against the hook names without importing the hook modules
(``ocop_cycle/workflow/hook_names.py``); the names must be exactly what the modules register,
and the transition listeners run in one order whichever module was imported first."""

from __future__ import annotations

import subprocess
import sys

from ocop_cycle.workflow import hooks
from ocop_cycle.workflow.hook_names import (
    ACTION_NAMES,
    DATA_FIELD_NAMES,
    GUARD_NAMES,
    LISTENER_MODULES,
    STEP_NAMES,
    load_hooks,
)

LISTENERS_IN_ORDER = """
import ocop_cycle.workflow.rounds  # registers its listener before the scheduler's
from ocop_cycle.workflow import hooks
from ocop_cycle.workflow.hook_names import load_hooks
load_hooks()
print(" ".join(listener.__module__ for listener in hooks.TRANSITION_LISTENERS))
"""


def test_the_name_tables_are_what_the_hook_modules_register() -> None:
    load_hooks()
    assert set(hooks.GUARDS) == GUARD_NAMES
    assert set(hooks.STEPS) == STEP_NAMES
    assert set(hooks.ACTIONS) == ACTION_NAMES
    assert set(hooks.DATA_FIELDS) == DATA_FIELD_NAMES


def test_every_transition_listener_has_its_place_in_the_order() -> None:
    load_hooks()
    modules = [listener.__module__ for listener in hooks.TRANSITION_LISTENERS]
    assert modules == list(LISTENER_MODULES)


def test_deadline_rows_are_rewritten_first_even_when_rounds_was_imported_first() -> None:
    finished = subprocess.run(
        [sys.executable, "-c", LISTENERS_IN_ORDER],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert finished.stdout.split() == list(LISTENER_MODULES)
