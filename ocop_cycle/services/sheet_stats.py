"""What a year of sheets on one product set says: the mean points per criterion and how
often each star minimum was not reached, so a province sees what to train producers in.

One ``GROUP BY criterion, points`` over the members' choices does the counting; the
catalogue turns the counts into means and failure rates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import ScoreSheet
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.errors import InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.criteria import resolve_name
from ocop_cycle.workflow.evaluations import MEMBER_SHEET
from ocop_cycle.workflow.sheets import Sheet, is_sheet_catalogue, sheet_for

_SHARE = Decimal("0.0001")
_POINTS = Decimal("0.01")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Vietnam, as instants (sheets are stored in UTC)."""
    start = datetime.combine(datetime(year, 1, 1).date(), time(0), tzinfo=LOCAL_TZ)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time(0), tzinfo=LOCAL_TZ)
    return start, end


def _sheets_of(catalogue: str, product_set: int, year: int) -> Select[Any]:
    start, end = year_bounds(year)
    return select(ScoreSheet.id).where(
        ScoreSheet.catalogue == catalogue,
        ScoreSheet.product_set == product_set,
        ScoreSheet.kind == MEMBER_SHEET,
        ScoreSheet.submitted_at >= start,
        ScoreSheet.submitted_at < end,
    )


def choice_counts(
    session: Session, catalogue: str, product_set: int, year: int
) -> dict[str, dict[int, int]]:
    """{criterion: {points: how many member sheets chose that many}}."""
    sheets = _sheets_of(catalogue, product_set, year).subquery()
    rows = session.execute(
        select(SheetChoice.criterion, SheetChoice.points, func.count())
        .join(sheets, sheets.c.id == SheetChoice.sheet_id)
        .group_by(SheetChoice.criterion, SheetChoice.points)
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for criterion, points, count in rows:
        counts[criterion][points] = count
    return counts


def criteria_stats(runtime: Runtime, name: str, product_set: int, year: int) -> dict[str, Any]:
    catalogue = resolve_name(runtime, name)
    if not is_sheet_catalogue(catalogue, runtime.settings.workflows_dir):
        raise InvalidInput(
            f"{catalogue} has no option-level sheets; statistics per criterion are for "
            "ocop-26-2026",
            vi=f"Bộ tiêu chí {catalogue} không có phiếu chấm theo mức; thống kê theo tiêu chí chỉ áp dụng "
            "cho quy trình ocop-26-2026",
        )
    sheet = sheet_for(product_set, runtime.settings.workflows_dir)
    with runtime.reading() as session:
        counts = choice_counts(session, catalogue, product_set, year)
        ids = _sheets_of(catalogue, product_set, year).subquery()
        sheets, products = session.execute(
            select(func.count(), func.count(distinct(ScoreSheet.product_id))).where(
                ScoreSheet.id.in_(select(ids.c.id))
            )
        ).one()
    return {
        "catalogue": catalogue,
        "set": product_set,
        "name": {"vi": sheet.product_set.name.vi, "en": sheet.product_set.name.en},
        "year": year,
        "sheets": sheets,
        "products": products,
        "criteria": summarise(sheet, counts),
    }


def summarise(sheet: Sheet, counts: dict[str, dict[int, int]]) -> list[dict[str, Any]]:
    """Means and star-minimum failures per criterion from the ``points → count`` tallies."""
    minimums = sheet.minimums
    rows = []
    for criterion in sheet.criteria():
        tally = counts.get(criterion.code, {})
        answered = sum(tally.values())
        total = sum(points * count for points, count in tally.items())
        mean = (Decimal(total) / answered).quantize(_POINTS, ROUND_HALF_UP) if answered else None
        failures = []
        for stars, needed in sorted(minimums.get(criterion.code, {}).items()):
            failed = sum(count for points, count in tally.items() if points < needed)
            share = (
                (Decimal(failed) / answered).quantize(_SHARE, ROUND_HALF_UP) if answered else None
            )
            failures.append(
                {
                    "stars": stars,
                    "points": needed,
                    "failed": failed,
                    "failed_share": float(share) if share is not None else None,
                }
            )
        rows.append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "max": criterion.max,
                "answered": answered,
                "mean_points": float(mean) if mean is not None else None,
                "minimums": failures,
            }
        )
    return rows
