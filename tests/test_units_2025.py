"""The 2025 administrative units: `ocop units load` loads them by default, and
`ocop units convert --to 2025` moves what sits on legacy communes to the 2025 commune
that now contains them, refusing communes that were divided."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import AdminUnit, History, Producer, Product, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people
from tests.conftest import ADMIN, World
from tests.flows import product_in

TRA_BUI = "21142"  # Xã Trà Bùi, Huyện Trà Bồng: divided in 2025 between two communes


def unit(runtime: Runtime, code: str) -> tuple[str, str, str | None]:
    with runtime.reading() as session:
        found = session.get(AdminUnit, code)
        assert found is not None
        return found.name, found.scheme, found.parent_code


def snapshot(runtime: Runtime) -> list[Any]:
    with runtime.reading() as session:
        return [
            [(p.id, p.commune_code, p.district_code, p.version)
             for p in session.scalars(select(Product).order_by(Product.id))],
            [(p.id, p.commune_code) for p in session.scalars(select(Producer).order_by(Producer.id))],
            [(u.username, u.unit_code) for u in session.scalars(select(User).order_by(User.id))],
            len(list(session.scalars(select(History)))),
        ]


def test_units_load_takes_the_2025_units_by_default(cli: Any, runtime: Runtime) -> None:
    loaded = cli("units", "load", "--province", "51", "--actor", ADMIN, "--json")
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.json()["scheme"] == "2025" and loaded.json()["loaded"]["district"] == 0
    assert unit(runtime, "21028") == ("Phường Nghĩa Lộ", "2025", "51")
    assert unit(runtime, "21400") == ("Xã Mộ Đức", "2025", "51")


def test_units_load_with_scheme_legacy_keeps_the_districts(cli: Any, runtime: Runtime) -> None:
    loaded = cli("units", "load", "--province", "51", "--scheme", "legacy", "--actor", ADMIN,
                 "--json")
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.json()["loaded"]["district"] == 13
    assert unit(runtime, "21400") == ("Thị trấn Mộ Đức", "legacy", "533")


def test_loading_2025_never_renames_a_legacy_commune_still_in_use(
    cli: Any, runtime: Runtime, world: World
) -> None:
    before = snapshot(runtime)
    result = cli("units", "load", "--province", "51", "--actor", ADMIN, "--json")
    assert result.exit_code == 2
    message = result.error()["message"]
    assert "21400 is Thị trấn Mộ Đức (legacy), Xã Mộ Đức (2025)" in message
    assert "ocop units convert --to 2025" in message
    assert unit(runtime, "21400") == ("Thị trấn Mộ Đức", "legacy", "533")
    assert snapshot(runtime) == before


def test_convert_dry_run_lists_the_moves_and_changes_nothing(
    cli: Any, runtime: Runtime, world: World
) -> None:
    product_in(runtime, world.producer_id, "plan_submitted")
    before = snapshot(runtime)
    result = cli("units", "convert", "--to", "2025", "--dry-run", "--actor", ADMIN, "--json")
    assert result.exit_code == 0, result.stderr
    moves = {m["from"]["code"]: m["to"] for m in result.json()["communes"]}
    assert moves["21427"] == {"code": "21400", "name": "Xã Mộ Đức"}  # Xã Đức Tân
    assert moves["21400"] == {"code": "21400", "name": "Xã Mộ Đức"}  # Thị trấn Mộ Đức
    assert snapshot(runtime) == before


def test_convert_moves_products_producers_and_officers_with_one_history_row_each(
    cli: Any, runtime: Runtime, world: World
) -> None:
    first = product_in(runtime, world.producer_id, "plan_submitted")
    second = product_in(runtime, world.producer_id, "idea_registered")
    result = cli("units", "convert", "--to", "2025", "--actor", ADMIN, "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["products"] == 2 and summary["producers"] == 2
    assert "district1" in summary["users_left_on_districts"]
    with runtime.reading() as session:
        for product_id in (first, second):
            product = session.get(Product, product_id)
            assert product is not None
            assert (product.commune_code, product.district_code) == ("21400", "533")
            moved = [h for h in session.scalars(select(History).where(
                History.product_id == product_id, History.trigger == "convert_units"))]
            assert len(moved) == 1
            assert moved[0].from_state == moved[0].to_state == product.state
            assert moved[0].data["from_commune"] == {
                "code": "21427", "name": "Xã Đức Tân", "district": "Huyện Mộ Đức"}
            assert moved[0].data["to_commune"] == {"code": "21400", "name": "Xã Mộ Đức"}
        commune_officer = session.scalars(select(User).where(User.username == "commune1")).one()
        assert commune_officer.unit_code == "21400"
    assert unit(runtime, "21400") == ("Xã Mộ Đức", "2025", "51")
    again = cli("units", "convert", "--to", "2025", "--actor", ADMIN, "--json").json()
    assert again["products"] == 0 and again["communes"] == []


def test_convert_refuses_a_commune_divided_in_2025_and_lists_it(
    cli: Any, runtime: Runtime, world: World
) -> None:
    people.add_producer(runtime, actor=ADMIN, name="HTX Quế Trà Bùi", type="cooperative",
                        commune_code=TRA_BUI)
    before = snapshot(runtime)
    result = cli("units", "convert", "--to", "2025", "--actor", ADMIN, "--json")
    assert result.exit_code == 2
    message = result.error()["message"]
    assert "21142 Xã Trà Bùi, Huyện Trà Bồng" in message and "divided in 2025" in message
    assert "nothing was converted" in message
    assert snapshot(runtime) == before


def test_convert_only_to_2025(cli: Any, world: World) -> None:
    assert cli("units", "convert", "--to", "legacy", "--actor", ADMIN).exit_code == 2


def test_a_report_for_a_year_before_2025_keeps_the_legacy_districts_after_conversion(
    cli: Any, runtime: Runtime, world: World
) -> None:
    product_in(runtime, world.producer_id, "certified")  # district decision of 20/06/2024
    report = ("report", "annual", "--year", "2024", "--province", "51", "--format", "json",
              "--as-of", "2024-12-31")
    before = cli(*report)
    assert before.exit_code == 0, before.stderr
    assert before.json()["locality_level"] == "district"
    assert "Huyện Mộ Đức" in json.dumps(before.json()["year_by_unit"], ensure_ascii=False)
    assert cli("units", "convert", "--to", "2025", "--actor", ADMIN).exit_code == 0
    after = cli(*report)
    assert after.exit_code == 0, after.stderr
    assert after.json() == before.json()
