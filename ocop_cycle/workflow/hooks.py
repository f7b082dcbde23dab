"""Named guards, actions and data fields that workflow files refer to.

A definition names them (``guards: [actor_certifies_stars]``); the code behind each name
lives here and in the modules that register more (``@guard``, ``@action``,
``@data_field``). The tables are filled once at import time, like the machine registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import Product, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.workflow.definition import StateDef, TransitionDef, WorkflowDef

if TYPE_CHECKING:
    from ocop_cycle.workflow.registry import WorkflowRegistry


@dataclass
class FireContext:
    """Everything a guard or action may look at while one trigger is being fired."""

    session: Session
    product: Product
    actor: User
    role: Role
    definition: WorkflowDef
    transition: TransitionDef
    now: datetime
    from_state: str | None = None
    comment: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Actions add what they did (e.g. the certificate number) for the history row.
    effects: dict[str, Any] = field(default_factory=dict)
    # Every loaded workflow and the province's current default, for effects that move a
    # product to the rules now in force (a renewal); None where the caller has no runtime.
    workflows: WorkflowRegistry | None = None
    default_workflow: str | None = None
    # The definition ``from_state`` belongs to, when the product changed workflow on the
    # way (a migration, a renewal under newer rules); None means ``definition``.
    from_definition: WorkflowDef | None = None

    @property
    def state_left(self) -> StateDef | None:
        """The definition of the state the product left; None on registration."""
        if self.from_state is None:
            return None
        return (self.from_definition or self.definition).states.get(self.from_state)

    @property
    def today(self) -> date:
        return self.now.astimezone(LOCAL_TZ).date()


Guard = Callable[[FireContext], None]
Action = Callable[[FireContext], None]
Parser = Callable[[str], Any]
Listener = Callable[[FireContext], None]

GUARDS: dict[str, Guard] = {}


@dataclass(frozen=True)
class Step:
    """Runs before required fields are checked; may put the fields in ``supplies`` into
    ``context.data`` from stored records, or refuse saying what is missing."""

    run: Callable[[FireContext], None]
    supplies: tuple[str, ...] = ()


STEPS: dict[str, Step] = {}
ACTIONS: dict[str, Action] = {}
DATA_FIELDS: dict[str, Parser] = {}
# Run after every state change (registration included), in the same transaction: the
# place for effects that follow from entering or leaving a state whatever the trigger.
TRANSITION_LISTENERS: list[Listener] = []


def guard(name: str) -> Callable[[Guard], Guard]:
    """Register a guard: it raises ``GuardFailed`` saying, in words, what is not met."""

    def register(function: Guard) -> Guard:
        GUARDS[name] = function
        return function

    return register


def step(name: str, supplies: tuple[str, ...] = ()) -> Callable[[Action], Action]:
    """Register a step: it may supply required data (``supplies``) before routing."""

    def register(function: Action) -> Action:
        STEPS[name] = Step(function, supplies)
        return function

    return register


def action(name: str) -> Callable[[Action], Action]:
    """Register an action: it runs after the state change, in the same transaction."""

    def register(function: Action) -> Action:
        ACTIONS[name] = function
        return function

    return register


def data_field(name: str) -> Callable[[Parser], Parser]:
    """Register a data field: its parser turns ``--data name=text`` into a JSON value."""

    def register(function: Parser) -> Parser:
        DATA_FIELDS[name] = function
        return function

    return register


def on_transition(function: Listener) -> Listener:
    """Register a listener called after every fired transition, registration included."""
    TRANSITION_LISTENERS.append(function)
    return function
