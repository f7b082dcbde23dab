"""Which rule set was in force on a decision date, and who certified which star under it.

Imported certificates predate the system, so they cannot take their rule set from the
workflow a product went through: they take it from the calendar (domain notes §1). The
calendar is data: each workflow file gives its rule set's dates, certifying levels and
validity, and ``workflows/rule-sets/older.yaml`` adds the older rule sets that have no workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.workflow.registry import WorkflowRegistry

RULE_SETS_FILE = "rule-sets/older.yaml"


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    effective_from: date
    effective_until: date | None = None
    # The level that issued the certificate for each star (the issuing_level default).
    certifying_level: dict[int, Level]
    validity_months: int = Field(gt=0)

    @property
    def levels(self) -> frozenset[Level]:
        return frozenset(self.certifying_level.values())


@dataclass(frozen=True)
class RuleSetCalendar:
    """The rule sets in force one after another, earliest first."""

    rule_sets: tuple[RuleSet, ...]

    @classmethod
    def from_workflows(cls, workflows: WorkflowRegistry) -> RuleSetCalendar:
        found = {
            compiled.definition.rule_set: RuleSet(
                name=compiled.definition.rule_set,
                effective_from=compiled.definition.effective_from,
                effective_until=compiled.definition.effective_until,
                certifying_level=dict(compiled.definition.scoring.certifying_level),
                validity_months=compiled.definition.scoring.validity_months,
            )
            for compiled in workflows.all()  # by name and version: the newest wins
        }
        for rule_set in _older_rule_sets(workflows):
            found.setdefault(rule_set.name, rule_set)
        return cls(tuple(sorted(found.values(), key=lambda r: r.effective_from)))

    def on(self, decision_date: date) -> RuleSet:
        """The rule set in force on ``decision_date``; dates before the first count as the
        first, the criteria the earliest provincial certificates were converted to."""
        for rule_set in self.rule_sets:
            if rule_set.effective_until is None or decision_date <= rule_set.effective_until:
                return rule_set
        return self.rule_sets[-1]


def _older_rule_sets(workflows: WorkflowRegistry) -> list[RuleSet]:
    path = workflows.directory / RULE_SETS_FILE
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return [RuleSet.model_validate(item) for item in raw]
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        raise WorkflowDefinitionError(f"{path}: {exc}") from None
