"""The machine registry: every definition loaded and checked once per process, each
machine compiled on first use.

One ``transitions`` machine per (workflow, version), with ``model=None``: products are
not added to it; the engine passes each product to an event's ``trigger`` (architecture
decision 1), so memory and dispatch time do not grow with the number of products. A
command that only reads (``ocop product show``) needs the definitions, not the machines,
so it neither imports ``transitions`` nor compiles one; the definitions come from the
cache of checked files (``definition_cache``) when their content was checked before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocop_cycle.errors import NotFound
from ocop_cycle.localtime import show_date
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.definition import ScoreRange, TransitionDef, WorkflowDef
from ocop_cycle.workflow.definition_cache import load_definition_cached
from ocop_cycle.workflow.hook_names import accepted_data
from ocop_cycle.workflow.migration_maps import StateMap, forwarding_maps

if TYPE_CHECKING:
    from transitions import EventData, Machine


class ScoreCondition:
    """A route's condition, named so diagrams show it: ``score in [50, 70)``."""

    def __init__(self, when: ScoreRange) -> None:
        self.when = when
        self.__name__ = when.describe()

    def __call__(self, event: EventData) -> bool:
        data = event.kwargs["context"].data
        # A failed mandatory criterion routes as "no star" whatever the score.
        return self.when.contains(Decimal(data.get("route_score", data["score"])))


class UpgradeNotGained:
    """An upgrade's final result earned no higher star: the current certificate stays.

    Set by the council-result step in ``context.effects["upgrade"]``; checked before the
    score routes, so it wins over them.
    """

    __name__ = "upgrade earns no higher star"

    def __call__(self, event: EventData) -> bool:
        upgrade = event.kwargs["context"].effects.get("upgrade")
        return isinstance(upgrade, dict) and upgrade.get("gained") is False


def _machine_transitions(definition: WorkflowDef) -> list[dict[str, Any]]:
    compiled: list[dict[str, Any]] = []
    for transition in definition.transitions:
        if transition.routes is None:
            compiled.append(
                {
                    "trigger": transition.trigger,
                    "source": transition.source,
                    "dest": transition.dest,
                }
            )
            continue
        if transition.upgrade_not_gained is not None:
            compiled.append(
                {
                    "trigger": transition.trigger,
                    "source": transition.source,
                    "dest": transition.upgrade_not_gained,
                    "conditions": [UpgradeNotGained()],
                }
            )
        for route in transition.routes:
            compiled.append(
                {
                    "trigger": transition.trigger,
                    "source": transition.source,
                    "dest": route.dest,
                    "conditions": [ScoreCondition(route.when)],
                }
            )
    return compiled


@dataclass
class CompiledWorkflow:
    definition: WorkflowDef
    path: Path
    # The canonical hash a database pins this (name, version) to on first use.
    content_hash: str

    @cached_property
    def machine(self) -> Machine:
        """The state machine, compiled when a transition is first fired or listed."""
        from transitions import Machine

        return Machine(
            model=None,
            states=list(self.definition.states),
            transitions=_machine_transitions(self.definition),
            initial=self.definition.initial,
            auto_transitions=False,
            send_event=True,
        )

    @cached_property
    def _accepted_data(self) -> dict[int, frozenset[str]]:
        return accepted_data(self.definition)

    def accepted_data(self, transition: TransitionDef) -> frozenset[str]:
        """The ``--data`` keys ``transition`` (one of this workflow's) accepts."""
        return self._accepted_data[id(transition)]

    @cached_property
    def mermaid(self) -> str:
        """The state diagram as Mermaid text, built on first use and kept."""
        from transitions.extensions import GraphMachine

        graph = GraphMachine(
            model="self",
            states=list(self.definition.states),
            transitions=_machine_transitions(self.definition),
            initial=self.definition.initial,
            auto_transitions=False,
            send_event=True,
            graph_engine="mermaid",
            show_conditions=True,
            title=f"{self.definition.name} v{self.definition.version}",
        )
        text: str = graph.get_graph().draw(None)
        return text


class WorkflowRegistry:
    """All workflow definitions found in one folder, by name and version."""

    def __init__(self, directory: Path, cache_dir: Path | None = None) -> None:
        """``cache_dir``: where checked definitions are kept (``OCOP_CACHE_DIR``); None
        means the user's cache folder."""
        self.directory = directory
        self._cache_dir = cache_dir
        self._by_key: dict[tuple[str, int], CompiledWorkflow] = {}
        # Every file, not only the product's own: which rules are in force on a day
        # depends on all their effective dates, and a broken file is refused at once.
        for path in sorted(directory.glob("*.yaml")):
            checked = load_definition_cached(path, cache_dir)
            definition = checked.definition
            self._by_key[(definition.name, definition.version)] = CompiledWorkflow(
                definition, path, checked.content_hash
            )

    @classmethod
    def from_settings(cls, override: Path | None, cache_dir: Path | None = None) -> WorkflowRegistry:
        return cls(data_dir("workflows", override), cache_dir)

    def get(self, name: str, version: int | None = None) -> CompiledWorkflow:
        if version is None:
            versions = [v for (n, v) in self._by_key if n == name]
            if not versions:
                known = ", ".join(sorted({n for n, _ in self._by_key}))
                raise NotFound(
                    f"no workflow named {name!r}; known workflows: {known}",
                    vi=f"Không có quy trình tên {name!r}; các quy trình hiện có: {known}",
                )
            version = max(versions)
        compiled = self._by_key.get((name, version))
        if compiled is None:
            raise NotFound(
                f"workflow {name!r} has no version {version}",
                vi=f"Quy trình {name!r} không có phiên bản {version}",
            )
        return compiled

    def in_force(self, on: date) -> CompiledWorkflow:
        """The workflow whose rules are in force on ``on`` (its effective dates), the
        latest version of it; the newest rule set when several overlap."""
        found = [
            compiled
            for compiled in self._by_key.values()
            if compiled.definition.effective_from <= on
            and (
                compiled.definition.effective_until is None
                or on <= compiled.definition.effective_until
            )
        ]
        if not found:
            spans = ", ".join(
                f"{c.definition.name} from {c.definition.effective_from}" for c in self.all()
            )
            raise NotFound(
                f"no workflow is in force on {on.isoformat()}; loaded: {spans}",
                vi=f"Không có quy trình nào có hiệu lực vào ngày {show_date(on)}; các quy trình đã nạp: {spans}",
            )
        return max(found, key=lambda c: (c.definition.effective_from, c.definition.version))

    def for_new_product(self, on: date, pinned: str | None = None) -> CompiledWorkflow:
        """``pinned`` (``--workflow`` or ``OCOP_DEFAULT_WORKFLOW``), else the one in force."""
        return self.get(pinned) if pinned else self.in_force(on)

    @cached_property
    def forwarding_maps(self) -> tuple[tuple[str, StateMap], ...]:
        """The migration maps of this folder that carry triggers forward, by file name:
        read when a product on older rules is first viewed or fired."""
        return forwarding_maps(self.directory / "migrations", self._cache_dir).maps

    def all(self) -> list[CompiledWorkflow]:
        return [self._by_key[key] for key in sorted(self._by_key)]
