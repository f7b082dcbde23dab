"""Scores and stars: half-open bands over council means (Decision 148 §4 of the domain notes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_SCORE = Decimal(100)
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class StarBand:
    """``stars`` is earned by a score of at least ``at_least`` (up to the next band)."""

    stars: int
    at_least: Decimal


def parse_score(text: str | float | Decimal) -> Decimal:
    """A council score: a number from 0 to 100 with at most two decimals."""
    try:
        score = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"score {text!r} is not a number") from None
    if not score.is_finite() or score < 0 or score > MAX_SCORE:
        raise ValueError(f"score {text} is out of range: it must be between 0 and 100")
    if score != score.quantize(_CENTS, rounding=ROUND_HALF_UP):
        raise ValueError(f"score {text} has more than two decimals")
    return score.quantize(_CENTS)


def round_half_up(value: Decimal) -> Decimal:
    """Council means are rounded half up to two decimals (72.345 → 72.35)."""
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)


def stars_for(score: Decimal, bands: Sequence[StarBand]) -> int:
    """The star rank a score earns: the highest band whose lower bound it reaches."""
    earned = 0
    for band in sorted(bands, key=lambda b: b.at_least):
        if score >= band.at_least:
            earned = band.stars
    return earned
