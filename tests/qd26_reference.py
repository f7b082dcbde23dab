"""Reads the 26 scoring sheets out of the text of Decision 26/2026/QĐ-TTg (Appendix II).

The text (``tests/data/qd-26-2026-qd-ttg.txt``) is the decision as published, flattened to
lines: table rows are separated by a line holding a lone ``|``, and a row's text cell ends
with ``|`` followed by its points. This reader turns it into sets → parts → sections →
criteria → options with the line each came from. The catalogue test compares the YAML
catalogue against it, and ``tools/generate_qd26_catalogue.py`` used it to write the YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = Path(__file__).parent / "data" / "qd-26-2026-qd-ttg.txt"

_SET_START = re.compile(r"^(\d{1,2})\. (?:Bộ sản phẩm: |Sản phẩm )")
_PART = re.compile(r"^phần\s+([abc])\b:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_CRITERION = re.compile(r"^(\d+\.\d+(?:\.\d+)?)\.?\s+(.*)$", re.DOTALL)
# "8 CÔNG BỐ …" (set 10) lacks the dot after the section number.
_SECTION = re.compile(r"^(\d+)\.?\s+(.*)$", re.DOTALL)
# Options are ticked boxes; one option of set 7 is printed with an "o" bullet instead.
_OPTION = re.compile(r"^(?:□|o\s)\s*(.*)$", re.DOTALL)
# Star marks close an option's first line; set 3 prints one spaced out ("* * * *").
_STARS = re.compile(r"\s*((?:\*\s*){3,5})$")
_CASE = re.compile(r"^[a-z]\.\s+Trường hợp", re.IGNORECASE)
_STATED_MAX = re.compile(r"\((\d+)\s+Điểm\)", re.IGNORECASE)
_KNOCKOUT = re.compile(r"^(?:Hồ sơ )?[Bb]ị loại khi:\s*(.*)$")
_KNOCKOUT_SPLIT = re.compile(r";\s*(?:hoặc\s+)?|\s+hoặc\s+(?=không |giấy phép )")


@dataclass
class RefOption:
    text: str
    points: int
    stars: int | None
    line: int
    case: str | None = None


@dataclass
class RefCriterion:
    code: str
    name: str
    max: int
    line: int
    requirement: str | None = None
    notes: list[str] = field(default_factory=list)
    options: list[RefOption] = field(default_factory=list)
    # True when the section itself is scored by options (e.g. "7. DINH DƯỠNG").
    is_section: bool = False


@dataclass
class RefGroup:
    """A heading inside a section that groups criteria (6.1 above 6.1.1, 6.1.2)."""

    code: str
    name: str
    max: int
    line: int


@dataclass
class RefSection:
    code: str
    name: str
    max: int
    line: int
    notes: list[str] = field(default_factory=list)
    criteria: list[RefCriterion] = field(default_factory=list)
    groups: list[RefGroup] = field(default_factory=list)


@dataclass
class RefPart:
    code: str
    name: str
    max: int
    stated_max: int | None
    line: int
    sections: list[RefSection] = field(default_factory=list)


@dataclass
class RefSet:
    number: int
    title: str
    line: int
    knockout_text: str | None
    knockout_line: int | None
    knockouts: list[str]
    total: int | None
    parts: list[RefPart] = field(default_factory=list)
    # Rows the reader could not place, with their line: a test asserts there are none.
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    # Extra numbers printed in a points cell (set 23's "4 / 1"), with their line.
    strays: list[tuple[int, str]] = field(default_factory=list)


def _set_bounds(lines: list[str]) -> list[tuple[int, int, int]]:
    appendix_ii = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC II")
    appendix_iii = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC III")
    starts = [
        (int(match.group(1)), i)
        for i, line in enumerate(lines[:appendix_iii])
        if i > appendix_ii and (match := _SET_START.match(line))
    ]
    ends = [start for _, start in starts[1:]] + [appendix_iii]
    return [(number, start, end) for (number, start), end in zip(starts, ends, strict=True)]


def _rows(lines: list[str], start: int, end: int) -> list[tuple[int, list[str]]]:
    """Table rows as (1-based line of the row's first line, its lines)."""
    rows: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = start
    for index in range(start, end):
        if lines[index].strip() == "|":
            if current:
                rows.append((first + 1, current))
            current, first = [], index + 1
        else:
            if not current:
                first = index
            current.append(lines[index])
    if current:
        rows.append((first + 1, current))
    return rows


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def split_knockouts(text: str) -> list[str]:
    """The conditions of a "Hồ sơ bị loại khi" line, one per alternative."""
    parts = [_clean(part) for part in _KNOCKOUT_SPLIT.split(text)]
    return [part[0].upper() + part[1:] for part in parts if part]


def parse(path: Path = REFERENCE) -> list[RefSet]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [_parse_set(lines, number, start, end) for number, start, end in _set_bounds(lines)]


def _parse_set(lines: list[str], number: int, start: int, end: int) -> RefSet:
    knockout_text: str | None = None
    knockout_line: int | None = None
    for index in range(start, end):
        match = _KNOCKOUT.match(lines[index].strip())
        if match:
            knockout_text, knockout_line = _clean(match.group(1)), index + 1
            break
    found = RefSet(
        number=number,
        title=_clean(lines[start]),
        line=start + 1,
        knockout_text=knockout_text,
        knockout_line=knockout_line,
        knockouts=split_knockouts(knockout_text) if knockout_text else [],
        total=None,
    )
    table_start = next(
        i for i in range(start, end) if lines[i].strip().startswith("Các tiêu chí")
    )
    part: RefPart | None = None
    section: RefSection | None = None
    criterion: RefCriterion | None = None
    case: str | None = None
    for line_no, row in _rows(lines, table_start, end):
        text = "\n".join(row)
        cell, bar, _ = text.rpartition("|")
        if not bar:
            cell = text
        head = cell.strip()
        if head.startswith("Các tiêu chí"):
            continue
        bar_at = max(i for i, value in enumerate(row) if "|" in value) if bar else len(row) - 1
        cells = [
            (line_no + i, value.strip())
            for i, value in enumerate(row)
            if i > bar_at and value.strip()
        ]
        points = int(cells[0][1]) if cells and cells[0][1].isdigit() else None
        if head.startswith("TỔNG CỘNG"):
            found.total = points
            break
        found.strays.extend(cells[1:])
        if (match := _PART.match(head)) and points is not None:
            stated = _STATED_MAX.search(match.group(2))
            name = _clean(_STATED_MAX.sub("", match.group(2)))
            part = RefPart(
                code=match.group(1).upper(),
                name=name,
                max=points,
                stated_max=int(stated.group(1)) if stated else None,
                line=line_no,
            )
            found.parts.append(part)
            section, criterion, case = None, None, None
            continue
        if (match := _CRITERION.match(head)) and points is not None and section is not None:
            code = match.group(1)
            parent = code.rpartition(".")[0]
            last = section.criteria[-1] if section.criteria else None
            if code.count(".") == 2 and last is not None and last.code == parent and not last.options:
                section.criteria.pop()
                section.groups.append(RefGroup(last.code, last.name, last.max, last.line))
            first, *rest = match.group(2).split("\n")
            criterion = RefCriterion(code=code, name=_clean(first), max=points, line=line_no)
            _extra_lines(criterion, rest)
            section.criteria.append(criterion)
            case = None
            continue
        if (match := _SECTION.match(head)) and points is not None and part is not None:
            first, *rest = match.group(2).split("\n")
            section = RefSection(
                code=match.group(1), name=_clean(first), max=points, line=line_no
            )
            section.notes.extend(_clean(extra) for extra in rest if extra.strip())
            part.sections.append(section)
            criterion, case = None, None
            continue
        if (option := _OPTION.match(head)) and points is not None and section is not None:
            if criterion is None:
                criterion = RefCriterion(
                    code=section.code,
                    name=section.name,
                    max=section.max,
                    line=section.line,
                    is_section=True,
                )
                section.criteria.append(criterion)
            body, *more = option.group(1).split("\n")
            stars_match = _STARS.search(body.rstrip())
            stars = stars_match.group(1).count("*") if stars_match else None
            option_text = _clean(_STARS.sub("", body.rstrip()))
            # A note printed inside an option's cell (sets 21, 22) belongs to the criterion.
            criterion.notes.extend(_clean(extra) for extra in more if extra.strip())
            criterion.options.append(
                RefOption(text=option_text, points=points, stars=stars, line=line_no, case=case)
            )
            continue
        if points is None and (criterion is not None or section is not None):
            note = _clean(head)
            if _CASE.match(note):
                case = note
                continue
            holder_notes = criterion.notes if criterion is not None else section.notes  # type: ignore[union-attr]
            if note.startswith("Yêu cầu:") and criterion is not None and criterion.requirement is None:
                criterion.requirement = note.removeprefix("Yêu cầu:").strip()
            else:
                holder_notes.append(note)
            continue
        found.unplaced.append((line_no, _clean(text)[:120]))
    return found


def _extra_lines(criterion: RefCriterion, rest: list[str]) -> None:
    """Lines after a criterion's name: its requirement ("Yêu cầu: …") or explanations."""
    for extra in rest:
        cleaned = _clean(extra)
        if not cleaned:
            continue
        if cleaned.startswith("Yêu cầu:") and criterion.requirement is None:
            criterion.requirement = cleaned.removeprefix("Yêu cầu:").strip()
        else:
            criterion.notes.append(cleaned)
