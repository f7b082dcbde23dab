"""Files a person names on the command line: bounded in size, and never echoed back.

A mistyped path (``--targets /etc/shadow``) must not print the file's lines in the error,
and a huge or decompression-bomb file must be refused before it is read into memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ocop_cycle.errors import InvalidInput


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def readable_file(path: Path, what: str) -> Path:
    """``path`` if it is a file this process may read; otherwise say which it is not."""
    if not path.exists():
        raise InvalidInput(f"{what}: no file {path}", vi=f"Không có tệp {path}")
    if not path.is_file():
        raise InvalidInput(f"{what}: {path} is not a file", vi=f"{path} không phải là tệp")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InvalidInput(
            f"{what}: cannot read {path}: {exc.strerror}",
            vi=f"Không đọc được tệp {path}: {exc.strerror}",
        ) from None
    return path


def check_size(path: Path, limit: int, what: str, setting: str) -> int:
    """The size of ``path``; over ``limit`` bytes it is refused naming the setting."""
    size = path.stat().st_size
    if size > limit:
        raise InvalidInput(
            f"{what}: {path.name} is {megabytes(size)}, more than the {megabytes(limit)} "
            f"allowed ({setting}); split the file or raise the limit",
            vi=f"Tệp {path.name} có dung lượng {megabytes(size)}, vượt mức cho phép {megabytes(limit)}; "
            "hãy chia nhỏ tệp",
        )
    return size


def check_zip_expansion(path: Path, limit: int, what: str, setting: str) -> None:
    """An XLSX is a zip: refuse one whose parts would expand beyond ``limit`` bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InvalidInput(
            f"{what}: {path.name} is not a readable XLSX workbook",
            vi=f"Tệp {path.name} không phải là bảng tính XLSX đọc được",
        ) from None
    if expanded > limit:
        raise InvalidInput(
            f"{what}: {path.name} expands to {megabytes(expanded)} when unpacked, more than "
            f"the {megabytes(limit)} allowed ({setting}); save it as CSV or split it",
            vi=f"Tệp {path.name} khi giải nén có dung lượng {megabytes(expanded)}, vượt mức cho phép "
            f"{megabytes(limit)}; hãy lưu dưới dạng CSV hoặc chia nhỏ tệp",
        )


def read_small_text(path: Path, limit: int, what: str) -> str:
    """A small UTF-8 file (a targets or settings file), refused without quoting it."""
    readable_file(path, what)
    if path.stat().st_size > limit:
        raise InvalidInput(
            f"{what}: {path.name} is {megabytes(path.stat().st_size)}; a file of this kind "
            f"is under {megabytes(limit)}. Is it the right file?",
            vi=f"Tệp {path.name} có dung lượng {megabytes(path.stat().st_size)}, trong khi tệp loại này "
            f"thường dưới {megabytes(limit)}. Hãy kiểm tra xem có chọn đúng tệp không",
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{what}: {path.name} is not a UTF-8 text file",
            vi=f"Tệp {path.name} không phải là tệp văn bản UTF-8",
        ) from None
