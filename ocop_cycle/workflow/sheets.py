"""Option-level scoring sheets (Decision 26/2026/QĐ-TTg, Appendix II): one per product set.

Each set's sheet (``workflows/criteria/ocop-26-2026/set-NN.yaml``) lists parts → sections →
criteria → options; a council member ticks one option per criterion and the points follow.
Options marked 3★, 4★ or 5★ are the minimum a criterion must reach for that star. Loading
checks what the decision guarantees (100 points: A 40, B 25, C 35; sections add up; a
criterion's maximum is its best option; marks only 3–5) and names the file and criterion
of every failure, so a mistyped point is found before a council scores with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ocop_cycle.errors import NotFound, Said
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.product_sets import (
    CATALOGUE_NAME,
    ProductSet,
    all_product_sets,
    product_set,
)
from ocop_cycle.workflow.yaml_files import load_checked_yaml, refuse_problems

PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
STAR_MARKS = (3, 4, 5)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    text: str = Field(min_length=1)
    points: int = Field(ge=0)
    # The star this option is the minimum for (the decision's ***, ****, *****).
    stars: int | None = None
    # "a. Trường hợp 1: …": the alternative the option belongs to (set 26, criteria 8, 9).
    case: str | None = None
    # The decision prints no options for this criterion, only its point: met or not.
    implied: bool = False


class Criterion(_Strict):
    code: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    name: str = Field(min_length=1)
    max: int = Field(gt=0)
    requirement: str | None = None
    notes: list[str] = Field(default_factory=list)
    options: list[Option] = Field(min_length=1)

    def best_points(self) -> int:
        return max(option.points for option in self.options)

    def minimum(self, stars: int) -> Option | None:
        """The option marked as the minimum for ``stars``, if the criterion has one."""
        return next((option for option in self.options if option.stars == stars), None)


class Group(_Strict):
    """A heading grouping criteria inside a section (6.1 above 6.1.1 and 6.1.2)."""

    code: str
    name: str
    max: int = Field(gt=0)


class Section(_Strict):
    code: str
    name: str
    max: int = Field(gt=0)
    notes: list[str] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)


class Part(_Strict):
    code: str
    name: str
    max: int = Field(gt=0)
    sections: list[Section] = Field(min_length=1)


class Knockout(_Strict):
    """A "Hồ sơ bị loại khi" condition: the dossier leaves the evaluation."""

    code: str = Field(pattern=r"^K\d+$")
    text: str = Field(min_length=1)


class SourceLine(_Strict):
    line: int = Field(gt=0)
    text: str


class Note(_Strict):
    """Where the catalogue departs from, or explains, the decision's printed text."""

    line: int = Field(gt=0)
    text: str
    criterion: str | None = None
    option: int | None = None
    printed: int | None = None
    used: int | None = None


class SheetFile(_Strict):
    set: int = Field(ge=1)
    source: str
    source_line: int = Field(gt=0)
    knockout_source: SourceLine | None = None
    knockouts: list[Knockout]
    parts: list[Part]
    notes: list[Note] = Field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    """One product set's sheet with its place in Appendix I."""

    product_set: ProductSet
    file: SheetFile
    path: Path

    @property
    def number(self) -> int:
        return self.product_set.number

    def criteria(self) -> list[Criterion]:
        return self._criteria

    @cached_property
    def _criteria(self) -> list[Criterion]:
        # A sheet is read once per process and consulted at every close: build once.
        return [
            criterion
            for part in self.file.parts
            for section in part.sections
            for criterion in section.criteria
        ]

    @cached_property
    def minimums(self) -> dict[str, dict[int, int]]:
        """{criterion: {stars: points of the option marked for it}} for marked criteria."""
        found: dict[str, dict[int, int]] = {}
        for criterion in self.criteria():
            marks = {o.stars: o.points for o in criterion.options if o.stars is not None}
            if marks:
                found[criterion.code] = marks
        return found

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria() if c.code == code), None)

    def knockout(self, code: str) -> Knockout | None:
        return next((k for k in self.file.knockouts if k.code == code), None)


def problems(sheet: SheetFile) -> list[str]:
    """Every inconsistency in one sheet; empty means it is usable."""
    found: list[str] = []
    codes = [part.code for part in sheet.parts]
    if codes != list(PART_MAXIMA):
        found.append(f"parts are {', '.join(codes)}; a sheet has parts A, B, C")
    total = sum(part.max for part in sheet.parts)
    if total != 100:
        found.append(f"parts add up to {total}, not 100")
    seen: set[str] = set()
    for part in sheet.parts:
        expected = PART_MAXIMA.get(part.code)
        if expected is not None and part.max != expected:
            found.append(f"part {part.code} is worth {part.max}, not {expected}")
        sections_total = sum(section.max for section in part.sections)
        if sections_total != part.max:
            found.append(
                f"part {part.code}: sections add up to {sections_total}, not the part's {part.max}"
            )
        for section in part.sections:
            criteria_total = sum(criterion.max for criterion in section.criteria)
            if criteria_total != section.max:
                found.append(
                    f"section {section.code}: criteria add up to {criteria_total}, "
                    f"not the section's {section.max}"
                )
            for group in section.groups:
                members = [c for c in section.criteria if c.code.startswith(group.code + ".")]
                group_total = sum(c.max for c in members)
                if group_total != group.max:
                    found.append(
                        f"criteria {group.code}.*: add up to {group_total}, not {group.max}"
                    )
            for criterion in section.criteria:
                found.extend(_criterion_problems(section.code, criterion, seen))
    knockout_codes = [knockout.code for knockout in sheet.knockouts]
    if len(set(knockout_codes)) != len(knockout_codes):
        found.append("knock-out codes must be unique")
    return found


def _criterion_problems(section: str, criterion: Criterion, seen: set[str]) -> list[str]:
    where = f"criterion {criterion.code}"
    found = []
    if criterion.code in seen:
        found.append(f"{where}: the code is used twice")
    seen.add(criterion.code)
    if criterion.code != section and not criterion.code.startswith(section + "."):
        found.append(f"{where}: does not belong to section {section}")
    if criterion.best_points() != criterion.max:
        found.append(
            f"{where}: worth {criterion.max} but its best option gives {criterion.best_points()}"
        )
    marked: set[int] = set()
    for index, option in enumerate(criterion.options):
        if option.points > criterion.max:
            found.append(f"{where}, option {index}: {option.points} points, above the maximum")
        if option.stars is None:
            continue
        if option.stars not in STAR_MARKS:
            found.append(f"{where}, option {index}: star mark {option.stars}; marks are 3, 4 or 5")
        elif option.stars in marked:
            found.append(f"{where}: two options are marked {option.stars}★")
        marked.add(option.stars)
    return found


def load_sheet(path: Path, workflows_dir: Path | None = None) -> Sheet:
    """Parse and check one set's sheet; every problem names the file and the criterion."""
    file = load_checked_yaml(path, SheetFile)
    found = problems(file)
    expected = f"set-{file.set:02d}.yaml"
    if path.name != expected:
        found.append(f"holds set {file.set}, so it must be named {expected}")
    refuse_problems(path, found)
    return Sheet(product_set=product_set(file.set, workflows_dir), file=file, path=path)


def catalogue_dir(workflows_dir: Path | None = None) -> Path:
    return data_dir("workflows", workflows_dir) / "criteria" / CATALOGUE_NAME


def is_sheet_catalogue(name: str, workflows_dir: Path | None = None) -> bool:
    """Whether ``name`` is an option-level catalogue (a folder of set sheets)."""
    return name == CATALOGUE_NAME and catalogue_dir(workflows_dir).is_dir()


@cache
def _sheet_at(path: Path, workflows_dir: Path | None) -> Sheet:
    return load_sheet(path, workflows_dir)


def sheet_for(number: int, workflows_dir: Path | None = None) -> Sheet:
    """The sheet of product set ``number``; read and checked once per process."""
    entry = product_set(number, workflows_dir)
    path = catalogue_dir(workflows_dir) / f"set-{entry.number:02d}.yaml"
    if not path.is_file():
        raise NotFound(
            f"the sheet of product set {number} is missing: {path}",
            vi=f"Thiếu phiếu chấm điểm của bộ sản phẩm số {number}: {path}",
        )
    return _sheet_at(path, workflows_dir)


def all_sheets(workflows_dir: Path | None = None) -> list[Sheet]:
    return [sheet_for(entry.number, workflows_dir) for entry in all_product_sets(workflows_dir)]


def check_answers(
    sheet: Sheet, answers: Mapping[str, object], *, complete: bool = True
) -> tuple[dict[str, int], list[Said]]:
    """The chosen option index of every criterion, and every problem with the answers.

    Unknown codes, unanswered criteria and indexes out of range are all reported at once,
    so a member fixes a sheet in one go. A draft (``complete=False``) may leave criteria
    unanswered; what it does answer is checked the same way.
    """
    criteria = {criterion.code: criterion for criterion in sheet.criteria()}
    problems_found: list[Said] = []
    unknown = [code for code in answers if code not in criteria]
    if unknown:
        problems_found.append(
            Said(
                f"unknown criteria {', '.join(unknown)}: set {sheet.number} has "
                f"{', '.join(criteria)}",
                vi=f"tiêu chí không có trong phiếu của bộ số {sheet.number}: {', '.join(unknown)}",
            )
        )
    missing = [code for code in criteria if answers.get(code) is None]
    if missing and complete:
        problems_found.append(
            Said(
                f"criteria not answered: {', '.join(missing)} (every criterion takes one option)",
                vi=f"còn tiêu chí chưa chọn mức: {', '.join(missing)} (mỗi tiêu chí chọn một mức)",
            )
        )
    chosen: dict[str, int] = {}
    for code, value in answers.items():
        criterion = criteria.get(code)
        if criterion is None or value is None:
            continue
        last = len(criterion.options) - 1
        if (
            isinstance(value, bool)
            or not isinstance(value, int | str)
            or not str(value).strip().isdigit()
        ):
            problems_found.append(
                Said(
                    f"{code}: {value!r} is not an option number (0 to {last})",
                    vi=f"{code}: {value!r} không phải là số thứ tự của một mức (0 đến {last})",
                )
            )
        elif int(value) > last:
            problems_found.append(
                Said(
                    f"{code}: option {int(value)} does not exist (0 to {last})",
                    vi=f"{code}: không có mức {int(value)} (chỉ có từ 0 đến {last})",
                )
            )
        else:
            chosen[code] = int(value)
    return chosen, problems_found


def points_of(sheet: Sheet, chosen: Mapping[str, int]) -> dict[str, int]:
    """{criterion: points} of the chosen options."""
    return {
        criterion.code: criterion.options[chosen[criterion.code]].points
        for criterion in sheet.criteria()
        if criterion.code in chosen
    }


def section_totals(sheet: Sheet, points: Mapping[str, int]) -> dict[str, int]:
    return {
        section.code: sum(points.get(c.code, 0) for c in section.criteria)
        for part in sheet.file.parts
        for section in part.sections
    }


_MARK = {3: "tối thiểu cho 3★", 4: "tối thiểu cho 4★", 5: "tối thiểu cho 5★"}


def template(sheet: Sheet, heading: list[str]) -> str:
    """A sheet to fill in: each criterion with its options as Vietnamese comments."""
    lines = [f"# {line}" for line in heading]
    lines += [
        f"# Phiếu đánh giá bộ sản phẩm số {sheet.number}: {sheet.product_set.name.vi}",
        f"# ({sheet.file.source})",
        "# Ghi số thứ tự lựa chọn (0, 1, 2, …) sau mỗi mã tiêu chí; mọi tiêu chí đều phải chọn.",
        "# Lựa chọn có ghi “tối thiểu cho 4★” là mức tiêu chí phải đạt để sản phẩm đạt 4 sao.",
    ]
    for part in sheet.file.parts:
        lines += ["", f"# ===== Phần {part.code}: {part.name} ({part.max} điểm) ====="]
        for section in part.sections:
            lines.append(f"# --- {section.code}. {section.name} ({section.max} điểm)")
            for criterion in section.criteria:
                if criterion.code != section.code:
                    lines.append(
                        f"# {criterion.code}. {criterion.name} (tối đa {criterion.max} điểm)"
                    )
                if criterion.requirement:
                    lines.append(f"#   Yêu cầu: {criterion.requirement}")
                case = None
                for index, option in enumerate(criterion.options):
                    if option.case and option.case != case:
                        case = option.case
                        lines.append(f"#   {case}")
                    mark = f" — {_MARK[option.stars]}" if option.stars in _MARK else ""
                    lines.append(f"#   {index}: {option.text} — {option.points} điểm{mark}")
                lines.append(f'"{criterion.code}": ')
    return "\n".join(lines) + "\n"
