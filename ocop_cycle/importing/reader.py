"""Reading a spreadsheet (CSV or XLSX) into text cells, with the row numbers people see.

Everything becomes text here, so that one validator serves both formats: an XLSX cell
holding the number 21427 or a date must give the same result as the CSV text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ocop_cycle.errors import InvalidInput
from ocop_cycle.files import check_size, check_zip_expansion, readable_file


class Sheet:
    """The header, then the non-blank data rows as (row number, cells), read as needed.

    Rows stream from the file and are read once: a 640,000-row import never holds the
    file's text or all its cells in memory. ``count`` is how many were read so far.
    """

    def __init__(self, name: str, header: list[str], lines: Iterator[tuple[int, list[str]]]):
        self.name = name
        self.header = header
        self._lines = lines
        self.count = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        for number, cells in self._lines:
            if any(cells):
                self.count += 1
                yield number, cells


def read_sheet(path: Path, max_bytes: int) -> Sheet:
    """Open ``path`` by its extension: ``.csv`` (UTF-8, BOM or not) or ``.xlsx`` (first
    sheet), and read its header; the rows follow as they are asked for.

    A CSV larger than ``max_bytes``, or an XLSX that would unpack to more, is refused
    before it is read (``OCOP_IMPORT_MAX_BYTES``).
    """
    if not path.is_file():
        raise InvalidInput(
            f"no file {path}; give the path of a .csv or .xlsx file",
            vi=f"không có tệp {path.name}; hãy chọn một tệp .csv hoặc .xlsx",
        )
    readable_file(path, "import")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        check_size(path, max_bytes, "import", "OCOP_IMPORT_MAX_BYTES")
        lines = _csv_lines(path)
    elif suffix == ".xlsx":
        check_zip_expansion(path, max_bytes, "import", "OCOP_IMPORT_MAX_BYTES")
        lines = _xlsx_lines(path)
    else:
        raise InvalidInput(
            f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx",
            vi=f"{path.name}: không hỗ trợ loại tệp {suffix!r}; hãy dùng tệp .csv hoặc .xlsx",
        )
    for _number, cells in lines:
        if not any(cells):
            continue
        header = [cell.strip() for cell in cells]
        # Spreadsheets often carry empty columns after the last one used.
        while header and not header[-1]:
            header.pop()
        return Sheet(path.name, header, lines)
    raise InvalidInput(
        f"{path.name} is empty: the first row must be the header",
        vi=f"tệp {path.name} trống: dòng đầu tiên phải là dòng tiêu đề",
    )


def _csv_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    # utf-8-sig drops a byte-order mark (Excel writes one) and reads plain UTF-8 too;
    # newline="" keeps quoted cells that span lines (an address, a note) in one cell.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            for cells in reader:
                yield reader.line_num, [cell.strip() for cell in cells]
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{path.name} is not UTF-8 (after line {reader.line_num}); save it as "
                "'CSV UTF-8' and retry",
                vi=f"tệp {path.name} không phải mã UTF-8 (sau dòng {reader.line_num}); hãy lưu "
                "lại dưới dạng 'CSV UTF-8' rồi thử lại",
            ) from None


def _xlsx_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidInput(
            f"{path.name} is not a readable XLSX workbook ({type(exc).__name__})",
            vi=f"không đọc được tệp {path.name} như một bảng tính XLSX ({type(exc).__name__})",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
