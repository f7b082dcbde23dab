"""Star minimums as plain values: a criterion is met at a level when more than the
majority share of the sheets counted reach the marked option's points."""

from __future__ import annotations

from fractions import Fraction

from ocop_cycle.domain.star_minimums import explain, stars_with_minimums

HALF = Fraction(1, 2)
# 1.5: 4★ at 2 points, 5★ at 3; 2.3: 3★ at 1 point; 1.3: 5★ at 3.
MINIMUMS = {"1.5": {4: 2, 5: 3}, "2.3": {3: 1}, "1.3": {5: 3}}


def sheets(*rows: dict[str, int]) -> list[dict[str, int]]:
    return list(rows)


def test_a_band_below_3_stars_is_not_raised_or_lowered() -> None:
    result = stars_with_minimums(2, MINIMUMS, sheets({"1.5": 0, "2.3": 0, "1.3": 0}), HALF)
    assert (result.stars, result.held_back) == (2, [])


def test_every_lower_level_must_hold_for_a_higher_one() -> None:
    # 5★ minimums met, but 2.3's 3★ minimum is not: below 3★ whatever the band.
    result = stars_with_minimums(5, MINIMUMS, sheets({"1.5": 3, "2.3": 0, "1.3": 3}), HALF)
    assert result.stars == 2 and [u.criterion for u in result.held_back] == ["2.3"]


def test_exactly_half_is_no_majority_and_the_share_is_a_rule_value() -> None:
    four = sheets({"1.5": 2, "2.3": 1}, {"1.5": 2, "2.3": 1}, {"1.5": 1, "2.3": 1}, {"1.5": 1, "2.3": 1})
    assert stars_with_minimums(4, MINIMUMS, four, HALF).stars == 3
    assert stars_with_minimums(4, MINIMUMS, four, Fraction(1, 3)).stars == 4


def test_several_criteria_holding_back_are_all_named() -> None:
    result = stars_with_minimums(5, MINIMUMS, sheets({"1.5": 2, "2.3": 1, "1.3": 2}), HALF)
    assert result.stars == 4
    assert explain("93.00", result) == (
        "93.00 điểm → 5★ theo thang điểm, 4★ vì các tiêu chí 1.5, 1.3 chưa đạt mức 5 sao")


def test_a_result_not_lowered_says_only_the_band() -> None:
    result = stars_with_minimums(4, MINIMUMS, sheets({"1.5": 2, "2.3": 1, "1.3": 0}), HALF)
    assert explain("80.00", result) == "80.00 điểm → 4★ theo thang điểm"
