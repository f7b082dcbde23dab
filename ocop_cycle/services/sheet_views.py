"""What option-level sheets let people see: each member's options, where members
disagree, the star minimums that hold a result back, and the producer's self-assessment
criterion by criterion (never averaged in)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Council, Evaluation, ScoreSheet
from ocop_cycle.domain.council import CouncilRules
from ocop_cycle.domain.scores import StarBand, round_half_up, stars_for
from ocop_cycle.domain.star_minimums import StarResult, Unmet, explain, stars_with_minimums
from ocop_cycle.workflow.evaluations import CLOSED, counted_sheets, sheet_choices
from ocop_cycle.workflow.sheets import Sheet


def member_options(session: Session, sheets: list[ScoreSheet]) -> dict[int, dict[str, int]]:
    """{sheet id: {criterion: option index}}."""
    choices = sheet_choices(session, [sheet.id for sheet in sheets])
    return {sheet_id: {c: ch.option for c, ch in rows.items()} for sheet_id, rows in choices.items()}


def _points(session: Session, sheets: list[ScoreSheet]) -> list[dict[str, int]]:
    choices = sheet_choices(session, [sheet.id for sheet in sheets])
    return [{c: ch.points for c, ch in rows.items()} for rows in choices.values()]


def _mean_points(points: list[dict[str, int]], code: str) -> float | None:
    values = [sheet[code] for sheet in points if code in sheet]
    if not values:
        return None
    return float(round_half_up(Decimal(sum(values)) / len(values)))


def criteria_view(sheet_def: Sheet, options: list[dict[str, int]]) -> list[dict[str, Any]]:
    """Per criterion: how many members chose each option, and whether they disagree."""
    rows = []
    for criterion in sheet_def.criteria():
        counts = Counter(chosen[criterion.code] for chosen in options if criterion.code in chosen)
        rows.append(
            {
                "code": criterion.code,
                "max": criterion.max,
                "choices": {str(index): counts[index] for index in sorted(counts)},
                "disagree": len(counts) > 1,
            }
        )
    return rows


def _held_back_rows(result: StarResult | None, stored: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if result is not None:
        return [
            {"criterion": u.criterion, "stars": u.stars, "met": u.met, "counted": u.counted}
            for u in result.held_back
        ]
    return list(stored or [])


def evaluation_additions(
    session: Session,
    evaluation: Evaluation,
    council: Council | None,
    rules: CouncilRules | None,
    sheet_def: Sheet,
    bands: list[StarBand],
    mean: Decimal | None,
) -> dict[str, Any]:
    """Options per member, disagreement per criterion, and the star minimums' verdict:
    the stored one once closed, what it would be now while open."""
    rows = counted_sheets(session, evaluation, council) if council is not None else []
    sheets = [sheet for _, sheet in rows]
    options = member_options(session, sheets)
    additions: dict[str, Any] = {
        "product_set": sheet_def.number,
        "option_level": evaluation.path != "paper",
        "options": {user.username: options.get(sheet.id, {}) for user, sheet in rows},
        "criteria": criteria_view(sheet_def, list(options.values())),
        "knockout": None,
    }
    if evaluation.knockout is not None:
        condition = sheet_def.knockout(evaluation.knockout)
        additions["knockout"] = {
            "code": evaluation.knockout,
            "text": condition.text if condition else None,
            "note": evaluation.knockout_note,
        }
    if evaluation.path == "paper":
        additions["explanation"] = "chấm trên giấy: không có kết quả theo từng lựa chọn"
        return additions
    if evaluation.status == CLOSED and evaluation.band_stars is not None:
        result = StarResult(
            band_stars=evaluation.band_stars,
            stars=evaluation.stars or 0,
            held_back=[Unmet(**row) for row in evaluation.held_back or []],
        )
        score = evaluation.score
    elif mean is not None and rules is not None and sheets:
        result = stars_with_minimums(
            stars_for(mean, bands), sheet_def.minimums, _points(session, sheets),
            rules.minimum_majority,
        )
        score = mean
    else:
        return additions
    additions.update(
        band_stars=result.band_stars,
        minimum_stars=result.stars,
        held_back=_held_back_rows(result, None),
        explanation=explain(f"{score:.2f}", result),
    )
    return additions


def self_comparison(
    session: Session, sheet_def: Sheet, own: ScoreSheet, council_sheets: list[ScoreSheet]
) -> dict[str, Any]:
    """The self-assessment's options and, per criterion, how it differs from the council."""
    own_choices = sheet_choices(session, [own.id])[own.id]
    council_points = _points(session, council_sheets)
    differences = []
    for criterion in sheet_def.criteria():
        mine = own_choices.get(criterion.code)
        council_mean = _mean_points(council_points, criterion.code)
        if mine is None or council_mean is None or council_mean == mine.points:
            continue
        differences.append(
            {
                "criterion": criterion.code,
                "self": mine.points,
                "council_mean": council_mean,
                "difference": float(Decimal(mine.points) - Decimal(str(council_mean))),
            }
        )
    return {
        "product_set": own.product_set,
        "options": {code: choice.option for code, choice in own_choices.items()},
        "differences": differences,
    }


def earlier_comparison(
    session: Session,
    sheet_def: Sheet,
    evaluation: Evaluation,
    now_sheets: list[ScoreSheet],
    own: ScoreSheet | None = None,
) -> dict[str, Any] | None:
    """For an upgrade or a re-rating: per criterion, the council's mean points on the
    evaluation that earned the current rank against this one's, and the producer's own
    points now (their self-assessment) where they have one."""
    if evaluation.purpose not in ("upgrade", "renewal"):
        return None
    earlier = session.scalars(
        select(Evaluation)
        .where(
            Evaluation.product_id == evaluation.product_id,
            Evaluation.status == CLOSED,
            Evaluation.path == "online",
            Evaluation.id < evaluation.id,
            Evaluation.stars >= 3,
        )
        .order_by(Evaluation.id.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return None
    then_sheets = list(
        session.scalars(
            select(ScoreSheet).where(
                ScoreSheet.evaluation_id == earlier.id, ScoreSheet.product_set == sheet_def.number
            )
        )
    )
    if not then_sheets:
        return None
    then_points, now_points = _points(session, then_sheets), _points(session, now_sheets)
    own_points = _points(session, [own])[0] if own is not None else {}
    changes = []
    for criterion in sheet_def.criteria():
        then = _mean_points(then_points, criterion.code)
        now = _mean_points(now_points, criterion.code)
        mine = own_points.get(criterion.code)
        if then != now or (mine is not None and mine != then):
            changes.append({"criterion": criterion.code, "then": then, "now": now, "self": mine})
    return {
        "evaluation_id": earlier.id,
        "score": float(earlier.score) if earlier.score is not None else None,
        "stars": earlier.stars,
        "changes": changes,
    }


def disagreement_table(sheet_def: Sheet, evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    """The criteria ``criteria_view`` marks as disputed, spelled out for the chair: each
    option chosen with its points and the members who chose it, and the spread of points
    the discussion has to settle."""
    by_member: dict[str, dict[str, int]] = evaluation.get("options", {})
    rows = []
    for row in evaluation.get("criteria", []):
        criterion = sheet_def.criterion(row["code"])
        if not row["disagree"] or criterion is None:
            continue
        chosen: list[dict[str, Any]] = []
        for index in sorted(int(i) for i in row["choices"]):
            option = criterion.options[index]
            members = sorted(m for m, picks in by_member.items() if picks.get(criterion.code) == index)
            chosen.append(
                {"option": index, "text": option.text, "points": option.points, "members": members}
            )
        points = [int(choice["points"]) for choice in chosen]
        rows.append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "max": criterion.max,
                "chosen": chosen,
                "spread": max(points) - min(points),
            }
        )
    return rows
