"""Importing a province's existing certificates (issue 5 §1), on real databases."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select

from ocop_cycle.db.models import (
    AdminUnit,
    Certificate,
    History,
    Producer,
    Product,
    ScheduleItem,
)
from ocop_cycle.errors import PermissionDenied
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.importing.rule_sets import RuleSetCalendar
from ocop_cycle.importing.service import ImportRejected, import_products
from ocop_cycle.runtime import Runtime
from tests.conftest import ADMIN

HEADER = [
    "product_name",
    "product_group",
    "producer_name",
    "producer_type",
    "producer_email",
    "commune_code",
    "district_code",
    "stars",
    "score",
    "decision_number",
    "decision_date",
    "round_year",
]


def row(**values: str) -> dict[str, str]:
    base = {
        "product_name": "Tỏi cô đơn",
        "product_group": "food",
        "producer_name": "HTX Tỏi Đức Tân",
        "producer_type": "cooperative",
        "producer_email": "",
        "commune_code": "21427",
        "district_code": "",
        "stars": "3",
        "score": "",
        "decision_number": "1462/QĐ-UBND",
        "decision_date": "2022-12-16",
        "round_year": "",
    }
    base.update(values)
    return base


def write_csv(
    path: Path, rows: list[dict[str, str]], header: list[str] = HEADER, bom: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(column, "") for column in header])
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    """Typed cells, as a person would type them: numbers as numbers, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        cells: list[Any] = []
        for column in header:
            text = values.get(column, "")
            if column in ("commune_code", "district_code", "stars", "round_year") and text:
                cells.append(int(text))
            elif column == "score" and text:
                cells.append(float(text))
            elif column == "decision_date" and "-" in text:
                cells.append(date.fromisoformat(text))
            else:
                cells.append(text or None)
        sheet.append(cells)
    workbook.save(path)
    return path


def count(runtime: Runtime, model: Any) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def certificates(runtime: Runtime) -> list[Certificate]:
    with runtime.transaction() as session:
        return list(session.scalars(select(Certificate).order_by(Certificate.decision_date)))


def products(runtime: Runtime) -> list[Product]:
    with runtime.transaction() as session:
        return list(session.scalars(select(Product).order_by(Product.id)))


# The provincial office that imports in these tests (issue 10 §2: only a province officer
# of the file's province imports).
IMPORTER = "tinh_nhap"


@pytest.fixture(autouse=True)
def _importer(runtime: Runtime) -> None:
    add_user(runtime, IMPORTER, actor=ADMIN, role="province_officer", unit_code="51")


def test_certificates_take_the_rule_set_in_force_on_their_decision_date(
    runtime: Runtime, tmp_path: Path
) -> None:
    dates = ["2023-02-23", "2023-02-24", "2025-07-05", "2025-07-06"]
    rows = [
        row(product_name=f"Sản phẩm {i}", decision_number=f"{i}/QĐ-UBND", decision_date=d)
        for i, d in enumerate(dates)
    ]
    runtime.clock.fixed = runtime.clock.fixed.replace(year=2025, month=8)  # type: ignore[union-attr]
    import_products(runtime, write_csv(tmp_path / "rules.csv", rows), actor=IMPORTER)
    found = {
        c.decision_date.isoformat(): (c.rule_set, c.issuing_level) for c in certificates(runtime)
    }
    assert found == {
        "2023-02-23": ("1048/QĐ-TTg", "province"),
        "2023-02-24": ("148/QĐ-TTg", "district"),
        "2025-07-05": ("148/QĐ-TTg", "district"),
        "2025-07-06": ("1489/QĐ-TTg", "province"),
    }


def test_imported_products_get_the_state_that_follows_from_today(
    runtime: Runtime, tmp_path: Path
) -> None:
    # Today is 2024-03-01; validity 36 months; renewal window 180 days before expiry.
    rows = [
        row(product_name="Còn hạn", decision_number="1/QĐ", decision_date="2023-06-01"),
        row(
            product_name="Đến hạn đánh giá lại", decision_number="2/QĐ", decision_date="2021-06-01"
        ),
        row(product_name="Hết hạn", decision_number="3/QĐ", decision_date="2020-12-16"),
        row(
            product_name="Hết hạn đúng hôm nay", decision_number="4/QĐ", decision_date="2021-03-01"
        ),
    ]
    summary = import_products(runtime, write_csv(tmp_path / "states.csv", rows), actor=IMPORTER)
    assert summary["states"] == {"certified": 1, "expired": 2, "renewal_due": 1}
    states = {p.name: (p.state, p.workflow, p.stars) for p in products(runtime)}
    assert states == {
        "Còn hạn": ("certified", "ocop-148", 3),
        "Đến hạn đánh giá lại": ("renewal_due", "ocop-148", 3),
        "Hết hạn": ("expired", "ocop-148", 3),
        "Hết hạn đúng hôm nay": ("expired", "ocop-148", 3),
    }
    by_decision = {c.decision_number: c for c in certificates(runtime)}
    assert by_decision["1/QĐ"].expires_on == date(2026, 6, 1)
    assert by_decision["1/QĐ"].status == "active"
    assert by_decision["3/QĐ"].status == "expired"


def test_history_says_the_product_was_imported_from_which_file_by_whom(
    runtime: Runtime, world: Any, tmp_path: Path
) -> None:
    import_products(runtime, write_csv(tmp_path / "tinh-2022.csv", [row()]), actor="province1")
    with runtime.transaction() as session:
        history = session.scalars(select(History)).one()
    assert history.trigger == "import"
    assert history.actor == "province1"
    assert history.role == "province_officer"
    assert history.to_state == "certified"
    assert history.data["file"] == "tinh-2022.csv"
    assert "tinh-2022.csv" in (history.comment or "")


def test_reimporting_the_same_file_creates_no_duplicates(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            row(),
            row(product_name="Nước mắm", decision_number="192/QĐ-UBND", decision_date="2023-03-22"),
        ],
    )
    first = import_products(runtime, path, actor=IMPORTER)
    second = import_products(runtime, path, actor=IMPORTER)
    assert first["certificates_created"] == 2
    assert second["certificates_created"] == 0
    assert second["rows_already_imported"] == 2
    assert (count(runtime, Product), count(runtime, Certificate), count(runtime, Producer)) == (
        2,
        2,
        1,
    )
    assert count(runtime, History) == 2


def test_same_producer_name_in_the_same_commune_is_one_producer_even_one_already_stored(
    runtime: Runtime, world: Any, tmp_path: Path
) -> None:
    rows = [
        row(producer_name="HTX  Nông nghiệp Đức Tân", product_name="Gạo"),
        row(producer_name="HTX Nông nghiệp Đức Tân", product_name="Mật ong"),
        row(producer_name="HTX Nông nghiệp Đức Tân", product_name="Mật ong", commune_code="21400"),
    ]
    summary = import_products(runtime, write_csv(tmp_path / "p.csv", rows), actor=IMPORTER)
    assert summary["producers_created"] == 1  # only the one in the other commune
    owners = {(p.name, p.commune_code): p.producer_id for p in products(runtime)}
    assert owners[("Gạo", "21427")] == owners[("Mật ong", "21427")] == world.producer_id
    assert owners[("Mật ong", "21400")] != world.producer_id


def test_product_certified_under_1048_then_renewed_under_148_is_one_product_with_two_certificates(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        row(stars="4", score="72", decision_number="2000/QĐ-UBND", decision_date="2023-06-30"),
        row(stars="3", decision_number="1197/QĐ-UBND", decision_date="2020-06-30"),
    ]
    import_products(runtime, write_csv(tmp_path / "r.csv", rows), actor=IMPORTER)
    [product] = products(runtime)
    old, new = certificates(runtime)
    assert (old.rule_set, old.status, old.superseded_by_id) == ("1048/QĐ-TTg", "superseded", new.id)
    assert (new.rule_set, new.status, new.stars) == ("148/QĐ-TTg", "active", 4)
    assert (product.stars, product.state, float(product.score or 0)) == (4, "certified", 72.0)


def test_a_later_file_renews_a_product_imported_before(runtime: Runtime, tmp_path: Path) -> None:
    import_products(
        runtime,
        write_csv(tmp_path / "2020.csv", [row(decision_date="2020-06-30", decision_number="1/QĐ")]),
        actor=IMPORTER,
    )
    assert products(runtime)[0].state == "expired"
    import_products(
        runtime,
        write_csv(
            tmp_path / "2023.csv",
            [row(decision_date="2023-06-30", decision_number="2/QĐ", stars="4")],
        ),
        actor=IMPORTER,
    )
    [product] = products(runtime)
    old, new = certificates(runtime)
    assert (product.state, product.stars, product.version) == ("certified", 4, 2)
    assert (old.status, old.superseded_by_id, new.status) == ("superseded", new.id, "active")
    with runtime.transaction() as session:
        moves = [
            (h.from_state, h.to_state)
            for h in session.scalars(select(History).order_by(History.id))
        ]
    assert moves == [(None, "expired"), ("expired", "certified")]


def test_every_error_is_listed_with_row_and_column_and_nothing_is_imported(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        row(product_name="Tốt"),  # row 2: valid
        row(product_name="Mã sai", commune_code="99999"),  # row 3
        row(product_name="Ngày sai", decision_date="31/02/2022"),  # row 4
        row(product_name="Loại sai", producer_type="company"),  # row 5
        row(product_name="Tốt"),  # row 6: duplicate of row 2
        row(product_name="Sao sai", stars="2", score="abc"),  # row 7: two errors
    ]
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, write_csv(tmp_path / "bad.csv", rows), actor=IMPORTER)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "commune_code"),
        (4, "decision_date"),
        (5, "producer_type"),
        (6, "decision_number"),
        (7, "stars"),
        (7, "score"),
    }
    reasons = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert "duplicate of row 2" in reasons[(6, "decision_number")]
    assert "enterprise, cooperative, cooperative_group, household" in reasons[(5, "producer_type")]
    assert "nothing was imported" in caught.value.message
    assert (count(runtime, Product), count(runtime, Certificate), count(runtime, Producer)) == (
        0,
        0,
        0,
    )


def test_a_wrong_header_is_refused_naming_the_unknown_and_missing_columns(
    runtime: Runtime, tmp_path: Path
) -> None:
    header = [c for c in HEADER if c != "stars"] + ["ghi_chu"]
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, write_csv(tmp_path / "h.csv", [row()], header=header), actor=IMPORTER)
    assert {(e.row, e.column) for e in caught.value.errors} == {(1, "ghi_chu"), (1, "stars")}
    assert count(runtime, Product) == 0


def test_score_must_match_the_stars_and_round_year_must_fit_the_decision(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        row(stars="4", score="65.5"),
        row(product_name="B", round_year="2019"),
        row(product_name="C", decision_date="2030-01-01"),
        row(product_name="D", district_code="522"),  # commune 21427 is in 533
    ]
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, write_csv(tmp_path / "x.csv", rows), actor=IMPORTER)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "score"),
        (3, "round_year"),
        (4, "decision_date"),
        (5, "district_code"),
    }


def test_round_year_may_be_the_year_before_the_decision(runtime: Runtime, tmp_path: Path) -> None:
    import_products(
        runtime,
        write_csv(
            tmp_path / "r.csv",
            [row(decision_number="192/QĐ-UBND", decision_date="22/03/2023", round_year="2022")],
        ),
        actor=IMPORTER,
    )
    [certificate] = certificates(runtime)
    assert (certificate.round_year, certificate.decision_date) == (2022, date(2023, 3, 22))


def test_a_district_is_enough_when_the_commune_is_not_known(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [row(commune_code="", district_code="536", producer_name="HTX Tỏi Lý Sơn")]
    import_products(runtime, write_csv(tmp_path / "d.csv", rows), actor=IMPORTER)
    [product] = products(runtime)
    assert (product.district_code, product.province_code) == ("536", "51")


def test_xlsx_and_csv_give_the_same_result(database_url: str, tmp_path: Path, clock: Any) -> None:
    from ocop_cycle.config import Settings

    rows = [
        row(),
        row(
            product_name="Nước mắm",
            stars="4",
            score="71.25",
            decision_number="192/QĐ-UBND",
            decision_date="2023-03-22",
            round_year="2022",
        ),
        row(
            product_name="Chổi đót",
            product_group="handicrafts",
            producer_name="Cơ sở Phổ Phong",
            producer_type="household",
            commune_code="21439",
            decision_number="5/QĐ",
            decision_date="16/12/2022",
        ),
    ]
    # Both files go into one database (history is append-only, so nothing is deleted in
    # between); the XLSX copy's product names carry a suffix that the comparison removes.
    results = []
    runtime = Runtime.create(Settings(database_url=database_url), clock)
    try:
        for suffix, name, writer in (("", "a.csv", write_csv), (" [xlsx]", "a.xlsx", write_xlsx)):
            renamed = [{**r, "product_name": r["product_name"] + suffix} for r in rows]
            import_products(runtime, writer(tmp_path / name, renamed), actor=IMPORTER)
            with runtime.reading() as session:
                found = session.execute(
                    select(
                        Product.name,
                        Product.commune_code,
                        Product.stars,
                        Product.score,
                        Certificate.decision_number,
                        Certificate.decision_date,
                        Certificate.round_year,
                    )
                    .join(Certificate, Certificate.product_id == Product.id)
                    .where(Product.name.endswith(suffix) if suffix else ~Product.name.endswith("]"))
                    .order_by(Product.name)
                ).all()
            results.append([(row[0].removesuffix(suffix), *row[1:]) for row in found])
    finally:
        runtime.close()
    assert results[0] == results[1]
    assert len(results[0]) == 3


def test_a_csv_with_a_byte_order_mark_reads_like_one_without(
    runtime: Runtime, tmp_path: Path
) -> None:
    import_products(runtime, write_csv(tmp_path / "bom.csv", [row()], bom=True), actor=IMPORTER)
    assert products(runtime)[0].name == "Tỏi cô đơn"


def test_dry_run_checks_and_plans_but_writes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    summary = import_products(runtime, write_csv(tmp_path / "a.csv", [row()]), dry_run=True, actor=IMPORTER)
    assert (summary["dry_run"], summary["products_created"], summary["certificates_created"]) == (
        True,
        1,
        1,
    )
    assert count(runtime, Product) == 0


def test_a_producer_account_may_not_import(runtime: Runtime, world: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_products(runtime, write_csv(tmp_path / "a.csv", [row()]), actor="producer1")
    assert count(runtime, Product) == 0


def test_products_in_the_middle_of_their_workflow_do_not_take_imported_certificates(
    runtime: Runtime, world: Any, tmp_path: Path
) -> None:
    from ocop_cycle.services.products import register_product

    register_product(
        runtime, name="Gạo", producer_id=world.producer_id, group="food", actor="commune1"
    )
    rows = [row(producer_name="HTX Nông nghiệp Đức Tân", product_name="Gạo")]
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, write_csv(tmp_path / "a.csv", rows), actor=IMPORTER)
    assert "idea_registered" in caught.value.errors[0].reason
    assert count(runtime, Certificate) == 0


def test_cli_lists_errors_as_json_and_exits_2(cli: Any, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv", [row(stars="6"), row(product_name="x", decision_date="hôm qua")]
    )
    result = cli("import", "products", str(path), "--json", "--actor", IMPORTER)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "invalid_input"
    assert [(r["row"], r["column"]) for r in error["rows"]] == [(2, "stars"), (3, "decision_date")]  # type: ignore[index]
    human = cli("import", "products", str(path), "--actor", IMPORTER)
    assert human.exit_code == 2
    assert "row 2, column stars" in human.stderr and "row 3, column decision_date" in human.stderr
    again = cli("import", "products", str(write_csv(tmp_path / "ok.csv", [row()])), "--json", "--actor", IMPORTER)
    assert again.exit_code == 0
    assert again.json()["certificates_created"] == 1


def test_rule_set_calendar_comes_from_the_workflow_files_and_the_older_rule_sets(
    runtime: Runtime,
) -> None:
    calendar = RuleSetCalendar.from_workflows(runtime.workflows)
    assert [r.name for r in calendar.rule_sets] == [
        "1048/QĐ-TTg", "148/QĐ-TTg", "1489/QĐ-TTg", "26/2026/QĐ-TTg"]
    for name in ("ocop-148", "ocop-1489", "ocop-26-2026"):
        definition = runtime.workflows.get(name).definition
        rule_set = calendar.on(definition.effective_from)
        assert rule_set.name == definition.rule_set
        assert rule_set.certifying_level == dict(definition.scoring.certifying_level)
        assert rule_set.validity_months == definition.scoring.validity_months
    assert calendar.on(date(2023, 2, 23)).name == "1048/QĐ-TTg"
    assert calendar.on(date(2025, 7, 5)).name == "148/QĐ-TTg"
    assert calendar.on(date(2026, 5, 21)).name == "1489/QĐ-TTg"
    assert calendar.on(date(2026, 5, 22)).name == "26/2026/QĐ-TTg"
    assert calendar.on(date(2018, 1, 1)).name == "1048/QĐ-TTg"


def test_imported_products_get_their_timers_as_if_they_had_gone_through_the_workflow(
    runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        row(product_name="Còn hạn", decision_number="1/QĐ", decision_date="2023-06-01"),
        row(product_name="Đến hạn", decision_number="2/QĐ", decision_date="2021-06-01"),
        row(product_name="Hết hạn", decision_number="3/QĐ", decision_date="2020-12-16"),
    ]
    import_products(runtime, write_csv(tmp_path / "t.csv", rows), actor=IMPORTER)
    with runtime.transaction() as session:
        items = session.execute(
            select(Product.name, ScheduleItem.kind, ScheduleItem.name, ScheduleItem.due_on)
            .join(Product, Product.id == ScheduleItem.product_id)
            .where(ScheduleItem.status == "pending")
        ).all()
    timers = {(name, trigger, due) for name, kind, trigger, due in items if kind == "timer"}
    # open_renewal 180 days before expiry on certified; expire at expiry on renewal_due.
    assert ("Còn hạn", "open_renewal", date(2026, 6, 1) - timedelta(days=180)) in timers
    assert ("Đến hạn", "expire", date(2024, 6, 1)) in timers
    assert not [item for item in items if item[0] == "Hết hạn"]
    assert any(name == "Đến hạn" and kind == "reminder" for name, kind, _, _ in items)


def test_empty_columns_after_the_last_one_are_ignored_and_quoted_newlines_kept(
    runtime: Runtime, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([row(product_name="Bánh\ntráng").get(c) or None for c in HEADER])
    for cell in ("N1", "N2", "O1", "O2"):  # formatted but empty: Excel leaves these about
        sheet[cell].font = Font(bold=True)
    workbook.save(tmp_path / "a.xlsx")
    import_products(runtime, tmp_path / "a.xlsx", actor=IMPORTER)
    assert products(runtime)[0].name == "Bánh tráng"  # names are cleaned to single spaces
    path = write_csv(tmp_path / "b.csv", [row(product_name='Nước "mắm"\nnhĩ')])
    import_products(runtime, path, actor=IMPORTER)
    assert {p.name for p in products(runtime)} == {"Bánh tráng", 'Nước "mắm" nhĩ'}


def test_a_value_under_no_header_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_csv(path, [row()])
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + ",thừa\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, path, actor=IMPORTER)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, f"#{len(HEADER) + 1}")]


def test_a_province_officer_imports_only_their_province(
    runtime: Runtime, world: Any, tmp_path: Path
) -> None:
    from ocop_cycle.services.units import load_province

    load_province(runtime, "49", "legacy", actor="admin1")  # Quảng Nam, the neighbour
    with runtime.transaction() as session:
        commune = session.scalar(
            select(func.min(AdminUnit.code)).where(
                AdminUnit.level == "commune",
                AdminUnit.parent_code.in_(
                    select(AdminUnit.code).where(AdminUnit.parent_code == "49")
                ),
            )
        )
    rows = [row(), row(product_name="Sâm Ngọc Linh", commune_code=str(commune))]
    with pytest.raises(ImportRejected) as caught:
        import_products(runtime, write_csv(tmp_path / "a.csv", rows), actor="province1")
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "commune_code")]
    assert "outside province 51" in caught.value.errors[0].reason
    # Not even an admin imports for a province: its own office does (issue 10 §2).
    with pytest.raises(PermissionDenied, match="allowed roles: province_officer"):
        import_products(runtime, tmp_path / "a.csv", actor="admin1")
