"""The report as an Excel workbook: the same tables, numbers kept as numbers (Excel shows
them in the reader's locale), and two native charts drawn from the tables' cells."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ocop_cycle.reporting.labels import Labels
from ocop_cycle.reporting.render import report_context
from ocop_cycle.reporting.sections import Money, Section, Share

_HEADER_FILL = PatternFill("solid", fgColor="EEF3EE")


def render_xlsx(report: dict[str, Any], language: str = "vi") -> bytes:
    context = report_context(report, language)
    t: Labels = context["t"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo" if language == "vi" else "Report"
    sheet["A1"] = context["title"]
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = context["subtitle"]
    sheet["A2"].font = Font(italic=True)
    row = 4
    for line in context["summary"]:
        sheet.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    placed: dict[str, tuple[int, int]] = {}
    for section in context["sections"]:
        first, last = _write_section(sheet, section, row)
        placed[section.key] = (first, last)
        row = last + 2
    for column, width in zip("ABCD", (34, 30, 22, 26), strict=True):
        sheet.column_dimensions[column].width = width
    _add_charts(sheet, report, t, placed)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_section(sheet: Any, section: Section, row: int) -> tuple[int, int]:
    """Write title, header and rows from ``row``; return the first and last data rows."""
    sheet.cell(row=row, column=1, value=section.title).font = Font(bold=True, size=12)
    for index, header in enumerate(section.headers, start=1):
        cell = sheet.cell(row=row + 1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    first = row + 2
    for offset, values in enumerate(section.rows):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=first + offset, column=index)
            if isinstance(value, Money):
                cell.value = value.vnd
                cell.number_format = '#,##0 "đồng"'
            elif isinstance(value, Share):
                cell.value = value.value
                cell.number_format = "0.0%"
            else:
                cell.value = value
            if not isinstance(value, str):
                cell.alignment = Alignment(horizontal="right")
    last = first + len(section.rows) - 1
    if section.note:
        sheet.cell(row=last + 1, column=1, value=section.note).font = Font(italic=True)
        last += 1
    return first, last


def _add_charts(
    sheet: Any, report: dict[str, Any], t: Labels, placed: dict[str, tuple[int, int]]
) -> None:
    units_first, _ = placed["year_by_unit"]
    count = len(report["year_by_unit"])
    if count:
        chart = BarChart()
        chart.type = "bar"
        chart.title = t("chart_units", year=report["year"])
        chart.y_axis.title = t("products")
        chart.legend = None
        data = Reference(sheet, min_col=3, min_row=units_first, max_row=units_first + count - 1)
        names = Reference(sheet, min_col=2, min_row=units_first, max_row=units_first + count - 1)
        chart.add_data(data, titles_from_data=False)
        chart.set_categories(names)
        chart.height = max(7.5, 0.6 * count + 3)
        chart.width = 18
        sheet.add_chart(chart, f"{get_column_letter(6)}4")
    stars_first, _ = placed["year_products"]
    stars = BarChart()
    stars.type = "col"
    stars.title = t("chart_stars", year=report["year"])
    stars.legend = None
    stars.add_data(
        Reference(sheet, min_col=2, min_row=stars_first, max_row=stars_first + 2),
        titles_from_data=False,
    )
    stars.set_categories(Reference(sheet, min_col=1, min_row=stars_first, max_row=stars_first + 2))
    stars.width = 12
    sheet.add_chart(stars, f"{get_column_letter(6)}30")
