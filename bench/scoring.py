"""Scoring benchmark: closing evaluations from council scoresheets, on SQLite files.

Prints, in one run:
  1. the time to close an evaluation online (the council's result computed from four
     sheets: quorum, spread, mean) against closing it on paper (a typed score) in the
     same database: the price of computing the result;
  2. the time to close online and to submit a sheet with 6,000 and with 100,000
     products under evaluation (each with its open evaluation and sheets in the tables).
Targets: online <= 2.5 x paper; cost at 100k <= 1.3 x cost at 1k (closing and submitting).
  3. the option-level sheets of Decision 26/2026 (bench/scoring_sheets.py): a 9-member
     close on a 34-criterion set against a section-level close (target <= 1.5 x), and
     the statistics over 100,000 sheets against a raw GROUP BY (target <= 3 x).

Run: python bench/scoring.py [--products 100000] [--sample 400] [--sheets 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import scoring_sheets
from sqlalchemy import insert, select

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import AdminUnit, Evaluation, History, Producer, Product, ScoreSheet, User
from ocop_cycle.identity.accounts import add_user, create_first_admin
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, scoring, units
from ocop_cycle.services.lookup import get_product, get_user
from ocop_cycle.services.setup import initialise
from ocop_cycle.workflow import engine

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
COMMUNE, DISTRICT, PROVINCE = "21427", "533", "51"
MEMBERS = ["hd1", "hd2", "hd3", "hd4"]
PAPER_MEMBERS, PAPER_OFFICER = ["hd5", "hd6", "hd7"], "district2"
SECTIONS = {"A1": 15, "A2": 15, "A3": 10, "B1": 15, "B2": 10, "C1": 15, "C2": 15, "C3": 5}


def sheet_for(total: int) -> dict[str, str]:
    left, sheet = total, {}
    for code, maximum in SECTIONS.items():
        sheet[code] = str(min(left, maximum))
        left -= min(left, maximum)
    return sheet


def build(path: Path, products: int) -> Runtime:
    """``products`` products in district evaluation, each with an open evaluation; the
    odd ones already hold three members' sheets (online), the even ones none (paper).

    The paper ones sit in a second district whose council scores on paper: a paper result
    is refused while the level's council has sheets in progress (workflow.paper_path), so
    the baseline is that district's close, with the same check against its council."""
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), Clock(fixed=NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "legacy")
    create_first_admin(runtime, "admin1", password=None)
    with runtime.reading() as session:
        paper_district = session.scalars(
            select(AdminUnit.code)
            .where(AdminUnit.parent_code == PROVINCE, AdminUnit.code != DISTRICT)
            .order_by(AdminUnit.code)
        ).first()
        paper_commune = session.scalars(
            select(AdminUnit.code).where(AdminUnit.parent_code == paper_district)
            .order_by(AdminUnit.code)
        ).first()
    assert paper_district is not None and paper_commune is not None
    add_user(runtime, "district1", actor="admin1", role="district_officer", unit_code=DISTRICT)
    add_user(runtime, PAPER_OFFICER, actor="admin1", role="district_officer",
             unit_code=paper_district)
    for member in MEMBERS + PAPER_MEMBERS:
        add_user(runtime, member, actor="admin1", role="council_member")
    council_id = councils.create_council(
        runtime, actor="district1", level="district", unit_code=DISTRICT, chair=MEMBERS[0],
        members=MEMBERS,
    )["id"]
    paper_council_id = councils.create_council(
        runtime, actor=PAPER_OFFICER, level="district", unit_code=paper_district,
        chair=PAPER_MEMBERS[0], members=PAPER_MEMBERS,
    )["id"]
    with runtime.transaction() as session:
        producer = Producer(name="HTX Đức Tân", type="cooperative", commune_code=COMMUNE,
                            language="vi", created_at=NOW)
        session.add(producer)
        session.flush()
        producer_id = producer.id
        member_ids = list(session.scalars(select(User.id).where(User.username.in_(MEMBERS[:3]))))
    sheet = sheet_for(64)
    batch = 10_000
    for start in range(0, products, batch):
        ids = range(start + 1, start + min(batch, products - start) + 1)
        district = {i: DISTRICT if i % 2 else paper_district for i in ids}
        with runtime.transaction() as session:
            session.execute(insert(Product), [
                {"id": i, "name": f"Sản phẩm {i}", "producer_id": producer_id,
                 "commune_code": COMMUNE if i % 2 else paper_commune,
                 "district_code": district[i], "province_code": PROVINCE,
                 "product_group": "food", "workflow": "ocop-148", "workflow_version": 1,
                 "state": "district_evaluation", "version": 1, "created_at": NOW,
                 "updated_at": NOW} for i in ids])
            session.execute(insert(History), [
                {"product_id": i, "trigger": "accept_dossier", "from_state": "dossier_submitted",
                 "to_state": "district_evaluation", "workflow": "ocop-148", "workflow_version": 1,
                 "actor": "district1", "role": "district_officer", "at": NOW, "data": {}}
                for i in ids])
            session.execute(insert(Evaluation), [
                {"id": i, "product_id": i, "workflow": "ocop-148", "state": "district_evaluation",
                 "level": "district", "unit_code": district[i],
                 "council_id": council_id if i % 2 else paper_council_id,
                 "purpose": "first", "status": "open", "opened_at": NOW} for i in ids])
            session.execute(insert(ScoreSheet), [
                {"evaluation_id": i, "product_id": i, "user_id": user_id, "kind": "member",
                 "catalogue": "ocop-148", "sections": sheet, "total": Decimal(64),
                 "mandatory_failed": [], "submitted_at": NOW, "updated_at": NOW}
                for i in ids if i % 2 for user_id in member_ids])
    return runtime


def close(
    runtime: Runtime, product_ids: list[int], data: dict[str, str], officer: str = "district1"
) -> float:
    """Seconds per close_evaluation through the engine, one unit of work each."""
    compiled = runtime.workflows.get("ocop-148", 1)
    started = time.perf_counter()
    for product_id in product_ids:
        with runtime.transaction() as session:
            engine.fire(session, compiled, get_product(session, product_id),
                        get_user(session, officer), "close_evaluation",
                        now=runtime.clock.now(), data=data, workflows=runtime.workflows)
    return (time.perf_counter() - started) / len(product_ids)


def submit(runtime: Runtime, product_ids: list[int]) -> float:
    """Seconds per scoresheet submitted through the service (the fourth member's)."""
    sheet = sheet_for(66)
    started = time.perf_counter()
    for product_id in product_ids:
        scoring.submit_sheet(runtime, product_id, actor=MEMBERS[3], sections=sheet)
    return (time.perf_counter() - started) / len(product_ids)


def measure(runtime: Runtime, products: int, sample: int) -> dict[str, float]:
    odd = list(range(1, products + 1, 2))
    even = list(range(2, products + 1, 2))
    step = max(1, len(odd) // (3 * sample))
    online = odd[::step][: 3 * sample]
    paper = even[::step][:sample]
    close(runtime, online[:20], {})  # warm-up: imports, statement caches
    return {
        "submit": submit(runtime, online[20:sample + 20]),
        "online": close(runtime, online[sample + 20: 2 * sample + 20], {}),
        "paper": close(runtime, paper, {"score": "64", "minutes": "BB-1"}, PAPER_OFFICER),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--sheets", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = build(Path(folder) / "small.db", 1_000 * 6)
        at_1k = measure(small, 1_000 * 6, min(args.sample, 900))
        small.close()
        large = build(Path(folder) / "large.db", args.products)
        at_large = measure(large, args.products, args.sample)
        large.close()
    ms = {f"{key}_ms_{label}": round(value * 1e3, 3)
          for label, values in (("small", at_1k), ("large", at_large))
          for key, value in values.items()}
    report = {
        **ms,
        "products_small": 6_000,
        "products_large": args.products,
        "online_vs_paper_ratio": round(at_large["online"] / at_large["paper"], 3),
        "close_online_ratio_large_vs_small": round(at_large["online"] / at_1k["online"], 3),
        "submit_ratio_large_vs_small": round(at_large["submit"] / at_1k["submit"], 3),
    }
    targets = {
        "online_vs_paper_ratio <= 2.5": report["online_vs_paper_ratio"] <= 2.5,
        "close_online_ratio_large_vs_small <= 1.3": report["close_online_ratio_large_vs_small"] <= 1.3,
        "submit_ratio_large_vs_small <= 1.3": report["submit_ratio_large_vs_small"] <= 1.3,
    }
    sheets_report, sheets_targets = scoring_sheets.run(1_000, args.sheets, 5)
    report.update(sheets_report)
    targets.update(sheets_targets)
    print(json.dumps({"results": report, "targets_met": targets}, indent=2))
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
