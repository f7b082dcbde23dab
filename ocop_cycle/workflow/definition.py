"""The workflow file format (see docs/workflows.md), parsed and checked with pydantic.

Structural checks (types, unknown keys) come from the models; the cross-references that
make a definition usable (states that exist, are reachable and can be left, routes that
do not overlap, guard and action names known to the engine) are checked in
``ocop_cycle.workflow.validation``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ocop_cycle.domain.scores import StarBand
from ocop_cycle.domain.vocabulary import Level, Role


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


StateList = Annotated[list[str], BeforeValidator(_as_list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    """Text shown to people: Vietnamese first, English too."""

    vi: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.vi


class StateDef(_Strict):
    label: Label
    # The level whose officers are expected to act while a product waits here.
    level: Level | None = None
    final: bool = False


class ScoreRange(_Strict):
    """A half-open score interval [at_least, below); a missing end is open."""

    at_least: Decimal | None = None
    below: Decimal | None = None

    def contains(self, score: Decimal) -> bool:
        if self.at_least is not None and score < self.at_least:
            return False
        return not (self.below is not None and score >= self.below)

    def describe(self) -> str:
        low = "0" if self.at_least is None else f"{self.at_least}"
        high = "100]" if self.below is None else f"{self.below})"
        return f"score in [{low}, {high}"


class Route(_Strict):
    dest: str
    when: ScoreRange


class TransitionDef(_Strict):
    trigger: str
    source: StateList
    dest: str | None = None
    routes: list[Route] | None = None
    label: Label
    roles: list[Role] = Field(default_factory=list)
    # A system trigger is fired by a timer, never by a person.
    system: bool = False
    comment_required: bool = False
    # Data fields the actor must give (``--data KEY=VALUE``); names from the field registry.
    requires: list[str] = Field(default_factory=list)
    guards: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_destination_form(self) -> TransitionDef:
        if (self.dest is None) == (self.routes is None):
            raise ValueError(
                f"transition {self.trigger!r}: give either 'dest' or 'routes', not both or neither"
            )
        return self

    @property
    def destinations(self) -> list[str]:
        if self.routes is not None:
            return [route.dest for route in self.routes]
        assert self.dest is not None
        return [self.dest]


class BandDef(_Strict):
    stars: int = Field(ge=1, le=5)
    at_least: Decimal = Field(ge=0, le=100)


class ScoringDef(_Strict):
    """Star bands, the lowest star that earns a certificate, and who certifies which star."""

    bands: list[BandDef]
    recognised_from_stars: int = Field(ge=1, le=5)
    certifying_level: dict[int, Level]
    validity_months: int = Field(gt=0)

    def star_bands(self) -> list[StarBand]:
        return [StarBand(stars=band.stars, at_least=band.at_least) for band in self.bands]


class WorkflowDef(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: Label
    rule_set: str
    effective_from: date
    effective_until: date | None = None
    levels: list[Level]
    initial: str
    register_roles: list[Role]
    scoring: ScoringDef
    states: dict[str, StateDef]
    transitions: list[TransitionDef]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def transitions_from(self, state: str) -> list[TransitionDef]:
        return [t for t in self.transitions if state in t.source]

    def transition(self, trigger: str, state: str) -> TransitionDef | None:
        for candidate in self.transitions:
            if candidate.trigger == trigger and state in candidate.source:
                return candidate
        return None

    def has_trigger(self, trigger: str) -> bool:
        return any(t.trigger == trigger for t in self.transitions)

    def state_label(self, state: str, language: str = "vi") -> str:
        state_def = self.states.get(state)
        return state_def.label.in_language(language) if state_def else state
