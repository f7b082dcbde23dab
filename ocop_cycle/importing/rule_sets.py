"""Which rule set was in force on a decision date, and who certified which star under it.

Imported certificates predate the system, so they cannot take their rule set from the
workflow a product went through: they take it from the calendar (domain notes §1). The
148 and 1489 entries must agree with the workflow files; a test checks that they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ocop_cycle.domain.vocabulary import Level


@dataclass(frozen=True)
class RuleSet:
    name: str
    effective_from: date
    effective_until: date | None
    # The level that issued the certificate for each star (the issuing_level default).
    certifying_level: dict[int, Level]
    validity_months: int

    @property
    def levels(self) -> frozenset[Level]:
        return frozenset(self.certifying_level.values())


RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        name="1048/QĐ-TTg",
        effective_from=date(2019, 8, 21),
        effective_until=date(2023, 2, 23),
        # Under 1048 the district only pre-evaluated: the province certified 3★ and 4★.
        certifying_level={3: Level.PROVINCE, 4: Level.PROVINCE, 5: Level.CENTRAL},
        validity_months=36,
    ),
    RuleSet(
        name="148/QĐ-TTg",
        effective_from=date(2023, 2, 24),
        effective_until=date(2025, 7, 5),
        certifying_level={3: Level.DISTRICT, 4: Level.PROVINCE, 5: Level.CENTRAL},
        validity_months=36,
    ),
    RuleSet(
        name="1489/QĐ-TTg",
        effective_from=date(2025, 7, 6),
        effective_until=None,
        certifying_level={3: Level.PROVINCE, 4: Level.PROVINCE, 5: Level.CENTRAL},
        validity_months=36,
    ),
)


def rule_set_on(decision_date: date) -> RuleSet:
    """The rule set in force on ``decision_date``; dates before 1048 count as 1048, the
    criteria the earliest provincial certificates were converted to."""
    for rule_set in RULE_SETS:
        if rule_set.effective_until is None or decision_date <= rule_set.effective_until:
            return rule_set
    return RULE_SETS[-1]
