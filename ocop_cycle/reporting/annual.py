"""``annual_report``: the figures of one year's OCOP report, as plain JSON-ready data.

Renderers (HTML, Markdown, XLSX) take this dictionary and nothing else, so every format
shows the same numbers; ``--format json`` prints it as it is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import AdminUnit, Product
from ocop_cycle.errors import InvalidInput
from ocop_cycle.reporting import queries
from ocop_cycle.reporting.queries import PRODUCER_TYPES, STARS, Counts
from ocop_cycle.reporting.targets import Targets, load_targets
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import unit_names

TOP_UNITS = 5


def annual_report(
    runtime: Runtime,
    year: int,
    *,
    province: str | None = None,
    as_of: date | None = None,
    targets_file: Path | None = None,
    locality_level: str | None = None,
) -> dict[str, Any]:
    """Compute the report of ``year``; ``as_of`` (default today) anchors the renewal
    pipeline. ``locality_level`` is ``district`` or ``commune``; by default districts
    while the province has them and the year is before the two-tier reform (2025)."""
    if not 2018 <= year <= 2100:
        raise InvalidInput(
            f"--year {year} is not a programme year (2018 or later)",
            vi=f"Năm {year} không phải là năm thực hiện Chương trình (từ năm 2018)",
        )
    if locality_level not in (None, "district", "commune"):
        raise InvalidInput(
            f"--by {locality_level!r}: use district or commune",
            vi=f"Cấp thống kê {locality_level!r} không hợp lệ: hãy chọn cấp huyện hoặc cấp xã",
        )
    targets = load_targets(targets_file, year) if targets_file else None
    as_of = as_of or runtime.clock.today()
    with runtime.transaction() as session:
        province = province or _only_province(session)
        unit = session.get(AdminUnit, province)
        if unit is None or unit.level != "province":
            raise InvalidInput(
                f"--province {province}: no such province loaded; load it with "
                "'ocop units load --province CODE'",
                vi=f"Chưa nạp danh mục đơn vị của tỉnh {province}",
            )
        if locality_level is None:
            by_district = year < 2025 and queries.has_districts(session, province)
        else:
            by_district = locality_level == "district"
        year_counts, cumulative = queries.core_counts(session, year, province, by_district)
        pipeline = queries.pipeline(session, year, province, as_of)
        localities = queries.localities(session, province, by_district)
        known = {u.code for u in localities}
        extra = (set(year_counts.by_unit) | set(cumulative.by_unit)) - known
        names = {u.code: u.name for u in localities} | unit_names(session, extra)
    rewards = runtime.settings.report_rewards_vnd
    year_units = _units(year_counts, names)
    report: dict[str, Any] = {
        "year": year,
        "province": province,
        "province_name": unit.name,
        "as_of": as_of.isoformat(),
        "locality_level": "district" if by_district else "commune",
        "year_products": _products(year_counts),
        "cumulative_products": _products(cumulative),
        "year_producers": _producers(year_counts),
        "cumulative_producers": _producers(cumulative),
        "year_by_unit": year_units,
        "cumulative_by_unit": _units(cumulative, names),
        "units_without_products": [
            {"code": u.code, "name": u.name}
            for u in localities
            if cumulative.by_unit.get(u.code, 0) == 0
        ],
        "localities": len(localities),
        "top_units": sorted(year_units, key=lambda u: (-u["products"], u["name"]))[:TOP_UNITS],
        "rewards": _rewards(year_counts, rewards),
        "expiring_next_12_months": pipeline.expiring_next_12_months,
        "renewal": {
            "expiring_next_12_months": pipeline.expiring_next_12_months,
            "renewed_in_year": pipeline.renewed_in_year,
            "due_in_year": pipeline.due_in_year,
            "kept_alive_in_year": pipeline.kept_alive_in_year,
            "kept_alive_share": pipeline.kept_alive_share,
        },
    }
    if targets is not None:
        report["target"] = _target(targets, year_counts)
    return report


def _only_province(session: Any) -> str:
    codes = list(session.scalars(select(Product.province_code).distinct().limit(2)))
    if len(codes) != 1:
        raise InvalidInput(
            "give --province CODE: "
            + ("there are no products yet" if not codes else "products of several provinces"),
            vi="Hãy chọn tỉnh: "
            + ("chưa có sản phẩm nào" if not codes else "có sản phẩm của nhiều tỉnh"),
        )
    return str(codes[0])


def _products(counts: Counts) -> dict[str, Any]:
    return {
        "total": counts.products,
        "by_stars": {str(stars): counts.by_stars.get(stars, 0) for stars in STARS},
    }


def _producers(counts: Counts) -> dict[str, Any]:
    return {
        "total": counts.producers,
        "by_type": {
            kind: {
                "producers": counts.producers_by_type.get(kind, 0),
                "products": counts.products_by_type.get(kind, 0),
            }
            for kind in PRODUCER_TYPES
        },
    }


def _units(counts: Counts, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": names.get(code, code), "products": n}
        for code, n in sorted(counts.by_unit.items())
        if n > 0
    ]


def _rewards(counts: Counts, per_star: dict[int, int]) -> dict[str, Any]:
    by_stars = {
        str(stars): {
            "products": counts.by_stars.get(stars, 0),
            "per_product_vnd": per_star.get(stars, 0),
            "total_vnd": counts.by_stars.get(stars, 0) * per_star.get(stars, 0),
        }
        for stars in STARS
    }
    return {"total_vnd": sum(v["total_vnd"] for v in by_stars.values()), "by_stars": by_stars}


def _compare(target: int, actual: int) -> dict[str, int]:
    return {"target": target, "actual": actual, "difference": actual - target}


def _target(targets: Targets, counts: Counts) -> dict[str, Any]:
    result: dict[str, Any] = {
        "products": targets.products,
        "actual": counts.products,
        "difference": counts.products - targets.products,
    }
    if targets.four_star_products is not None:
        four_plus = counts.by_stars.get(4, 0) + counts.by_stars.get(5, 0)
        result["four_star_products"] = _compare(targets.four_star_products, four_plus)
    if targets.producers is not None:
        result["producers"] = _compare(targets.producers, counts.producers)
    return result
