"""The demo's import-and-report part: a province's existing certificates come in from a
spreadsheet, and the year's report comes out as HTML with charts (issue 5 §5).

The sample file is synthetic (the real product list is not public) but shaped to the
figures of Quảng Ngãi's 2022 OCOP report, so the report written here can be read side by
side with ``shared/reference/quang-ngai-ocop-report-2022.txt``: 65 products in 2022
(5 with 4★), 124 cumulatively, 47 producers, 12 of 13 localities, 15 above the plan.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

from ocop_cycle.importing.service import import_products
from ocop_cycle.reporting.annual import annual_report
from ocop_cycle.reporting.render import render_html, render_markdown
from ocop_cycle.reporting.xlsx import render_xlsx
from ocop_cycle.runtime import Runtime

SAMPLES = resources.files("ocop_cycle.reporting") / "samples"
SAMPLE_FILE = "quang-ngai-ocop.csv"
TARGETS_FILE = "quang-ngai-2022-targets.yaml"
YEAR = 2022


def demo_import_report(
    runtime: Runtime, console: Console, directory: Path, actor: str = "province1"
) -> dict[str, Any]:
    """Import the sample province file as ``actor`` and write the 2022 report (HTML with
    charts, Markdown, XLSX) into ``directory``; returns the report's figures."""
    directory.mkdir(parents=True, exist_ok=True)
    console.rule("Nhập dữ liệu và báo cáo năm — import and annual report")
    with resources.as_file(SAMPLES / SAMPLE_FILE) as sample:
        summary = import_products(runtime, sample, actor=actor)
    console.print(
        f"Đã nhập {summary['certificates_created']} giấy chứng nhận của "
        f"{summary['products_created']} sản phẩm, {summary['producers_created']} chủ thể "
        f"từ {SAMPLE_FILE} (người nhập: {summary['actor']}); "
        f"trạng thái hôm nay: {summary['states']}"
    )
    with resources.as_file(SAMPLES / TARGETS_FILE) as targets:
        report = annual_report(runtime, YEAR, province="51", targets_file=targets)
    html = directory / f"bao-cao-ocop-{YEAR}.html"
    html.write_text(render_html(report), encoding="utf-8")
    markdown = directory / f"bao-cao-ocop-{YEAR}.md"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    workbook = directory / f"bao-cao-ocop-{YEAR}.xlsx"
    workbook.write_bytes(render_xlsx(report))
    target = report["target"]
    console.print(
        f"Năm {YEAR}: {report['year_products']['total']} sản phẩm đạt OCOP "
        f"(4 sao: {report['year_products']['by_stars']['4']}), lũy kế "
        f"{report['cumulative_products']['total']}; so với kế hoạch {target['products']}: "
        f"chênh lệch {target['difference']:+d}."
    )
    console.print(f"Mở báo cáo (open the report): {html.resolve().as_uri()}", highlight=False)
    console.print(f"  Markdown: {markdown}\n  Excel:    {workbook}", highlight=False)
    return report
