"""Star minimums of the option-level sheets (Decision 26/2026/QĐ-TTg, Appendix II).

An option marked 3★, 4★ or 5★ is the least a criterion must reach for that star. The
council meets a criterion at a level when more than ``majority`` of the sheets counted
chose at least that option's points. The result is the star band of the mean, lowered
to the highest level whose marked criteria, and every lower level's, the council meets.
Plain values in and out: ``minimums`` is {criterion: {stars: points}}, each sheet is
{criterion: points chosen}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

LEVELS = (3, 4, 5)
# The level a result falls to when the 3★ minimums are not met: below recognition.
BELOW_THREE = 2


@dataclass(frozen=True)
class Unmet:
    """A criterion the council did not meet at ``stars``: ``met`` of ``counted`` sheets did."""

    criterion: str
    stars: int
    met: int
    counted: int


@dataclass(frozen=True)
class StarResult:
    band_stars: int
    stars: int
    # The criteria that held the result below the band (at the level just above it).
    held_back: list[Unmet]

    @property
    def lowered(self) -> bool:
        return self.stars < self.band_stars


def met_by_council(
    points_needed: int, chosen: Sequence[int], majority: Fraction
) -> tuple[bool, int]:
    """Whether more than ``majority`` of the sheets reached ``points_needed``; and how many."""
    met = sum(1 for points in chosen if points >= points_needed)
    return met > majority * len(chosen), met


def unmet_at(
    level: int,
    minimums: Mapping[str, Mapping[int, int]],
    sheets: Sequence[Mapping[str, int]],
    majority: Fraction,
) -> list[Unmet]:
    """The criteria marked for ``level`` that the council does not meet."""
    unmet = []
    for criterion, marks in minimums.items():
        needed = marks.get(level)
        if needed is None:
            continue
        chosen = [sheet[criterion] for sheet in sheets if criterion in sheet]
        ok, met = met_by_council(needed, chosen, majority)
        if not ok:
            unmet.append(Unmet(criterion, level, met, len(chosen)))
    return unmet


def stars_with_minimums(
    band_stars: int,
    minimums: Mapping[str, Mapping[int, int]],
    sheets: Sequence[Mapping[str, int]],
    majority: Fraction,
) -> StarResult:
    """The band's stars lowered to the highest level whose minimums are all met."""
    for level in LEVELS:
        if level > band_stars:
            break
        unmet = unmet_at(level, minimums, sheets, majority)
        if unmet:
            stars = level - 1 if level > LEVELS[0] else min(band_stars, BELOW_THREE)
            return StarResult(band_stars=band_stars, stars=stars, held_back=unmet)
    return StarResult(band_stars=band_stars, stars=band_stars, held_back=[])


def explain(score: str, result: StarResult) -> str:
    """"78.40 điểm → 4★ theo thang điểm, 3★ vì tiêu chí 1.5 chưa đạt mức 4 sao"."""
    head = f"{score} điểm → {result.band_stars}★ theo thang điểm"
    if not result.lowered:
        return head
    level = result.held_back[0].stars
    codes = ", ".join(unmet.criterion for unmet in result.held_back)
    noun = "tiêu chí" if len(result.held_back) == 1 else "các tiêu chí"
    return f"{head}, {result.stars}★ vì {noun} {codes} chưa đạt mức {level} sao"
