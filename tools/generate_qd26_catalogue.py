"""Write workflows/criteria/ocop-26-2026/set-NN.yaml from the text of Decision 26/2026.

Run from the repository root: ``.venv/bin/python -m tools.generate_qd26_catalogue``.
The reader is tests/qd26_reference.py; the decision's own slips are corrected here, each
with the line it is on, and written into the set's ``notes`` so a reader of the YAML sees
where the catalogue departs from the printed text and why. The files were checked by eye
after generation; the catalogue test keeps them equal to the text (slips aside).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.qd26_reference import RefCriterion, RefSet, parse

OUT = Path(__file__).resolve().parent.parent / "workflows" / "criteria" / "ocop-26-2026"

# (set, criterion, option index) → points the catalogue uses instead of the printed ones.
POINT_SLIPS: dict[tuple[int, str, int], tuple[int, str]] = {
    (4, "7", 2): (
        3,
        "Tiêu chí 7 (Dinh dưỡng) tối đa 3 điểm nhưng lựa chọn “Có trên 2 chỉ tiêu” in 13 "
        "điểm; dùng 3 điểm như các bộ khác và như tổng phần C (35).",
    ),
    (11, "6.1.1", 1): (
        1,
        "Tiêu chí 6.1.1 (Tạp chất) tối đa 2 điểm nhưng lựa chọn “Có rất ít tạp chất, chấp "
        "nhận được” in 11 điểm; dùng 1 điểm (giữa 0 và 2).",
    ),
}

# Notes on what the catalogue keeps as printed, by set: (line found by text, note).
KEPT_AS_PRINTED: dict[int, list[tuple[str, str]]] = {
    7: [
        ("o Rất độc đáo", "Lựa chọn “Rất độc đáo và có tính đặc trưng” in dấu “o” thay cho ô “□”; vẫn là một lựa chọn của tiêu chí 7."),
        ("Công ty TNHH; hoặc doanh nghiệp tư nhân", "Tiêu chí 3.1: hai lựa chọn đầu cùng 1 điểm (các bộ khác cho 1 và 2); giữ nguyên như văn bản."),
    ],
    23: [
        ("□ Phù hợp với đặc tính sản phẩm", "Tiêu chí 6.2: hai lựa chọn đầu cùng 1 điểm; giữ nguyên như văn bản."),
    ],
}


def _sentence(text: str) -> str:
    """Headings printed in capitals read better in sentence case."""
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return text.capitalize()
    return text


def _line_of(lines: list[str], start: int, needle: str) -> int:
    for index in range(start - 1, len(lines)):
        if needle in lines[index]:
            return index + 1
    raise LookupError(needle)


def _criterion(set_number: int, criterion: RefCriterion, notes: list[dict[str, Any]]) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": criterion.code, "name": _sentence(criterion.name), "max": criterion.max}
    if criterion.requirement:
        entry["requirement"] = criterion.requirement
    if criterion.notes:
        entry["notes"] = criterion.notes
    options: list[dict[str, Any]] = []
    if not criterion.options:
        # The decision prints only the criterion and its point: met or not.
        options = [
            {"text": "Không", "points": 0, "implied": True},
            {"text": "Có", "points": criterion.max, "implied": True},
        ]
        notes.append({
            "line": criterion.line,
            "text": f"Tiêu chí {criterion.code} không in các lựa chọn, chỉ có điểm tối đa "
                    f"{criterion.max}; phiếu chấm theo Có ({criterion.max}) / Không (0).",
        })
    for index, option in enumerate(criterion.options):
        item: dict[str, Any] = {"text": option.text, "points": option.points}
        slip = POINT_SLIPS.get((set_number, criterion.code, index))
        if slip is not None:
            used, why = slip
            notes.append({
                "line": option.line, "text": why, "criterion": criterion.code,
                "option": index, "printed": option.points, "used": used,
            })
            item["points"] = used
        if option.stars is not None:
            item["stars"] = option.stars
        if option.case is not None:
            item["case"] = option.case
        options.append(item)
    entry["options"] = options
    return entry


def build(ref: RefSet, lines: list[str]) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    parts = []
    for part in ref.parts:
        if part.stated_max is not None and part.stated_max != part.max:
            notes.append({
                "line": part.line,
                "text": f"Tiêu đề phần {part.code} ghi ({part.stated_max} Điểm) nhưng cột thang "
                        f"điểm và các tiêu chí cho {part.max}; theo điểm: {part.max}.",
            })
        sections = []
        for section in part.sections:
            item: dict[str, Any] = {"code": section.code, "name": _sentence(section.name), "max": section.max}
            if section.notes:
                item["notes"] = section.notes
            if section.groups:
                item["groups"] = [
                    {"code": g.code, "name": _sentence(g.name), "max": g.max} for g in section.groups
                ]
            item["criteria"] = [_criterion(ref.number, c, notes) for c in section.criteria]
            sections.append(item)
        parts.append({"code": part.code, "name": _sentence(part.name), "max": part.max, "sections": sections})
    for line, value in ref.strays:
        notes.append({
            "line": line,
            "text": f"Số “{value}” in thừa trong cột thang điểm, không thuộc lựa chọn nào; bỏ qua.",
        })
    for needle, text in KEPT_AS_PRINTED.get(ref.number, []):
        notes.append({"line": _line_of(lines, ref.line, needle), "text": text})
    knockouts = [{"code": f"K{i}", "text": text} for i, text in enumerate(ref.knockouts, start=1)]
    if ref.knockout_text is None:
        notes.append({
            "line": ref.line,
            "text": "Phiếu của bộ này không in dòng “Hồ sơ bị loại khi”: không có điều kiện loại hồ sơ riêng.",
        })
    document: dict[str, Any] = {
        "set": ref.number,
        "source": f"Quyết định 26/2026/QĐ-TTg, Phụ lục II, mục {ref.number}: {ref.title.split('. ', 1)[1].removeprefix('Bộ sản phẩm: ')}",
        "source_line": ref.line,
    }
    if ref.knockout_text is not None:
        document["knockout_source"] = {"line": ref.knockout_line, "text": ref.knockout_text}
    document["knockouts"] = knockouts
    document["parts"] = parts
    document["notes"] = sorted(notes, key=lambda note: note["line"])
    return document


HEADER = """\
# Phiếu đánh giá bộ sản phẩm số {number} — Quyết định 26/2026/QĐ-TTg, Phụ lục II.
# Generated from the decision's text by tools/generate_qd26_catalogue.py, then checked by
# eye; tests/test_criteria_26_catalogue.py compares every point with the text. Line numbers
# ("line", "source_line") are lines of tests/data/qd-26-2026-qd-ttg.txt. Stars: the
# minimum a criterion must reach for 3★, 4★ or 5★ (the decision's ***, ****, *****).
"""


def main() -> None:
    from tests.qd26_reference import REFERENCE

    lines = REFERENCE.read_text(encoding="utf-8").split("\n")
    for ref in parse():
        document = build(ref, lines)
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None)
        (OUT / f"set-{ref.number:02d}.yaml").write_text(HEADER.format(number=ref.number) + text, encoding="utf-8")


if __name__ == "__main__":
    main()
