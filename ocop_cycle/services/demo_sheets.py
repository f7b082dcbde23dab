"""The option-level sheets part of ``ocop demo`` (Decision 26/2026, Appendix II).

Runs after ``demo_law``: a product of set 7 reaches the provincial council of Quảng Ngãi,
the producer files the self-assessment (Mẫu 02), the five members fill in the set's
template (``ocop score template``), and the council's mean earns 4★ by the bands but 3★
because most members placed one criterion below its 4★ option; another dossier is
disqualified by the council chair on a knock-out condition.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from rich.console import Console
from sqlalchemy import select

from ocop_cycle.db.models import Producer
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import chair_actions, option_sheets, scoring
from ocop_cycle.services.demo import TODAY
from ocop_cycle.services.demo_law import (
    _COUNCIL,
    COMMUNES,
    PROVINCE_OFFICER,
    WORKFLOW,
    _at,
    _walk,
)
from ocop_cycle.services.demo_scoring import PROVINCE_COUNCIL
from ocop_cycle.services.products import fire, register_product
from ocop_cycle.workflow.sheets import Criterion, Sheet, sheet_for

PRODUCT_SET = 7  # Chế biến từ rau, củ, quả, hạt
# Each member's total; the first three keep the held-back criterion under its 4★ option.
TOTALS = (80, 79, 78, 77, 76)
HELD_BY = 3


def demo_sheets(runtime: Runtime, console: Console, directory: Path) -> None:
    console.print("\nPhiếu đánh giá theo Quyết định 26/2026 / option-level sheets", style="bold")
    original = runtime.clock
    try:
        _demo(runtime, console, directory)
    finally:
        runtime.clock = original


def _demo(runtime: Runtime, console: Console, directory: Path) -> None:
    commune = COMMUNES[0]
    cast = {"commune": commune.officer, "producer": commune.producer_account,
            "province": PROVINCE_OFFICER}
    with runtime.reading() as session:
        producer_id = session.scalars(
            select(Producer.id).where(Producer.name == commune.producer)
        ).one()
    start = TODAY - timedelta(days=len(_COUNCIL) + 1)
    ids = {}
    for name in ("Tương ớt Nghĩa Lộ", "Ớt sấy Nghĩa Lộ"):
        runtime.clock = _at(start)
        view = register_product(runtime, name=name, producer_id=producer_id,
                                actor=commune.officer, product_set=PRODUCT_SET, workflow=WORKFLOW)
        ids[name] = int(view["id"])
        _walk(runtime, ids[name], _COUNCIL, cast, start, 1)
    runtime.clock = _at(TODAY)
    product_id = ids["Tương ớt Nghĩa Lộ"]
    sheet = sheet_for(PRODUCT_SET, runtime.workflows.directory)
    template = directory / "phieu-bo-7-mau.yaml"
    template.write_text(option_sheets.template_for(runtime, product_id), encoding="utf-8")
    held = _held_criterion(sheet)
    own = _fill(template, directory / "mau-02-tu-danh-gia.yaml", _choices(sheet, 88, None))
    option_sheets.submit_options(runtime, product_id, actor=commune.producer_account,
                                 answers=option_sheets.read_answers(own))
    for index, (member, total) in enumerate(zip(PROVINCE_COUNCIL, TOTALS, strict=True)):
        answers = _choices(sheet, total, held if index < HELD_BY else None)
        filled = _fill(template, directory / f"phieu-{member}.yaml", answers)
        option_sheets.submit_options(runtime, product_id, actor=member,
                                     answers=option_sheets.read_answers(filled))
    console.print(
        f"  Tương ớt Nghĩa Lộ (set {PRODUCT_SET}): the template {template.name} filled in by "
        f"{len(TOTALS)} members ({', '.join(map(str, TOTALS))} points) and by the producer (Mẫu 02)"
    )
    view = fire(runtime, product_id, "close_evaluation", actor=PROVINCE_OFFICER)
    shown = scoring.show_scores(runtime, product_id)
    console.print(f"  score show: {shown['evaluation']['explanation']}", markup=False)
    console.print(
        f"  Tương ớt Nghĩa Lộ: {view['state']}, {view['stars']}★ (self-assessment "
        f"{shown['self_assessment']['total']}, never averaged in)"
    )
    knocked = chair_actions.disqualify(
        runtime, ids["Ớt sấy Nghĩa Lộ"], actor=PROVINCE_COUNCIL[0], knockout="K2",
        note="Giấy chứng nhận cơ sở đủ điều kiện ATTP hết hạn từ 15/09/2026",
    )
    console.print(
        f"  Ớt sấy Nghĩa Lộ: {knocked['state']} (disqualified by the council chair "
        f"{PROVINCE_COUNCIL[0]} on K2; the producer is told)"
    )
    db = f"--db {runtime.settings.database_url}"
    console.print(f"Try: ocop {db} score show {product_id}; ocop {db} score template {product_id}")


def _held_criterion(sheet: Sheet) -> Criterion:
    """The first criterion with a 4★ option and a lower one still meeting 3★."""
    for criterion in sheet.criteria():
        four = [o.points for o in criterion.options if o.stars == 4]
        if four and _below_four(criterion) is not None:
            return criterion
    raise LookupError(f"set {sheet.number} has no criterion to hold back at 4★")


def _below_four(criterion: Criterion) -> int | None:
    """The best option under the criterion's 4★ option but not under its 3★ one."""
    four = max(o.points for o in criterion.options if o.stars == 4)
    three = max((o.points for o in criterion.options if o.stars == 3), default=0)
    candidates = [i for i, o in enumerate(criterion.options) if three <= o.points < four]
    return max(candidates, key=lambda i: criterion.options[i].points, default=None)


def _choices(sheet: Sheet, total: int, held: Criterion | None) -> dict[str, int]:
    """Options adding up to ``total``: the best everywhere, ``held`` under its 4★ option,
    then criteria lowered one by one without going under their 3★ and 4★ minimums."""
    chosen: dict[str, int] = {}
    for criterion in sheet.criteria():
        points_by_index = [option.points for option in criterion.options]
        chosen[criterion.code] = points_by_index.index(max(points_by_index))
    if held is not None:
        below = _below_four(held)
        assert below is not None
        chosen[held.code] = below
    points = {c.code: c.options[chosen[c.code]].points for c in sheet.criteria()}
    excess = sum(points.values()) - total
    for criterion in sheet.criteria():
        if excess <= 0:
            break
        if held is not None and criterion.code == held.code:
            continue
        floor = max((o.points for o in criterion.options if o.stars in (3, 4)), default=0)
        for index, option in enumerate(criterion.options):
            saving = points[criterion.code] - option.points
            if option.points >= floor and 0 < saving <= excess:
                excess -= saving
                chosen[criterion.code] = index
                points[criterion.code] = option.points
                break
    if excess != 0:
        raise LookupError(f"set {sheet.number}: no sheet adds up to {total}")
    return chosen


def _fill(template: Path, target: Path, answers: dict[str, int]) -> Path:
    """The template with each criterion's chosen option written after its code, as a
    member fills it in by hand."""
    lines = []
    for line in template.read_text(encoding="utf-8").splitlines():
        if line.startswith('"') and line.endswith(": "):
            code = yaml.safe_load(line[:-2])
            line = f"{line}{answers[code]}"
        lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
