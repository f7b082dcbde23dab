"""``ocop demo`` runs today's law: Decision 26/2026/QĐ-TTg in the new Quảng Ngãi."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from ocop_cycle.config import Settings
from ocop_cycle.db.base import make_engine
from ocop_cycle.db.tables import history
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.demo import run_demo
from ocop_cycle.services.rounds import list_rounds


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    directory = tmp_path_factory.mktemp("demo") / "ocop-demo"
    out = io.StringIO()
    run_demo(directory, Console(file=out, width=200))
    return directory, out.getvalue()


def test_the_demo_takes_products_to_every_state_of_26_2026(demo: tuple[Path, str]) -> None:
    directory, out = demo
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{directory / 'ocop.db'}"))
    try:
        definition = runtime.workflows.get("ocop-26-2026").definition
        states = {row.split("│")[1].strip() for row in out.split("Products under ocop-26-2026")[1]
                  .split("Council rounds")[0].splitlines() if row.count("│") == 3}
        missing = set(definition.states) - states
        # Re-rating under review and expiry happen in the demo's future only.
        assert missing <= {"rerating_review"}, missing
        rounds = {(r["level"], r["year"], r["number"]) for r in list_rounds(runtime)}
        assert {("province", 2026, 2), ("province", 2027, 1)} <= rounds
        assert any(level == "central" for level, _, _ in rounds)
    finally:
        runtime.close()


def test_the_demo_files_a_rerating_inside_its_window_and_refuses_one_outside(
    demo: tuple[Path, str],
) -> None:
    _, out = demo
    text = " ".join(out.split())
    assert "filed on 28/11/2026: accepted, inside the 180–120-day window" in text
    assert "refused: the re-rating window of certificate" in text
    assert "revoked on ground c" in text and "revocation proposed on ground b" in text
    assert "workflow graph ocop-26-2026" in text
    assert "Converted to the 2025 units:" in text


def test_the_demo_scores_a_26_2026_product_on_its_sets_option_sheet(demo: tuple[Path, str]) -> None:
    directory, out = demo
    text = " ".join(out.split())
    assert "78.00 điểm → 4★ theo thang điểm, 3★ vì tiêu chí 1.5 chưa đạt mức 4 sao" in text
    assert "Tương ớt Nghĩa Lộ: province_decision, 3★" in text
    assert "Ớt sấy Nghĩa Lộ: not_ranked (disqualified by the council chair hd.tinh1 on K2" in text
    filled = (directory / "phieu-hd.tinh1.yaml").read_text(encoding="utf-8")
    assert "# Phiếu đánh giá bộ sản phẩm số 7" in filled and '"1.5": 1' in filled


def test_the_scheduler_preview_runs_ahead_on_a_copy_and_the_demo_stays_as_of_today(
    demo: tuple[Path, str],
) -> None:
    """The demo shows the scheduler at dates ahead (a renewal opening, an expiry), but its
    own database, which the web app serves, records nothing after today."""
    directory, out = demo
    text = " ".join(out.split())
    assert "expire renewal_due → expired" in text
    assert not list(directory.glob("scheduler-preview.db*"))
    engine = make_engine(f"sqlite:///{directory / 'ocop.db'}")
    try:
        with engine.connect() as connection:
            latest = connection.execute(select(func.max(history.c.at))).scalar_one()
    finally:
        engine.dispose()
    assert latest <= datetime.now(UTC) + timedelta(minutes=5)


def test_each_demo_product_s_history_reads_in_the_order_it_happened(
    demo: tuple[Path, str],
) -> None:
    """The demo is set on one day (``demo.TODAY``): what its parts do that day, the
    scheduler's morning run and the law in force's story alike, follows what came before
    for every product, whatever day the demo is run."""
    directory, _ = demo
    engine = make_engine(f"sqlite:///{directory / 'ocop.db'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(history.c.product_id, history.c.at, history.c.trigger).order_by(
                    history.c.product_id, history.c.id
                )
            ).all()
    finally:
        engine.dispose()
    out_of_order = [
        (later.product_id, earlier.trigger, earlier.at, later.trigger, later.at)
        for earlier, later in pairwise(rows)
        if earlier.product_id == later.product_id and later.at < earlier.at
    ]
    assert out_of_order == []
