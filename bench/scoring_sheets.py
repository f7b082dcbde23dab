"""Option-level sheets of Decision 26/2026: what closing and the statistics cost, on SQLite.

Prints, in one run, each measured against its baseline in the same database, in
interleaved rounds (the median of the rounds' ratios):
  1. closing an evaluation of 9 members on set 13 (34 criteria, the largest sheet), with
     the star minimums worked out from 306 chosen options, against closing a section-level
     evaluation of 9 members today (ocop-148): target <= 1.5 x;
  2. ``ocop criteria stats`` (mean points and star-minimum failures per criterion) over
     100,000 member sheets of one set and year, against one raw ``GROUP BY criterion``
     over the same choice rows: target <= 3 x.

Run: python bench/scoring_sheets.py [--products 1000] [--sheets 100000] [--rounds 5];
bench/scoring.py runs it too, after its own measurements.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import Evaluation, History, Producer, Product, ScoreSheet, User
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.identity.accounts import add_user, create_first_admin
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, units
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.services.setup import initialise
from ocop_cycle.services.sheet_stats import criteria_stats
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.sheets import Sheet, points_of, section_totals, sheet_for

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
PROVINCE, COMMUNE_2025 = "51", "21028"
LEGACY_COMMUNE, DISTRICT = "21427", "533"
MEMBERS = [f"hd{i}" for i in range(1, 10)]
SET_CLOSE, SET_STATS = 13, 1
SECTIONS_148 = {"A1": "12", "A2": "12", "A3": "8", "B1": "12", "B2": "8", "C1": "12", "C2": "12", "C3": "4"}
BATCH = 20_000


def _answers(sheet: Sheet, variant: int) -> dict[str, int]:
    """A plausible sheet: each criterion's best option, or the one below it for some."""
    chosen: dict[str, int] = {}
    for position, criterion in enumerate(sheet.criteria()):
        points = [option.points for option in criterion.options]
        ranked = sorted(range(len(points)), key=points.__getitem__)
        step_down = (position + variant) % 3 == 0 and len(ranked) > 1
        chosen[criterion.code] = ranked[-2] if step_down else ranked[-1]
    return chosen


def build(path: Path, products: int) -> Runtime:
    """``products`` products in each of two councils' hands: under 26/2026 on set 13 with
    nine option-level sheets each, and under 148 with nine section-level sheets each."""
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "legacy")
    units.load_province(runtime, PROVINCE, "2025")
    create_first_admin(runtime, "admin1", password=None)
    add_user(runtime, "province1", actor="admin1", role="province_officer", unit_code=PROVINCE)
    add_user(runtime, "district1", actor="admin1", role="district_officer", unit_code=DISTRICT)
    for member in MEMBERS:
        add_user(runtime, member, actor="admin1", role="council_member")
    province_council = councils.create_council(
        runtime, actor="admin1", level="province", unit_code=PROVINCE, chair=MEMBERS[0],
        members=MEMBERS,
    )["id"]
    district_council = councils.create_council(
        runtime, actor="admin1", level="district", unit_code=DISTRICT, chair=MEMBERS[0],
        members=MEMBERS,
    )["id"]
    sheet = sheet_for(SET_CLOSE)
    with runtime.transaction() as session:
        producer = Producer(name="HTX Nghĩa Lộ", type="cooperative", commune_code=COMMUNE_2025,
                            language="vi", created_at=NOW)
        session.add(producer)
        session.flush()
        producer_id = producer.id
        member_ids = list(session.scalars(select(User.id).where(User.username.in_(MEMBERS))))
    answers = [_answers(sheet, variant) for variant in range(len(member_ids))]
    points = [points_of(sheet, chosen) for chosen in answers]
    for start in range(0, products, 500):
        ids = range(start + 1, start + min(500, products - start) + 1)
        with runtime.transaction() as session:
            _products(session, ids, producer_id, province_council, district_council)
            sheet_ids = _sheets(session, ids, member_ids, sheet, points)
            session.execute(insert(SheetChoice), [
                {"sheet_id": sheet_id, "criterion": code, "option": index,
                 "points": points[n][code]}
                for sheet_id, n in sheet_ids for code, index in answers[n].items()])
    return runtime


def _products(
    session: Session, ids: range, producer_id: int, province_council: int, district_council: int
) -> None:
    rows: list[dict[str, Any]] = []
    for i in ids:
        rows.append({"id": 2 * i - 1, "name": f"Sản phẩm 26/{i}", "producer_id": producer_id,
                     "commune_code": COMMUNE_2025, "province_code": PROVINCE,
                     "product_group": "food", "product_set": SET_CLOSE,
                     "workflow": "ocop-26-2026", "workflow_version": 1,
                     "state": "province_council", "version": 1, "created_at": NOW,
                     "updated_at": NOW})
        rows.append({"id": 2 * i, "name": f"Sản phẩm 148/{i}", "producer_id": producer_id,
                     "commune_code": LEGACY_COMMUNE, "district_code": DISTRICT,
                     "province_code": PROVINCE, "product_group": "food",
                     "workflow": "ocop-148", "workflow_version": 1,
                     "state": "district_evaluation", "version": 1, "created_at": NOW,
                     "updated_at": NOW})
    session.execute(insert(Product), rows)
    session.execute(insert(Evaluation), [
        {"id": row["id"], "product_id": row["id"], "workflow": row["workflow"],
         "state": row["state"], "level": "province" if row["id"] % 2 else "district",
         "unit_code": PROVINCE if row["id"] % 2 else DISTRICT,
         "council_id": province_council if row["id"] % 2 else district_council,
         "purpose": "first", "status": "open", "opened_at": NOW} for row in rows])
    session.execute(insert(History), [
        {"product_id": row["id"], "trigger": "submit_dossier", "from_state": "product_development",
         "to_state": "dossier_submitted", "workflow": row["workflow"], "workflow_version": 1,
         "actor": "admin1", "role": "admin", "at": NOW, "data": {}} for row in rows])


def _sheets(
    session: Session, ids: range, member_ids: list[int], sheet: Sheet, points: list[dict[str, int]]
) -> list[tuple[int, int]]:
    """Nine sheets per product; returns (sheet id, variant) of the option-level ones."""
    totals = [sum(p.values()) for p in points]
    sections = [{c: str(v) for c, v in section_totals(sheet, p).items()} for p in points]
    made = []
    for i in ids:
        for n, user_id in enumerate(member_ids):
            option_level = session.execute(insert(ScoreSheet).values(
                evaluation_id=2 * i - 1, product_id=2 * i - 1, user_id=user_id, kind="member",
                catalogue="ocop-26-2026", product_set=SET_CLOSE, sections=sections[n],
                total=Decimal(totals[n]), mandatory_failed=[], submitted_at=NOW, updated_at=NOW,
            ).returning(ScoreSheet.id)).scalar_one()
            made.append((option_level, n))
        session.execute(insert(ScoreSheet), [
            {"evaluation_id": 2 * i, "product_id": 2 * i, "user_id": user_id, "kind": "member",
             "catalogue": "ocop-148", "sections": SECTIONS_148, "total": Decimal(80),
             "mandatory_failed": [], "submitted_at": NOW, "updated_at": NOW}
            for user_id in member_ids])
    return made


def close_one(runtime: Runtime, product_id: int, workflow: str, officer: str) -> float:
    compiled = runtime.workflows.get(workflow, 1)
    started = time.perf_counter()
    with runtime.transaction() as session:
        engine.fire(session, compiled, get_product(session, product_id),
                    get_user(session, officer), "close_evaluation",
                    now=runtime.clock.now(), data={}, workflows=runtime.workflows)
    return time.perf_counter() - started


def bench_close(runtime: Runtime, products: int, rounds: int) -> dict[str, float]:
    """Interleaved: in each round, one option-level close, then one section-level close,
    alternating over the round's share of products."""
    per_round = (products - 20) // rounds
    for i in range(1, 11):  # warm-up: imports and statement caches
        close_one(runtime, 2 * i - 1, "ocop-26-2026", "province1")
        close_one(runtime, 2 * i, "ocop-148", "district1")
    ratios, sheets_ms, sections_ms = [], [], []
    for r in range(rounds):
        first = 11 + r * per_round
        option_level = section_level = 0.0
        for i in range(first, first + per_round):
            option_level += close_one(runtime, 2 * i - 1, "ocop-26-2026", "province1")
            section_level += close_one(runtime, 2 * i, "ocop-148", "district1")
        ratios.append(option_level / section_level)
        sheets_ms.append(option_level / per_round * 1e3)
        sections_ms.append(section_level / per_round * 1e3)
    return {
        "close_option_level_ms": round(statistics.median(sheets_ms), 3),
        "close_section_level_ms": round(statistics.median(sections_ms), 3),
        "close_option_vs_section_ratio": round(statistics.median(ratios), 3),
    }


def build_stats(path: Path, sheets: int) -> Runtime:
    """``sheets`` member sheets of set 1 in 2026 with their choices (32 rows each)."""
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "2025")
    create_first_admin(runtime, "admin1", password=None)
    sheet = sheet_for(SET_STATS)
    answers = [_answers(sheet, variant) for variant in range(7)]
    points = [points_of(sheet, chosen) for chosen in answers]
    with runtime.transaction() as session:
        producer = Producer(name="HTX Nghĩa Lộ", type="cooperative", commune_code=COMMUNE_2025,
                            language="vi", created_at=NOW)
        session.add(producer)
        session.flush()
        user_id = session.scalars(select(User.id).where(User.username == "admin1")).one()
        session.execute(insert(Product), [{
            "id": 1, "name": "Sản phẩm", "producer_id": producer.id, "commune_code": COMMUNE_2025,
            "province_code": PROVINCE, "product_group": "food", "product_set": SET_STATS,
            "workflow": "ocop-26-2026", "workflow_version": 1, "state": "province_council",
            "version": 1, "created_at": NOW, "updated_at": NOW}])
    per_batch = BATCH // len(sheet.criteria())
    for start in range(0, sheets, per_batch):
        count = min(per_batch, sheets - start)
        with runtime.transaction() as session:
            session.execute(insert(ScoreSheet), [
                {"id": start + k + 1, "evaluation_id": None, "product_id": 1, "user_id": user_id,
                 "kind": "member", "catalogue": "ocop-26-2026", "product_set": SET_STATS,
                 "sections": {}, "total": Decimal(sum(points[(start + k) % 7].values())),
                 "mandatory_failed": [], "submitted_at": NOW, "updated_at": NOW}
                for k in range(count)])
            session.execute(insert(SheetChoice), [
                {"sheet_id": start + k + 1, "criterion": code, "option": index,
                 "points": points[(start + k) % 7][code]}
                for k in range(count) for code, index in answers[(start + k) % 7].items()])
    return runtime


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bench_stats(runtime: Runtime, rounds: int) -> dict[str, float]:
    def stats() -> object:
        return criteria_stats(runtime, "ocop-26-2026", SET_STATS, 2026)

    def raw() -> object:
        with runtime.engine.connect() as connection:
            return connection.execute(
                text("SELECT criterion, count(*) FROM sheet_choices GROUP BY criterion")
            ).all()

    stats()
    raw()
    ratios, stats_ms, raw_ms = [], [], []
    for _ in range(rounds):
        took_stats, took_raw = _timed(stats), _timed(raw)
        ratios.append(took_stats / took_raw)
        stats_ms.append(took_stats * 1e3)
        raw_ms.append(took_raw * 1e3)
    with runtime.engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(SheetChoice)).scalar_one()
    return {
        "choice_rows": rows,
        "stats_ms": round(statistics.median(stats_ms), 1),
        "raw_group_by_ms": round(statistics.median(raw_ms), 1),
        "stats_vs_raw_group_by_ratio": round(statistics.median(ratios), 3),
    }


def run(products: int, sheets: int, rounds: int) -> tuple[dict[str, Any], dict[str, bool]]:
    """Both measurements; their results and whether each target is met."""
    with tempfile.TemporaryDirectory() as folder:
        closing = build(Path(folder) / "close.db", products)
        close_report = bench_close(closing, products, rounds)
        closing.close()
        counting = build_stats(Path(folder) / "stats.db", sheets)
        stats_report = bench_stats(counting, rounds)
        counting.close()
    report = {**close_report, **stats_report, "sheets": sheets, "members": len(MEMBERS),
              "criteria_closed_set": len(sheet_for(SET_CLOSE).criteria())}
    targets = {
        "close_option_vs_section_ratio <= 1.5": report["close_option_vs_section_ratio"] <= 1.5,
        "stats_vs_raw_group_by_ratio <= 3": report["stats_vs_raw_group_by_ratio"] <= 3,
    }
    return report, targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000)
    parser.add_argument("--sheets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report, targets = run(args.products, args.sheets, args.rounds)
    print(json.dumps({"results": report, "targets_met": targets}, indent=2))
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
