"""The annual report (issue 5 §2–3) over a fixture province built here.

The province is imported from a spreadsheet written by the test; the expected figures are
computed again below by a plain Python reading of the counting rules, not by the SQL the
report uses, and a few are also spelled out by hand.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ocop_cycle.db.models import Product
from ocop_cycle.domain.validity import add_months
from ocop_cycle.errors import InvalidInput
from ocop_cycle.importing.service import import_products
from ocop_cycle.reporting.annual import annual_report
from ocop_cycle.reporting.render import render_html, render_markdown
from ocop_cycle.reporting.xlsx import render_xlsx
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire
from tests.test_import_products import HEADER, write_csv

DISTRICT_OF = {"21427": "533", "21010": "522", "21115": "525", "21439": "534", "": "536"}


@dataclass(frozen=True)
class Cert:
    product: str
    producer: str
    type: str
    commune: str  # "" = only the district (Lý Sơn, 536) is known
    stars: int
    decision: str
    decided: date
    round_year: int


FIXTURE = [
    # Certified under 1048 in 2020, renewed under 148 in 2023 with a higher star.
    Cert(
        "Tỏi cô đơn",
        "HTX Đức Tân",
        "cooperative",
        "21427",
        3,
        "1197/QĐ-UBND",
        date(2020, 6, 30),
        2020,
    ),
    Cert(
        "Tỏi cô đơn",
        "HTX Đức Tân",
        "cooperative",
        "21427",
        4,
        "2000/QĐ-UBND",
        date(2023, 6, 30),
        2023,
    ),
    # The 2nd round of 2022, approved on 2023-03-22: it belongs to 2022.
    Cert(
        "Nước mắm",
        "Cơ sở Thắng Lợi",
        "household",
        "21010",
        3,
        "192/QĐ-UBND",
        date(2023, 3, 22),
        2022,
    ),
    # Certified twice within 2022 (an upgrade in round 2): counted once, with 4★.
    Cert(
        "Quế Trà Bồng",
        "Công ty Hương Quế",
        "enterprise",
        "21115",
        3,
        "700/QĐ-UBND",
        date(2022, 6, 15),
        2022,
    ),
    Cert(
        "Quế Trà Bồng",
        "Công ty Hương Quế",
        "enterprise",
        "21115",
        4,
        "1462/QĐ-UBND",
        date(2022, 12, 16),
        2022,
    ),
    # Revoked afterwards: counted nowhere.
    Cert(
        "Chổi đót",
        "Cơ sở Phổ Phong",
        "household",
        "21439",
        3,
        "1462/QĐ-UBND",
        date(2022, 12, 16),
        2022,
    ),
    Cert(
        "Mật ong",
        "HTX Đức Tân",
        "cooperative",
        "21427",
        4,
        "1500/QĐ-UBND",
        date(2021, 12, 10),
        2021,
    ),
    Cert(
        "Du lịch Làng Gò",
        "Tổ hợp tác Làng Gò",
        "cooperative_group",
        "21439",
        3,
        "1462/QĐ-UBND",
        date(2022, 12, 16),
        2022,
    ),
    Cert(
        "Tỏi Lý Sơn",
        "HTX Tỏi Lý Sơn",
        "cooperative",
        "",
        4,
        "1462/QĐ-UBND",
        date(2022, 12, 16),
        2022,
    ),
    # Certified in 2019, expired at the end of 2022 without renewal.
    Cert(
        "Tinh dầu quế",
        "Công ty Hương Quế",
        "enterprise",
        "21115",
        3,
        "1800/QĐ-UBND",
        date(2019, 12, 20),
        2019,
    ),
]
REVOKED = {"Chổi đót"}


def fixture_rows() -> list[dict[str, str]]:
    return [
        {
            "product_name": c.product,
            "product_group": "food",
            "producer_name": c.producer,
            "producer_type": c.type,
            "commune_code": c.commune,
            "district_code": "" if c.commune else "536",
            "stars": str(c.stars),
            "decision_number": c.decision,
            "decision_date": c.decided.isoformat(),
            "round_year": str(c.round_year),
        }
        for c in FIXTURE
    ]


def expected(year: int) -> dict[str, Any]:
    """The counting rules, read plainly: each product once, its latest certificate of a
    round up to ``year``; in the year's figures when that round is the year's; revoked
    products nowhere."""
    by_product: dict[tuple[str, str], list[Cert]] = {}
    for cert in FIXTURE:
        by_product.setdefault((cert.product, cert.producer), []).append(cert)
    figures: dict[str, Any] = {
        scope: {"stars": {3: 0, 4: 0, 5: 0}, "units": {}, "producers": {}}
        for scope in ("year", "cumulative")
    }
    for (name, producer), certs in by_product.items():
        if name in REVOKED:
            continue
        upto = [c for c in certs if c.round_year <= year]
        if not upto:
            continue
        latest = max(upto, key=lambda c: (c.round_year, c.decided))
        scopes = ["cumulative"] + (["year"] if latest.round_year == year else [])
        for scope in scopes:
            bucket = figures[scope]
            bucket["stars"][latest.stars] += 1
            unit = DISTRICT_OF[latest.commune]
            bucket["units"][unit] = bucket["units"].get(unit, 0) + 1
            kinds = bucket["producers"].setdefault(latest.type, {"names": set(), "products": 0})
            kinds["names"].add(producer)
            kinds["products"] += 1
    return figures


@pytest.fixture
def province(runtime: Runtime, world: Any, tmp_path: Path) -> Runtime:
    import_products(
        runtime, write_csv(tmp_path / "tinh.csv", fixture_rows(), header=HEADER), actor="province1"
    )
    with runtime.transaction() as session:
        revoked = session.scalars(select(Product.id).where(Product.name.in_(REVOKED))).all()
    for product_id in revoked:
        fire(
            runtime,
            product_id,
            "revoke",
            actor="province1",
            data={"reason": "Ngừng sản xuất", "decision_number": "90/QĐ-UBND"},
        )
    return runtime


def by_stars(figures: dict[str, Any]) -> dict[str, int]:
    return {str(stars): n for stars, n in figures["stars"].items()}


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023])
def test_products_count_by_round_year_once_with_latest_stars_and_revoked_ones_drop_out(
    province: Runtime, year: int
) -> None:
    report = annual_report(province, year, as_of=date(2024, 1, 1))
    want = expected(year)
    assert report["year_products"]["by_stars"] == by_stars(want["year"])
    assert report["cumulative_products"]["by_stars"] == by_stars(want["cumulative"])
    assert report["year_products"]["total"] == sum(want["year"]["stars"].values())
    for scope in ("year", "cumulative"):
        units = {u["code"]: u["products"] for u in report[f"{scope}_by_unit"]}
        assert units == want[scope]["units"]
        producers = report[f"{scope}_producers"]
        for kind, data in producers["by_type"].items():
            got = want[scope]["producers"].get(kind, {"names": set(), "products": 0})
            assert data == {"producers": len(got["names"]), "products": got["products"]}
        assert producers["total"] == sum(len(v["names"]) for v in want[scope]["producers"].values())


def test_2022_figures_spelled_out(province: Runtime) -> None:
    report = annual_report(province, 2022, as_of=date(2024, 1, 1))
    # Nước mắm (decided 2023, round 2022), Quế (upgraded in round 2 → 4★), Làng Gò, Lý Sơn.
    assert report["year_products"] == {"total": 4, "by_stars": {"3": 2, "4": 2, "5": 0}}
    # Plus Tỏi (3★ of 2020), Mật ong (2021), Tinh dầu quế (2019); Chổi đót was revoked.
    assert report["cumulative_products"] == {"total": 7, "by_stars": {"3": 4, "4": 3, "5": 0}}
    assert report["year_producers"]["by_type"]["enterprise"] == {"producers": 1, "products": 1}
    assert report["cumulative_producers"]["by_type"]["enterprise"] == {
        "producers": 1,
        "products": 2,
    }
    assert report["cumulative_producers"]["by_type"]["cooperative"] == {
        "producers": 2,
        "products": 3,
    }
    assert report["locality_level"] == "district"
    assert [u["code"] for u in report["units_without_products"]] == [
        "524",
        "527",
        "528",
        "529",
        "530",
        "531",
        "532",
        "535",
    ]
    assert report["rewards"]["total_vnd"] == 2 * 8_000_000 + 2 * 10_000_000
    assert report["rewards"]["by_stars"]["4"] == {
        "products": 2,
        "per_product_vnd": 10_000_000,
        "total_vnd": 20_000_000,
    }


def test_2023_counts_the_renewal_under_148_and_not_the_round_of_2022_signed_in_2023(
    province: Runtime,
) -> None:
    report = annual_report(province, 2023, as_of=date(2024, 1, 1))
    assert report["year_products"] == {"total": 1, "by_stars": {"3": 0, "4": 1, "5": 0}}
    assert report["year_by_unit"] == [{"code": "533", "name": "Huyện Mộ Đức", "products": 1}]
    assert report["renewal"]["renewed_in_year"] == 1
    # Tỏi's 2020 certificate reached expiry in 2023 and was renewed before it.
    assert (report["renewal"]["due_in_year"], report["renewal"]["kept_alive_in_year"]) == (1, 1)


def test_renewal_pipeline(province: Runtime) -> None:
    as_of = date(2024, 1, 1)
    report = annual_report(province, 2022, as_of=as_of)
    # Certificates in force on as_of expiring within 12 months: computed from the fixture.
    latest: dict[tuple[str, str], Cert] = {}
    for cert in sorted(FIXTURE, key=lambda c: (c.round_year, c.decided)):
        latest[(cert.product, cert.producer)] = cert
    expiring = [
        c
        for c in latest.values()
        if c.product not in REVOKED
        and c.decided <= as_of
        and as_of < add_months(c.decided, 36) <= add_months(as_of, 12)
    ]
    assert report["expiring_next_12_months"] == len(expiring) == 1  # Mật ong, 2024-12-10
    # Tinh dầu quế expired on 2022-12-20 without a newer certificate.
    assert report["renewal"] | {} == {
        "expiring_next_12_months": 1,
        "renewed_in_year": 0,
        "due_in_year": 1,
        "kept_alive_in_year": 0,
        "kept_alive_share": 0.0,
    }


def test_targets_give_the_difference(province: Runtime, tmp_path: Path) -> None:
    targets = tmp_path / "muc-tieu-2022.yaml"
    targets.write_text(
        "year: 2022\nproducts: 3\nfour_star_products: 3\nproducers: 4\n", encoding="utf-8"
    )
    report = annual_report(province, 2022, targets_file=targets)
    assert report["target"] == {
        "products": 3,
        "actual": 4,
        "difference": 1,
        "four_star_products": {"target": 3, "actual": 2, "difference": -1},
        "producers": {"target": 4, "actual": 4, "difference": 0},
    }
    html = render_html(report)
    assert "vượt 1 sản phẩm" in html and "còn thiếu 1 sản phẩm" in html
    assert "exceeded by 1 products" in render_markdown(report, "en")


def test_a_targets_file_for_another_year_is_refused(province: Runtime, tmp_path: Path) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text("year: 2023\nproducts: 50\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="2023, not of 2022"):
        annual_report(province, 2022, targets_file=targets)
    targets.write_text("products: many\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="products"):
        annual_report(province, 2022, targets_file=targets)


def test_localities_are_communes_under_the_two_tier_rules(province: Runtime) -> None:
    report = annual_report(province, 2022, locality_level="commune")
    assert {u["code"]: u["products"] for u in report["year_by_unit"]} == {
        "21010": 1,
        "21115": 1,
        "21439": 1,
        "536": 1,
    }
    assert report["locality_level"] == "commune"
    assert annual_report(province, 2025)["locality_level"] == "commune"


def _svgs(html: str) -> dict[str, ElementTree.Element]:
    found = {}
    for svg in re.findall(r"<svg .*?</svg>", html, flags=re.S):
        element = ElementTree.fromstring(svg)
        found[element.get("id", "")] = element
    return found


def test_html_report_renders_the_charts_inline(province: Runtime) -> None:
    report = annual_report(province, 2022)
    html = render_html(report)
    charts = _svgs(html)
    ns = "{http://www.w3.org/2000/svg}"
    units = charts["chart-units"]
    bars = units.findall(f"{ns}rect")
    assert len(bars) == len(report["year_by_unit"]) == 4
    labels = [t.text for t in units.findall(f"{ns}text")]
    assert "Huyện Lý Sơn" in labels and "Thành phố Quảng Ngãi" in labels
    stars = charts["chart-stars"]
    assert [t.text for t in stars.findall(f"{ns}rect/{ns}title")] == [
        "3 sao: 2",
        "4 sao: 2",
        "5 sao: 0",
    ]
    assert "http" not in re.sub(r'xmlns="[^"]+"', "", html)  # no external asset
    assert "36.000.000 đồng" in html
    assert "Sản phẩm đạt OCOP năm 2022" in html


def test_markdown_and_english(province: Runtime) -> None:
    report = annual_report(province, 2022)
    markdown = render_markdown(report)
    assert "| 3 sao | 2 |" in markdown
    assert "| Tổng số | 4 |  | 36.000.000 đồng |" in markdown
    english = render_markdown(report, "en")
    assert "Products certified in 2022" in english and "36,000,000 VND" in english


def test_xlsx_report_has_tables_and_charts(province: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_xlsx(annual_report(province, 2022)))
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["4 sao", 2, None, None] in [row[:4] for row in values]
    assert any(row[:1] == ["Tổng số"] and 36_000_000 in row for row in values)


def test_cli_json_carries_the_named_keys(province: Runtime, cli: Any, tmp_path: Path) -> None:
    result = cli("report", "annual", "--year", "2022", "--format", "json", "--province", "51")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    for key in (
        "year",
        "province",
        "year_products",
        "cumulative_products",
        "year_producers",
        "cumulative_producers",
        "year_by_unit",
        "cumulative_by_unit",
        "units_without_products",
        "rewards",
        "expiring_next_12_months",
    ):
        assert key in data
    assert data["province"] == "51"
    assert set(data["year_products"]["by_stars"]) == {"3", "4", "5"}
    out = tmp_path / "bao-cao.html"
    written = cli("report", "annual", "--year", "2022", "--out", str(out))
    assert written.exit_code == 0 and "<svg" in out.read_text(encoding="utf-8")
    bad = cli("report", "annual", "--year", "2022", "--format", "pdf")
    assert bad.exit_code == 2 and "--format 'pdf'" in bad.stderr
