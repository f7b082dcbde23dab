"""An import streams (issue 12 §2): memory holds a batch, not the file; errors are counted
and the first ones listed; products and producers that span batches stay whole."""

from __future__ import annotations

import csv
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import AdminUnit, Certificate, History, Producer, Product
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.importing.reader import read_sheet
from ocop_cycle.importing.row_errors import LISTED, ErrorLog
from ocop_cycle.importing.rows import RowValidator
from ocop_cycle.importing.rule_sets import RuleSetCalendar
from ocop_cycle.importing.service import ImportRejected, import_products
from ocop_cycle.importing.staging import BATCH, Staging
from ocop_cycle.importing.store import load_units
from ocop_cycle.runtime import Runtime
from tests.conftest import ADMIN, START
from tests.import_files import HEADER, write_certificates_csv

IMPORTER = "tinh_nhap"


@pytest.fixture
def clock() -> Clock:
    # After the last decision date the large test files use (2019-09-01 + 1,899 days).
    return Clock(fixed=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _importer(runtime: Runtime) -> None:
    add_user(runtime, IMPORTER, actor=ADMIN, role="province_officer", unit_code="51")


def communes(runtime: Runtime) -> list[str]:
    with runtime.transaction() as session:
        districts = select(AdminUnit.code).where(AdminUnit.parent_code == "51")
        return list(
            session.scalars(
                select(AdminUnit.code)
                .where(AdminUnit.level == "commune", AdminUnit.parent_code.in_(districts))
                .order_by(AdminUnit.code)
            )
        )


def count(runtime: Runtime, model: Any) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def peak_bytes_of_import(runtime: Runtime, path: Path) -> int:
    tracemalloc.start()
    try:
        import_products(runtime, path, actor=IMPORTER)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_import_four_times_longer_needs_no_more_memory_than_a_batch_more(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Were every row kept until the end, 6,000 rows more would need about 7.5 MB more
    (1.3 kB a row, measured on the code that did); streamed, the peak is a batch's."""
    codes = communes(runtime)
    # A first small import fills the caches that any first import fills (compiled
    # statements, workflow pins): not the rows' share.
    import_products(runtime, write_certificates_csv(tmp_path / "0.csv", 5, codes), actor=IMPORTER)
    one_batch = write_certificates_csv(tmp_path / "1.csv", BATCH, codes, first=5)
    four_batches = write_certificates_csv(tmp_path / "4.csv", 4 * BATCH, codes, first=5 + BATCH)
    peak_one = peak_bytes_of_import(runtime, one_batch)
    peak_four = peak_bytes_of_import(runtime, four_batches)
    assert count(runtime, Certificate) == 5 + 5 * BATCH  # all imported, in full
    assert peak_four - peak_one < 3 * BATCH * 256, (peak_one, peak_four)


def test_a_file_with_more_errors_than_are_listed_counts_them_all_and_lists_the_first(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    bad_rows = LISTED + 500
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(bad_rows):  # six stars: one error a row
            writer.writerow((f"SP {index}", "food", "HTX", "cooperative", "21427", "6", "",
                             f"{index}/QĐ", "16/12/2022", ""))
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, path, actor=IMPORTER)
    rejected = caught.value
    assert rejected.total == bad_rows
    assert [e.row for e in rejected.errors] == list(range(2, LISTED + 2))
    assert rejected.message.startswith(f"bad.csv: {bad_rows} error(s); nothing was imported")
    assert rejected.message.endswith(f"… and 500 more (the first {LISTED} are listed)")
    assert count(runtime, Product) == 0


def test_a_producer_whose_products_span_two_batches_is_created_once(
    runtime: Runtime, tmp_path: Path
) -> None:
    # Rows 2 … BATCH + 6: producer "Chủ thể 400" has products on both sides of the first
    # batch's end (indexes 2000 and 2001 in it, 2002 … 2004 after it).
    path = write_certificates_csv(tmp_path / "a.csv", BATCH + 5, communes(runtime), first=2)
    producers = len({index // 5 for index in range(2, BATCH + 7)})
    dry = import_products(runtime, path, actor=IMPORTER, dry_run=True)
    assert (dry["producers_created"], dry["products_created"]) == (producers, BATCH + 5)
    assert count(runtime, Producer) == 0
    done = import_products(runtime, path, actor=IMPORTER)
    assert {key: done[key] for key in dry if key != "dry_run"} == {
        key: value for key, value in dry.items() if key != "dry_run"
    }
    assert count(runtime, Producer) == producers
    assert count(runtime, History) >= BATCH + 5


def test_an_error_found_after_batches_were_written_leaves_the_database_as_it_was(
    runtime: Runtime, clock: Clock, world: Any, tmp_path: Path
) -> None:
    from ocop_cycle.services.products import register_product

    later = clock.fixed
    clock.fixed = START  # registered under the rules of 2024, for a legacy commune
    register_product(
        runtime, name="Gạo", producer_id=world.producer_id, group="food", actor="commune1"
    )
    clock.fixed = later
    path = write_certificates_csv(tmp_path / "a.csv", 3 * BATCH, communes(runtime))
    with path.open("a", encoding="utf-8", newline="") as handle:
        # The last row names a product in the middle of its workflow: only the last
        # batch's plan finds it, after the first batches were written.
        csv.writer(handle).writerow((
            "Gạo", "food", "HTX Nông nghiệp Đức Tân", "cooperative", world.commune, "3",
            "", "9/QĐ", "16/12/2022", "",
        ))
    before = {model: count(runtime, model) for model in (Producer, Product, Certificate, History)}
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, path, actor=IMPORTER)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3 * BATCH + 2, "product_name")]
    assert "idea_registered" in caught.value.errors[0].reason
    assert {model: count(runtime, model) for model in before} == before


def test_the_staging_gives_back_a_products_rows_together_whatever_the_file_order(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for product, decision, date in (
            ("Trà", "1/QĐ", "16/12/2020"),
            ("Mật ong", "2/QĐ", "16/12/2020"),
            ("trà ", "3/QĐ", "16/12/2023"),  # the same product as row 2
            ("Mật ong", "4/QĐ", "16/12/2023"),
        ):
            writer.writerow((product, "food", "HTX", "cooperative", "21427", "3", "",
                             decision, date, ""))
    errors = ErrorLog()
    with runtime.transaction() as session:
        units = load_units(session)
    calendar = RuleSetCalendar.from_workflows(runtime.workflows)
    definition = runtime.workflows.get("ocop-148").definition
    validator = RowValidator(
        units, definition.scoring.star_bands(), runtime.clock.today(), calendar,
        earliest=runtime.settings.legal_dates_from, errors=errors,
    )
    with Staging.opened() as staging:
        for row in validator.rows(read_sheet(path, 10**6)):
            staging.add(row)
        assert list(staging.cross_row_errors()) == []
        batches = list(staging.batches(units, calendar.rule_sets, size=1))
    assert [[row.row for row in batch] for batch in batches] == [[2, 4], [3, 5]]
    assert not errors
