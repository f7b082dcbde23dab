"""The provincial office's import page: a dry run first (errors as a table, or what would
be created), nothing written until confirmed; then the same import as the command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.db.models import Certificate
from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.import_files import write_certificates_csv
from tests.pages_support import csrf_of, open_pages, sign_in


@pytest.fixture
def client(runtime: Runtime, world: World, tmp_path: Path) -> Iterator[TestClient]:
    """The provincial office, signed in."""
    runtime.settings.storage_dir = tmp_path / "documents"
    with open_pages(runtime) as pages:
        sign_in(pages, "province1")
        yield pages


def _certificates(runtime: Runtime) -> int:
    with runtime.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Certificate)) or 0)


def test_dry_run_shows_the_plan_and_writes_nothing_until_confirmed(
    client: TestClient, runtime: Runtime, world: World, tmp_path: Path
) -> None:
    source = write_certificates_csv(tmp_path / "tinh.csv", 10, [world.commune, world.other_commune])
    checked = client.post("/nhap-du-lieu", data={"csrf_token": csrf_of(client, "/nhap-du-lieu")},
                          files={"file": ("tinh.csv", source.read_bytes(), "text/csv")})
    assert checked.status_code == 200, checked.text
    assert "Kết quả kiểm tra (chưa ghi gì)" in checked.text
    assert _certificates(runtime) == 0
    token = re.search(r'name="token" value="([^"]+)"', checked.text)
    assert token
    confirmed = client.post("/nhap-du-lieu/xac-nhan", data={
        "csrf_token": csrf_of(client, "/nhap-du-lieu"), "token": token.group(1), "suffix": ".csv",
    }, follow_redirects=False)
    assert confirmed.headers["location"] == "/nhap-du-lieu?da=1"
    assert _certificates(runtime) == 10
    assert not list((tmp_path / "documents" / "imports").iterdir())


def test_file_with_errors_lists_each_row_and_imports_nothing(
    client: TestClient, runtime: Runtime, world: World, tmp_path: Path
) -> None:
    source = write_certificates_csv(tmp_path / "tinh.csv", 3, [world.commune])
    broken = source.read_text().replace(f",{world.commune},", ",99999,", 1)
    answer = client.post("/nhap-du-lieu", data={"csrf_token": csrf_of(client, "/nhap-du-lieu")},
                         files={"file": ("tinh.csv", broken.encode(), "text/csv")})
    assert answer.status_code == 422
    assert "<td>commune_code</td>" in answer.text
    assert _certificates(runtime) == 0


def _broken_commune_code(client: TestClient, world: World, tmp_path: Path) -> str:
    source = write_certificates_csv(tmp_path / "tinh.csv", 3, [world.commune])
    broken = source.read_text().replace(f",{world.commune},", ",99999,", 1)
    answer = client.post("/nhap-du-lieu", data={"csrf_token": csrf_of(client, "/nhap-du-lieu")},
                         files={"file": ("tinh.csv", broken.encode(), "text/csv")})
    assert answer.status_code == 422
    return answer.text


def test_a_row_error_reads_in_vietnamese_on_the_page(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    page = _broken_commune_code(client, world, tmp_path)
    assert "không có đơn vị hành chính nào có mã &#39;99999&#39;; hãy sửa lại mã" in page
    assert "no administrative unit" not in page


def test_a_row_error_reads_in_english_to_a_reader_who_chose_english(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    client.cookies.set("ocop_lang", "en")
    page = _broken_commune_code(client, world, tmp_path)
    assert "no administrative unit with code &#39;99999&#39;" in page
    assert "đơn vị hành chính" not in page


def test_a_file_with_more_errors_than_are_listed_counts_them_all(
    client: TestClient, runtime: Runtime, world: World, tmp_path: Path
) -> None:
    source = write_certificates_csv(tmp_path / "tinh.csv", 1200, [world.commune])
    broken = source.read_text().replace(f",{world.commune},", ",99999,")
    answer = client.post("/nhap-du-lieu", data={"csrf_token": csrf_of(client, "/nhap-du-lieu")},
                         files={"file": ("tinh.csv", broken.encode(), "text/csv")})
    assert answer.status_code == 422
    assert "1.200 lỗi trong tệp; liệt kê 1.000 lỗi đầu tiên" in answer.text
    assert answer.text.count("<td>commune_code</td>") == 1000
    assert _certificates(runtime) == 0


def test_confirming_someone_elses_or_a_made_up_file_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    answer = client.post("/nhap-du-lieu/xac-nhan", data={
        "csrf_token": csrf_of(client, "/nhap-du-lieu"), "token": "../../etc/passwd-aaaaaaaaaaaaaaaa", "suffix": ".csv",
    })
    assert answer.status_code == 422
    assert "Không còn tệp chờ nhập" in answer.text
