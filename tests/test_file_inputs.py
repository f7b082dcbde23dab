"""Files named on the command line: a wrong file is refused without printing its lines,
an import larger than OCOP_IMPORT_MAX_BYTES (or an XLSX that unpacks beyond it) with exit 2."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

SECRET_LINES = "root:$y$j9T$Qm1secret:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"


@pytest.fixture
def shadow(tmp_path: Path) -> Path:
    path = tmp_path / "shadow"
    path.write_text(SECRET_LINES, encoding="utf-8")
    return path


def assert_not_echoed(text: str) -> None:
    for line in SECRET_LINES.splitlines():
        assert line not in text
    assert "secret" not in text and "daemon" not in text


def test_a_wrong_targets_file_is_refused_without_quoting_it(cli: Any, shadow: Path) -> None:
    result = cli("report", "annual", "--year", "2023", "--targets", str(shadow))
    assert result.exit_code == 2
    assert "not targets" in result.stderr
    assert_not_echoed(result.stdout + result.stderr)


def test_a_binary_targets_file_is_refused_without_a_traceback(cli: Any, tmp_path: Path) -> None:
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(bytes(range(256)) * 10)
    result = cli("report", "annual", "--year", "2023", "--targets", str(binary))
    assert result.exit_code == 2
    assert "not a UTF-8 text file" in result.stderr


def test_a_wrong_import_file_is_refused_without_quoting_it(cli: Any, shadow: Path) -> None:
    csv_copy = shadow.with_suffix(".csv")
    csv_copy.write_text(SECRET_LINES, encoding="utf-8")
    result = cli("import", "products", str(csv_copy), "--actor", "province1", "--json")
    assert result.exit_code == 2
    assert "is this the right file" in result.stderr
    assert_not_echoed(result.stdout + result.stderr)


def test_an_import_larger_than_the_limit_is_refused_before_reading(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCOP_IMPORT_MAX_BYTES", "2000")
    big = tmp_path / "tinh.csv"
    big.write_text("product_name,product_group\n" + "Tỏi Lý Sơn,food\n" * 200, encoding="utf-8")
    result = cli("import", "products", str(big), "--actor", "province1", "--json")
    assert result.exit_code == 2
    assert "OCOP_IMPORT_MAX_BYTES" in result.error()["message"]


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCOP_IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 10_000_000)
    assert bomb.stat().st_size < 1024 * 1024
    result = cli("import", "products", str(bomb), "--actor", "province1", "--json")
    assert result.exit_code == 2
    message = result.error()["message"]
    assert "expands to 60.0 MB" in message and "OCOP_IMPORT_MAX_BYTES" in message
