"""The workflow file format (see docs/workflows.md), parsed and checked with pydantic.

Structural checks (types, unknown keys) come from the models; the cross-references that
make a definition usable (states that exist, are reachable and can be left, routes that
do not overlap, guard and action names known to the engine) are checked in
``ocop_cycle.workflow.validation``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ocop_cycle.domain.scores import StarBand
from ocop_cycle.domain.vocabulary import Level, Role

# Vietnam's 2025 administrative units (two-tier local government, no districts) took
# effect on this day.
UNITS_2025_FROM = date(2025, 7, 1)


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


StateList = Annotated[list[str], BeforeValidator(_as_list)]


class _Strict(BaseModel):
    # Built on first validation: a command that reads its definitions from the cache of
    # checked files (definition_cache) validates none and never pays for the schemas.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Label(_Strict):
    """Text shown to people: Vietnamese first, English too."""

    vi: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.vi


# Messages sent when a product enters a state (templates in notifications/templates/).
NoticeKind = Literal[
    "certificate_issued",
    "certificate_revoked",
    "certificate_expired",
    "dossier_returned",
    "idea_returned",
    "idea_rejected",
]


class DeadlineDef(_Strict):
    """Someone must act within a period after the product enters the state.

    ``basis`` says whether the period is a legal value (then ``source`` cites it) or a
    provincial choice; escalation tells the next level up (or ``escalate_to``) when the
    deadline has been missed by ``escalate_after`` more working days.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    # "certifying": the officers of the level that certifies the product's stars.
    role: Role | Literal["certifying"]
    working_days: int | None = Field(default=None, gt=0)
    days: int | None = Field(default=None, gt=0)
    basis: Literal["legal", "provincial"]
    source: str | None = None
    # Listed in the officer's daily digest from this many working days before it is due.
    remind_before: int = Field(default=2, ge=0)
    # Escalate on the escalate_after-th working day after the due date.
    escalate_after: int | None = Field(default=None, gt=0)
    escalate_to: Role | None = None
    # Count from a date the trigger gives (a data field, e.g. ``conclusion_date``)
    # instead of the day the product enters the state.
    counted_from: str | None = None

    def escalation_role(self, levels: list[Level], acting: Role) -> Role | None:
        """The role told of a missed deadline: the one named, or the next level up from
        ``acting`` (the deadline's role, resolved)."""
        if self.escalate_to is not None:
            return self.escalate_to
        level = acting.level
        if level is None or level not in levels:
            return None
        above = [candidate for candidate in levels if candidate.rank > level.rank]
        if not above:
            return None
        higher = min(above, key=lambda candidate: candidate.rank)
        return next(role for role in Role if role.level is higher)


class TimerDef(_Strict):
    """Fire a system trigger at a date computed from the product's active certificate."""

    trigger: str
    at: Literal["certificate_expiry"] = "certificate_expiry"
    days_before: int = Field(default=0, ge=0)


class ReminderDef(_Strict):
    """Send a reminder series (a schedule in notifications/schedules.yaml) while here."""

    schedule: str
    to: Literal["producer"] = "producer"


class NoticeDef(_Strict):
    kind: NoticeKind
    to: Literal["producer"] = "producer"


class StateDef(_Strict):
    label: Label
    # The level whose officers are expected to act while a product waits here.
    level: Level | None = None
    final: bool = False
    # Written on entering the state, cancelled on leaving it (docs/deadlines-and-reminders.md).
    deadlines: list[DeadlineDef] = Field(default_factory=list)
    timers: list[TimerDef] = Field(default_factory=list)
    reminders: list[ReminderDef] = Field(default_factory=list)
    notify: list[NoticeDef] = Field(default_factory=list)


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
    # Named steps run before the required fields are checked; a step may supply data
    # (e.g. the council's score computed from its scoresheets) from stored records.
    steps: list[str] = Field(default_factory=list)
    # Where an upgrade that earns no higher star goes, keeping its current certificate.
    upgrade_not_gained: str | None = None

    @model_validator(mode="after")
    def _one_destination_form(self) -> TransitionDef:
        if (self.dest is None) == (self.routes is None):
            raise ValueError(
                f"transition {self.trigger!r}: give either 'dest' or 'routes', not both or neither"
            )
        return self

    @property
    def destinations(self) -> list[str]:
        kept = [self.upgrade_not_gained] if self.upgrade_not_gained else []
        if self.routes is not None:
            return [route.dest for route in self.routes] + kept
        assert self.dest is not None
        return [self.dest, *kept]


class CouncilRulesDef(_Strict):
    """How a council's scoresheets become its result (provincial council regulations).

    ``quorum`` is a fraction of the members ("3/4"); ``max_spread`` is the largest
    difference between members' totals accepted without the council discussing it;
    ``min_members`` is the smallest council that may be set up.
    """

    quorum: Fraction
    chair_required: bool
    max_spread: Decimal = Field(ge=0, le=100)
    # The fewest members a council may have (distinct people, the chair among them).
    min_members: int = Field(default=3, ge=1)

    @field_validator("quorum", mode="before")
    @classmethod
    def _fraction(cls, value: object) -> Fraction:
        try:
            quorum = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"quorum {value!r} is not a fraction such as 3/4") from None
        if not 0 < quorum <= 1:
            raise ValueError(f"quorum {value} must be more than 0 and at most 1")
        return quorum

    # Option-level sheets (26/2026): the council meets a criterion's star minimum when
    # more than this share of the sheets counted meet it ("1/2": a majority).
    minimum_majority: Fraction = Fraction(1, 2)

    @field_validator("minimum_majority", mode="before")
    @classmethod
    def _share(cls, value: object) -> Fraction:
        try:
            share = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"minimum_majority {value!r} is not a fraction such as 1/2") from None
        if not 0 <= share < 1:
            raise ValueError(f"minimum_majority {value} must be at least 0 and less than 1")
        return share


class BandDef(_Strict):
    stars: int = Field(ge=1, le=5)
    at_least: Decimal = Field(ge=0, le=100)


class ScoringDef(_Strict):
    """Star bands, the lowest star that earns a certificate, and who certifies which star."""

    bands: list[BandDef]
    recognised_from_stars: int = Field(ge=1, le=5)
    certifying_level: dict[int, Level]
    validity_months: int = Field(gt=0)
    # The criteria catalogue (workflows/criteria/NAME.yaml); None means the workflow's name.
    criteria: str | None = None
    # Online council scoring; None means this workflow takes paper results only.
    council: CouncilRulesDef | None = None

    def star_bands(self) -> list[StarBand]:
        return [StarBand(stars=band.stars, at_least=band.at_least) for band in self.bands]


class RoundDate(_Strict):
    """A day of the year (``"04-30"``) a round's proposals end or it must be held by."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            month, _, day = value.partition("-")
            if not (month.isdigit() and day.isdigit()):
                raise ValueError(f"{value!r} is not a day of the year; write MM-DD, e.g. 04-30")
            return {"month": int(month), "day": int(day)}
        return value

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)


class YearlyRoundDef(_Strict):
    """A round every year: proposals until one day, held by another; ``next_year`` when
    both fall in the year after the programme year the round is numbered in."""

    number: int = Field(ge=1)
    proposals_until: RoundDate
    held_by: RoundDate
    next_year: bool = False


class ExtraRoundDef(_Strict):
    """A round a province adds, with the regulation (Quy chế) that provides it."""

    province: str
    year: int
    number: int = Field(ge=1)
    proposals_until: date
    held_by: date
    regulation: str = Field(min_length=1)


class RoundsDef(_Strict):
    """When councils sit (Decision 26/2026 Art. 5): the yearly rounds of each level."""

    basis: Literal["legal", "provincial"]
    source: str
    province: list[YearlyRoundDef]
    central: list[YearlyRoundDef]
    extra: list[ExtraRoundDef] = Field(default_factory=list)
    # Days after a provincial round's hold-by date to tell the centre it was not held.
    escalate_after_days: int | None = Field(default=None, gt=0)


class ReratingDef(_Strict):
    """When a certified product may file for re-rating, counted back from expiry, and how
    long a late filer's certificate may stay valid past expiry while awaiting the decision."""

    opens_days_before: int = Field(gt=0)
    closes_days_before: int = Field(ge=0)
    late_valid_days_after: int = Field(ge=0)
    basis: Literal["legal", "provincial"]
    source: str

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> ReratingDef:
        if self.opens_days_before <= self.closes_days_before:
            raise ValueError("the re-rating window must open before it closes")
        return self


class CarryOverDef(_Strict):
    """Dossiers filed under older rules before ``filed_before`` and not yet ranked finish
    under those rules by a fixed date, by what the dossier asks for (Decision 26/2026
    Art. 12.2); the dates are deadlines of the province's officers."""

    replaces: list[str] = Field(min_length=1)
    filed_before: date
    finish_by: dict[Literal["first", "upgrade", "renewal"], date]
    basis: Literal["legal", "provincial"]
    source: str


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
    # Councils sit in rounds (Decision 26/2026); None: products go to the council directly.
    rounds: RoundsDef | None = None
    # Re-rating window (Decision 26/2026 Art. 7.6, 12.3); None: no window is enforced.
    rerating: ReratingDef | None = None
    # Products name one of the 26 product sets of Decision 26/2026 (Appendix I/II).
    product_sets: bool = False
    # Dossiers still running under the rules this one replaces (Decision 26/2026 Art. 12).
    carry_over: CarryOverDef | None = None

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def units_scheme(self) -> Literal["legacy", "2025"] | None:
        """The administrative units a new product's commune must belong to: a district
        level means the pre-2025 units; rules in force from the day the 2025 units took
        effect (1489 from 2025-07-06, 26/2026, whose product code names the commune) name
        a 2025 commune: once they were in force no legacy commune existed to name."""
        if Level.DISTRICT in self.levels:
            return "legacy"
        if self.product_sets or self.effective_from >= UNITS_2025_FROM:
            return "2025"
        return None

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
