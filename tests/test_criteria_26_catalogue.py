"""The catalogue of Decision 26/2026 against the decision's own text, and its load checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.workflow.sheets import Sheet, all_sheets, catalogue_dir, load_sheet, sheet_for
from tests.qd26_reference import RefSet, parse

REFERENCE_SETS = parse()


def test_the_reference_text_reads_as_26_sheets_of_100_points_with_nothing_left_over() -> None:
    assert [ref.number for ref in REFERENCE_SETS] == list(range(1, 27))
    for ref in REFERENCE_SETS:
        assert ref.total == 100, ref.number
        assert ref.unplaced == [], ref.number


@pytest.mark.parametrize("ref", REFERENCE_SETS, ids=lambda ref: f"set-{ref.number:02d}")
def test_catalogue_matches_the_decision_point_for_point(ref: RefSet) -> None:
    assert_matches(ref, sheet_for(ref.number))


def test_a_mistyped_option_that_still_adds_up_fails_the_comparison(tmp_path: Path) -> None:
    workflows = _copy_catalogue(tmp_path)
    path = workflows / "criteria" / "ocop-26-2026" / "set-01.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["parts"][0]["sections"][0]["criteria"][4]["options"][1]["points"] = 2  # 1.5: 1 → 2
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    mistyped = _load(workflows)  # the load checks cannot see it: 1.5 is still worth 3
    with pytest.raises(AssertionError, match=r"set 1 criterion 1\.5"):
        assert_matches(REFERENCE_SETS[0], mistyped)


def assert_matches(ref: RefSet, sheet: Sheet) -> None:
    """Every part, section, criterion and option of ``sheet`` as the decision prints it,
    except the slips its notes correct."""
    corrections = {
        (note.criterion, note.option): note for note in sheet.file.notes if note.printed is not None
    }
    assert [(p.code, p.max) for p in sheet.file.parts] == [(p.code, p.max) for p in ref.parts]
    for part, ref_part in zip(sheet.file.parts, ref.parts, strict=True):
        assert [(s.code, s.max) for s in part.sections] == [(s.code, s.max) for s in ref_part.sections]
        for section, ref_section in zip(part.sections, ref_part.sections, strict=True):
            assert section.name.casefold() == ref_section.name.casefold(), section.code
            assert [(g.code, g.max) for g in section.groups] == [(g.code, g.max) for g in ref_section.groups]
            assert [c.code for c in section.criteria] == [c.code for c in ref_section.criteria]
            for criterion, ref_criterion in zip(section.criteria, ref_section.criteria, strict=True):
                where = f"set {ref.number} criterion {criterion.code}"
                assert criterion.max == ref_criterion.max, where
                assert criterion.name.casefold() == ref_criterion.name.casefold(), where
                assert criterion.requirement == ref_criterion.requirement, where
                if not ref_criterion.options:
                    assert [(o.points, o.implied) for o in criterion.options] == [
                        (0, True), (criterion.max, True)], where
                    continue
                printed = []
                for index, option in enumerate(criterion.options):
                    slip = corrections.pop((criterion.code, index), None)
                    if slip is not None:
                        assert slip.used == option.points, where
                    printed.append(
                        (option.text, slip.printed if slip else option.points, option.stars, option.case)
                    )
                assert printed == [
                    (o.text, o.points, o.stars, o.case) for o in ref_criterion.options
                ], where
    assert corrections == {}, f"set {ref.number}: corrections naming no option"
    assert [k.text for k in sheet.file.knockouts] == ref.knockouts
    noted = {note.line for note in sheet.file.notes}
    assert {line for line, _ in ref.strays} <= noted


def test_the_decisions_slips_are_recorded_with_their_source_line() -> None:
    set_26 = sheet_for(26)
    header = next(note for note in set_26.file.notes if "phần A" in note.text)
    assert header.line == next(p.line for p in REFERENCE_SETS[25].parts if p.code == "A")
    assert "(35 Điểm)" in header.text and set_26.file.parts[0].max == 40
    nutrition = next(note for note in sheet_for(4).file.notes if note.printed is not None)
    assert (nutrition.criterion, nutrition.printed, nutrition.used) == ("7", 13, 3)
    reference_lines = Path("tests/data/qd-26-2026-qd-ttg.txt").read_text(encoding="utf-8").split("\n")
    assert "13" in reference_lines[nutrition.line]  # the points follow the option's line


def test_every_sheet_has_star_minimums_only_at_3_4_and_5() -> None:
    marks = {o.stars for sheet in all_sheets() for c in sheet.criteria() for o in c.options}
    assert marks == {None, 3, 4, 5}


def test_spices_set_criterion_1_5_needs_its_4_star_option() -> None:
    linkage = sheet_for(1).criterion("1.5")
    assert linkage is not None
    minimum = linkage.minimum(4)
    assert minimum is not None and minimum.points == 2
    assert "trên 75%" in minimum.text


def _copy_catalogue(tmp_path: Path) -> Path:
    workflows = tmp_path / "workflows"
    shutil.copytree(catalogue_dir(), workflows / "criteria" / "ocop-26-2026")
    return workflows


def _edit(path: Path, change: dict[str, object]) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    criterion = document["parts"][0]["sections"][0]["criteria"][4]  # 1.5 of set 1
    criterion.update(change)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def _load(workflows: Path) -> Sheet:
    return load_sheet(workflows / "criteria" / "ocop-26-2026" / "set-01.yaml", workflows)


def test_a_mistyped_maximum_is_refused_naming_file_and_criterion(tmp_path: Path) -> None:
    workflows = _copy_catalogue(tmp_path)
    _edit(workflows / "criteria" / "ocop-26-2026" / "set-01.yaml", {"max": 4})
    with pytest.raises(WorkflowDefinitionError) as refused:
        _load(workflows)
    message = str(refused.value)
    assert "set-01.yaml: criterion 1.5: worth 4 but its best option gives 3" in message
    assert "set-01.yaml: section 1: criteria add up to 19, not the section's 18" in message


def test_a_star_mark_outside_3_to_5_is_refused(tmp_path: Path) -> None:
    workflows = _copy_catalogue(tmp_path)
    path = workflows / "criteria" / "ocop-26-2026" / "set-01.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["parts"][0]["sections"][0]["criteria"][4]["options"][0]["stars"] = 2
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match=r"set-01.yaml: criterion 1.5, option 0: star mark 2"):
        _load(workflows)


def test_part_weights_must_be_40_25_35(tmp_path: Path) -> None:
    workflows = _copy_catalogue(tmp_path)
    path = workflows / "criteria" / "ocop-26-2026" / "set-01.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["parts"][0]["max"] = 35
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as refused:
        _load(workflows)
    assert "part A is worth 35, not 40" in str(refused.value)
    assert "parts add up to 95, not 100" in str(refused.value)
