"""The demo's import-and-report part reproduces the figures of Quảng Ngãi's 2022 report."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from rich.console import Console

from ocop_cycle.runtime import Runtime
from ocop_cycle.services.demo_import_report import demo_import_report


def test_demo_imports_the_sample_province_and_writes_the_2022_report(
    runtime: Runtime, world: Any, tmp_path: Path
) -> None:
    out = StringIO()
    report = demo_import_report(runtime, Console(file=out, width=200), tmp_path / "demo")
    # The figures of shared/reference/quang-ngai-ocop-report-2022.txt, section III.3.
    assert report["year_products"] == {"total": 65, "by_stars": {"3": 60, "4": 5, "5": 0}}
    assert report["cumulative_products"] == {"total": 124, "by_stars": {"3": 115, "4": 9, "5": 0}}
    assert report["target"]["difference"] == 15
    producers = report["year_producers"]
    assert producers["total"] == 47
    assert producers["by_type"]["enterprise"] == {"producers": 11, "products": 21}
    assert producers["by_type"]["cooperative"] == {"producers": 16, "products": 20}
    assert producers["by_type"]["household"] == {"producers": 20, "products": 24}
    assert report["cumulative_producers"]["total"] == 72
    assert report["units_without_products"] == [{"code": "530", "name": "Huyện Sơn Tây"}]
    assert report["rewards"]["total_vnd"] == 60 * 8_000_000 + 5 * 10_000_000
    html = (tmp_path / "demo" / "bao-cao-ocop-2022.html").read_text(encoding="utf-8")
    assert 'id="chart-units"' in html and 'id="chart-stars"' in html
    sheet = load_workbook(tmp_path / "demo" / "bao-cao-ocop-2022.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "2022" in str(rows[0][0])
    # The officer reads the same figures in the workbook's cells as in the report.
    assert ["3 sao", 60] in [row[:2] for row in rows]
    assert ["4 sao", 5] in [row[:2] for row in rows]
    assert any(row[0] == "Tổng số" and row[1] == 65 for row in rows)
    assert any(row[0] == "Tổng số" and 60 * 8_000_000 + 5 * 10_000_000 in row for row in rows)
    assert any("Huyện Sơn Tây" in row for row in rows)
    assert "bao-cao-ocop-2022.html" in out.getvalue()
