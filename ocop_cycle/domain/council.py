"""A council's result from its members' scoresheets: quorum, spread, mean, mandatory criteria.

Plain values in, plain values out, so the rule can be read and tested without a database.
The thresholds come from the rule set (``scoring.council`` in the workflow file).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal

from ocop_cycle.domain.scores import round_half_up


@dataclass(frozen=True)
class CouncilRules:
    quorum: Fraction
    chair_required: bool
    max_spread: Decimal
    # Share of the sheets counted that must meet a star minimum (more than it).
    minimum_majority: Fraction = Fraction(1, 2)


@dataclass(frozen=True)
class MemberSheet:
    total: Decimal
    mandatory_failed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Tally:
    """Where a council stands: what it has, what it needs, and what still blocks closing."""

    members: int
    sheets: int
    needed: int
    missing: list[str]
    chair_has_scored: bool
    mean: Decimal | None
    spread: Decimal | None
    # Mandatory criteria failed by more than half of the members who scored.
    failed_mandatory: list[str]
    blockers: list[str] = field(default_factory=list)
    # The same blockers in Vietnamese, in the same order, for the pages.
    blockers_vi: list[str] = field(default_factory=list)

    @property
    def quorum_met(self) -> bool:
        return self.sheets >= self.needed

    @property
    def can_close(self) -> bool:
        return not self.blockers


def sheets_needed(members: int, quorum: Fraction) -> int:
    """At least ``quorum`` of the members: 3/4 of 5 is 3.75, so 4 sheets."""
    return math.ceil(quorum * members)


def tally(
    members: Sequence[str],
    chair: str,
    sheets: Mapping[str, MemberSheet],
    rules: CouncilRules,
    *,
    discussed: bool = False,
) -> Tally:
    """Count the sheets of ``members`` (usernames) against the rules.

    The final score is the mean of the members' totals rounded half up to two decimals;
    a spread above ``max_spread`` blocks closing until members re-score or the council
    records that it discussed the difference (``discussed``).
    """
    scored = [name for name in members if name in sheets]
    totals = [sheets[name].total for name in scored]
    needed = sheets_needed(len(members), rules.quorum)
    missing = [name for name in members if name not in sheets]
    chair_has_scored = chair in sheets
    mean = round_half_up(sum(totals, Decimal(0)) / len(totals)) if totals else None
    spread = max(totals) - min(totals) if totals else None
    failures = Counter(code for name in scored for code in sheets[name].mandatory_failed)
    failed_mandatory = sorted(code for code, count in failures.items() if count * 2 > len(scored))
    blockers = []
    blockers_vi = []
    if len(scored) < needed:
        blockers.append(
            f"quorum not reached: {len(scored)} of {len(members)} members have scored, "
            f"{needed} needed ({rules.quorum} of the council); missing: {', '.join(missing)}"
        )
        blockers_vi.append(
            "Hội đồng chưa đủ số thành viên chấm điểm: cần "
            f"{needed}/{len(members)} phiếu, mới có {len(scored)} (thiếu: {', '.join(missing)})"
        )
    if rules.chair_required and not chair_has_scored:
        blockers.append(f"the chair {chair} has not submitted a scoresheet")
        blockers_vi.append(f"Chủ tịch hội đồng ({chair}) chưa nộp phiếu chấm điểm")
    if spread is not None and spread > rules.max_spread and not discussed:
        blockers.append(
            f"members' totals differ by {spread} points, more than {rules.max_spread}: members "
            "re-score, or the council records its discussion (the chair with 'ocop score "
            "discuss', or --data discussed=NOTE when closing)"
        )
        blockers_vi.append(
            f"Tổng điểm của các thành viên chênh lệch {format_decimal(spread, locale='vi')} "
            f"điểm, vượt mức cho phép {format_decimal(rules.max_spread, locale='vi')} điểm: "
            "các thành viên chấm lại, hoặc hội đồng ghi nhận đã thảo luận về chênh lệch này "
            "(Chủ tịch hội đồng ghi nhận, hoặc ghi nội dung thảo luận khi kết thúc đánh giá)"
        )
    return Tally(
        members=len(members),
        sheets=len(scored),
        needed=needed,
        missing=missing,
        chair_has_scored=chair_has_scored,
        mean=mean,
        spread=spread,
        failed_mandatory=failed_mandatory,
        blockers=blockers,
        blockers_vi=blockers_vi,
    )
