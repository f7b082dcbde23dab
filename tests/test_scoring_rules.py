"""The scoring rules as plain values: bands, quorum, spread, mandatory criteria, rounding,
validity months, the criteria catalogues and who certifies which star."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ocop_cycle.domain.council import CouncilRules, MemberSheet, sheets_needed, tally
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.domain.validity import add_months
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.criteria import load_catalogue
from ocop_cycle.workflow.evaluations import catalogue_for, council_rules
from ocop_cycle.workflow.registry import WorkflowRegistry

WORKFLOWS = data_dir("workflows")
REGISTRY = WorkflowRegistry(WORKFLOWS)
RULES_148 = council_rules(REGISTRY.get("ocop-148").definition)
MEMBERS = ["chair", "b", "c", "d"]


def sheets(**totals: str) -> dict[str, MemberSheet]:
    return {name: MemberSheet(Decimal(total)) for name, total in totals.items()}


@pytest.mark.parametrize(
    ("score", "stars"),
    [("0", 1), ("29.99", 1), ("30", 2), ("49.99", 2), ("50", 3), ("69.99", 3), ("70", 4),
     ("89.99", 4), ("90", 5), ("100", 5)],
)
@pytest.mark.parametrize("workflow", ["ocop-148", "ocop-1489"])
def test_star_bands_are_half_open_at_30_50_70_90(workflow: str, score: str, stars: int) -> None:
    bands = REGISTRY.get(workflow).definition.scoring.star_bands()
    assert stars_for(Decimal(score), bands) == stars


def test_council_thresholds_come_from_the_rule_set_file() -> None:
    assert CouncilRules(Fraction(3, 4), True, Decimal(10)) == RULES_148
    assert council_rules(REGISTRY.get("ocop-1489").definition) == RULES_148


@pytest.mark.parametrize(("members", "needed"), [(3, 3), (4, 3), (5, 4), (7, 6), (8, 6), (9, 7)])
def test_quorum_is_three_quarters_of_the_members_rounded_up(members: int, needed: int) -> None:
    assert sheets_needed(members, Fraction(3, 4)) == needed


def test_quorum_with_the_chair_lets_the_council_close() -> None:
    assert RULES_148 is not None
    result = tally(MEMBERS, "chair", sheets(chair="72", b="74", c="70"), RULES_148)
    assert result.can_close and result.quorum_met and result.missing == ["d"]
    assert result.mean == Decimal("72.00")


def test_quorum_without_the_chair_is_refused_naming_the_chair() -> None:
    assert RULES_148 is not None
    result = tally(MEMBERS, "chair", sheets(b="72", c="74", d="70"), RULES_148)
    assert result.quorum_met and not result.can_close
    assert result.blockers == ["the chair chair has not submitted a scoresheet"]


def test_too_few_sheets_are_refused_saying_who_is_missing() -> None:
    assert RULES_148 is not None
    result = tally(MEMBERS, "chair", sheets(chair="72", b="74"), RULES_148)
    assert not result.quorum_met
    assert "2 of 4 members have scored, 3 needed" in result.blockers[0]
    assert "missing: c, d" in result.blockers[0]


def test_a_spread_of_exactly_10_points_is_accepted() -> None:
    assert RULES_148 is not None
    assert tally(MEMBERS, "chair", sheets(chair="60", b="70", c="65"), RULES_148).can_close


def test_a_spread_of_more_than_10_points_needs_rescoring_or_a_recorded_discussion() -> None:
    assert RULES_148 is not None
    spread = sheets(chair="60", b="70.01", c="65")
    refused = tally(MEMBERS, "chair", spread, RULES_148)
    assert not refused.can_close and refused.spread == Decimal("10.01")
    assert "differ by 10.01 points, more than 10" in refused.blockers[0]
    assert tally(MEMBERS, "chair", spread, RULES_148, discussed=True).can_close


def test_a_mandatory_criterion_counts_when_failed_by_a_majority_of_those_who_scored() -> None:
    assert RULES_148 is not None
    failed = {
        "chair": MemberSheet(Decimal(80), frozenset({"M1"})),
        "b": MemberSheet(Decimal(80), frozenset({"M1", "M2"})),
        "c": MemberSheet(Decimal(80)),
    }
    assert tally(MEMBERS, "chair", failed, RULES_148).failed_mandatory == ["M1"]
    half = {**failed, "d": MemberSheet(Decimal(80))}
    assert tally(MEMBERS, "chair", half, RULES_148).failed_mandatory == []


@pytest.mark.parametrize(
    ("totals", "mean"),
    [(("72.34", "72.35"), "72.35"), (("70", "70", "70.01"), "70.00"),
     (("69.99", "69.99", "70"), "69.99"), (("49.99", "50", "50"), "50.00"),
     (("50", "50", "49.98"), "49.99")],
)
def test_the_final_score_is_the_mean_rounded_half_up_to_two_decimals(
    totals: tuple[str, ...], mean: str
) -> None:
    assert RULES_148 is not None
    names = MEMBERS[: len(totals)]
    result = tally(names, "chair", dict(zip(names, map(lambda t: MemberSheet(Decimal(t)), totals), strict=True)), RULES_148)
    assert str(result.mean) == mean


@pytest.mark.parametrize(
    ("decided", "expires"),
    [(date(2020, 2, 29), date(2023, 2, 28)), (date(2023, 1, 31), date(2026, 1, 31)),
     (date(2023, 8, 31), date(2026, 8, 31)), (date(2024, 2, 29), date(2027, 2, 28)),
     (date(2022, 12, 31), date(2025, 12, 31)), (date(2023, 3, 22), date(2026, 3, 22))],
)
def test_a_certificate_runs_36_calendar_months_from_the_decision(decided: date, expires: date) -> None:
    months = REGISTRY.get("ocop-148").definition.scoring.validity_months
    assert months == 36
    assert add_months(decided, months) == expires


@pytest.mark.parametrize(
    ("workflow", "levels"),
    [("ocop-148", {3: Level.DISTRICT, 4: Level.PROVINCE, 5: Level.CENTRAL}),
     ("ocop-1489", {3: Level.PROVINCE, 4: Level.PROVINCE, 5: Level.CENTRAL})],
)
def test_the_certifying_level_per_star(workflow: str, levels: dict[int, Level]) -> None:
    assert REGISTRY.get(workflow).definition.scoring.certifying_level == levels


def test_the_148_catalogue_has_parts_a40_b25_c35_and_1489_scores_against_it() -> None:
    catalogue = catalogue_for(REGISTRY.get("ocop-1489").definition, WORKFLOWS)
    assert catalogue.name == "ocop-148"
    assert [(p.code, p.max) for p in catalogue.parts] == [("A", 40), ("B", 25), ("C", 35)]
    assert list(catalogue.sections()) == ["A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3"]
    assert len(catalogue.groups) == 6


def test_the_1048_catalogue_has_parts_a35_b25_c40() -> None:
    catalogue = load_catalogue(WORKFLOWS / "criteria" / "ocop-1048.yaml")
    assert [(p.code, p.max) for p in catalogue.parts] == [("A", 35), ("B", 25), ("C", 40)]


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (WORKFLOWS / "criteria" / "ocop-148.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ocop-148.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_catalogue_whose_sections_do_not_add_up_is_refused_naming_the_part(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        max: 15\n", "        max: 16\n")
    with pytest.raises(WorkflowDefinitionError, match="part A: sections add up to 41, not the part's 40"):
        load_catalogue(path)


def test_a_province_loads_item_lists_without_code_changes_and_they_are_checked(tmp_path: Path) -> None:
    items = (
        "      - code: spices\n        name: {vi: Gia vị, en: Spices}\n        items:\n"
        "          C3:\n            - {code: C3.1, name: {vi: Xuất khẩu, en: Export}, max: 3}\n"
        "            - {code: C3.2, name: {vi: Phân phối, en: Distribution}, max: 2}\n"
    )
    good = _broken(tmp_path, "      - {code: spices, name: {vi: Gia vị, en: Spices}}\n", items)
    spices = load_catalogue(good).group("food").product_sets[2]
    assert [item.code for item in spices.items["C3"]] == ["C3.1", "C3.2"]
    bad = _broken(tmp_path, "      - {code: spices, name: {vi: Gia vị, en: Spices}}\n",
                  items.replace("max: 2}", "max: 1}"))
    with pytest.raises(WorkflowDefinitionError, match="items add up to 4, not the section's 5"):
        load_catalogue(bad)
