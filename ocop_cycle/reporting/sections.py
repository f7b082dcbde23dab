"""The report's tables, laid out once for every human format (HTML, Markdown, XLSX).

Cells keep their raw values (numbers stay numbers for the spreadsheet); ``cell_text``
formats them the Vietnamese way for the text formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocop_cycle.reporting.labels import Labels
from ocop_cycle.reporting.numbers import format_percent, format_vnd
from ocop_cycle.reporting.queries import PRODUCER_TYPES, STARS


@dataclass(frozen=True)
class Money:
    vnd: int


@dataclass(frozen=True)
class Share:
    value: float | None


Cell = str | int | Money | Share


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str | None = None


def cell_text(cell: Cell, labels: Labels) -> str:
    if isinstance(cell, Money):
        return format_vnd(cell.vnd, labels.language)
    if isinstance(cell, Share):
        return format_percent(cell.value, labels.language)
    if isinstance(cell, int):
        return labels.number(cell)
    return cell


def summary_lines(report: dict[str, Any], t: Labels) -> list[str]:
    year = report["year"]
    stars = report["year_products"]["by_stars"]
    lines = [
        t(
            "summary_year",
            year=year,
            total=t.number(report["year_products"]["total"]),
            three=t.number(stars["3"]),
            four=t.number(stars["4"]),
            five=t.number(stars["5"]),
        ),
        t(
            "summary_cumulative",
            year=year,
            total=t.number(report["cumulative_products"]["total"]),
            with_units=len(report["cumulative_by_unit"]),
            units=report["localities"],
        ),
    ]
    if "target" in report:
        target = report["target"]
        lines.append(
            f"{t('target')}: {t.number(target['actual'])}/{t.number(target['products'])} "
            f"{t('unit_products')} — {t.difference(target['difference'], 'products')}."
        )
    return lines


def build_sections(report: dict[str, Any], t: Labels) -> list[Section]:
    year = report["year"]
    sections = [
        _stars_section("year_products", t("year_products", year=year), report, t),
        _stars_section("cumulative_products", t("cumulative_products", year=year), report, t),
        _producers_section("year_producers", t("year_producers", year=year), report, t),
        _producers_section("cumulative_producers", t("cumulative_producers"), report, t),
        _units_section("year_by_unit", t("year_by_unit", year=year), report, t),
        _units_section("cumulative_by_unit", t("cumulative_by_unit"), report, t),
        _units_section("top_units", t("top_units", year=year), report, t),
        Section(
            "units_without_products",
            t("units_without_products"),
            [t("code"), t("locality")],
            [[u["code"], u["name"]] for u in report["units_without_products"]]
            or [["—", t("none")]],
        ),
    ]
    if "target" in report:
        sections.append(_target_section(report["target"], t))
    sections.append(_rewards_section(report, t))
    sections.append(_renewal_section(report, t))
    return sections


def _stars_section(key: str, title: str, report: dict[str, Any], t: Labels) -> Section:
    data = report[key]
    rows: list[list[Cell]] = [[t("star_n", n=s), data["by_stars"][str(s)]] for s in STARS]
    rows.append([t("total"), data["total"]])
    return Section(key, title, [t("stars"), t("products")], rows, t("note_counting"))


def _producers_section(key: str, title: str, report: dict[str, Any], t: Labels) -> Section:
    data = report[key]
    rows: list[list[Cell]] = [
        [
            t.producer_type(kind),
            data["by_type"][kind]["producers"],
            data["by_type"][kind]["products"],
        ]
        for kind in PRODUCER_TYPES
    ]
    total_products = sum(v["products"] for v in data["by_type"].values())
    rows.append([t("total"), data["total"], total_products])
    return Section(key, title, [t("producer_type"), t("producers"), t("products")], rows)


def _units_section(key: str, title: str, report: dict[str, Any], t: Labels) -> Section:
    units = report[key]
    rows: list[list[Cell]] = [[u["code"], u["name"], u["products"]] for u in units]
    if key != "top_units":
        rows.append(["", t("total"), sum(u["products"] for u in units)])
    return Section(key, title, [t("code"), t("locality"), t("products")], rows)


def _target_section(target: dict[str, Any], t: Labels) -> Section:
    rows: list[list[Cell]] = [
        [
            t("target_products"),
            target["products"],
            target["actual"],
            t.difference(target["difference"], "products"),
        ]
    ]
    for key, label, what in (
        ("four_star_products", "target_four_stars", "products"),
        ("producers", "target_producers", "producers"),
    ):
        if key in target:
            item = target[key]
            rows.append(
                [t(label), item["target"], item["actual"], t.difference(item["difference"], what)]
            )
    headers = [t("indicator"), t("target_value"), t("actual"), t("difference")]
    return Section("target", t("target"), headers, rows)


def _rewards_section(report: dict[str, Any], t: Labels) -> Section:
    rewards = report["rewards"]
    rows: list[list[Cell]] = [
        [
            t("star_n", n=s),
            rewards["by_stars"][str(s)]["products"],
            Money(rewards["by_stars"][str(s)]["per_product_vnd"]),
            Money(rewards["by_stars"][str(s)]["total_vnd"]),
        ]
        for s in STARS
    ]
    rows.append([t("total"), report["year_products"]["total"], "", Money(rewards["total_vnd"])])
    headers = [t("stars"), t("products"), t("per_product"), t("amount")]
    return Section("rewards", t("rewards", year=report["year"]), headers, rows)


def _renewal_section(report: dict[str, Any], t: Labels) -> Section:
    renewal = report["renewal"]
    rows: list[list[Cell]] = [
        [t("expiring"), renewal["expiring_next_12_months"]],
        [t("renewed"), renewal["renewed_in_year"]],
        [t("due"), renewal["due_in_year"]],
        [t("kept"), renewal["kept_alive_in_year"]],
        [t("kept_share"), Share(renewal["kept_alive_share"])],
    ]
    return Section("renewal", t("renewal"), [t("indicator"), ""], rows)
