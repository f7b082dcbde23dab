"""The public pages, in-process: certificate verification, its QR code and PDF, the catalogue.

The same pages run in a real browser against a real server in ``tests/browser``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import segno
from fastapi.testclient import TestClient
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import Certificate
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.app import create_app
from tests.conftest import World
from tests.flows import product_in

AFTER_DECISION = datetime(2024, 6, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.settings.public_url = "https://ocop.quangngai.gov.vn"
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


@pytest.fixture
def certified(runtime: Runtime, world: World, clock: Clock) -> str:
    """The verification code of a product certified 3★ (score 62.5) by the district,
    looked at a few days after the decision of 20/06/2024."""
    clock.fixed = AFTER_DECISION
    product_in(runtime, world.producer_id, "certified")
    with runtime.transaction() as session:
        return session.scalars(select(Certificate.verification_code)).one()


def test_verification_page_shows_product_stars_and_validity_in_vietnamese(
    client: TestClient, certified: str
) -> None:
    page = client.get(f"/xac-minh/{certified}")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "Tỏi Lý Sơn" in page.text
    assert "HTX Nông nghiệp Đức Tân" in page.text
    assert "3 sao" in page.text
    assert "Còn hiệu lực" in page.text
    assert "1462/QĐ-UBND ngày 20/06/2024" in page.text


def test_verification_page_shows_nothing_private(client: TestClient, certified: str) -> None:
    page = client.get(f"/xac-minh/{certified}").text
    for private in ("htx.ductan@example.vn", "0255 3845 123", "4300123456", "62.5", "62,5"):
        assert private not in page


def test_code_typed_in_lower_case_with_dashes_finds_the_certificate(
    client: TestClient, certified: str
) -> None:
    typed = f"{certified[:4].lower()}-{certified[4:]}"
    answer = client.get("/xac-minh", params={"ma": typed}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/xac-minh/{certified}"


def test_unknown_code_is_a_404_page_with_the_form_again(client: TestClient, world: World) -> None:
    page = client.get("/xac-minh/KHONGCOMA")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Không tìm thấy giấy chứng nhận OCOP" in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'name="ma"' in page.text


def test_empty_code_is_refused_next_to_the_field(client: TestClient, world: World) -> None:
    page = client.get("/xac-minh", params={"ma": " - "})
    assert page.status_code == 422
    assert 'id="f-ma-error"' in page.text
    assert 'aria-describedby="f-ma-hint f-ma-error"' in page.text


def test_qr_code_encodes_the_absolute_url_of_the_public_page(
    client: TestClient, certified: str
) -> None:
    svg = client.get(f"/xac-minh/{certified}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    expected = segno.make(f"https://ocop.quangngai.gov.vn/xac-minh/{certified}", error="m")
    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    assert svg.content == buffer.getvalue()


def test_certificate_pdf_carries_the_vietnamese_text_and_qr_url(
    client: TestClient, certified: str
) -> None:
    pdf = client.get(f"/xac-minh/{certified}/giay-chung-nhan.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    text = _pdf_text(pdf.content)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Tỏi Lý Sơn" in text
    assert "Đạt hạng 3 sao" in text
    assert f"https://ocop.quangngai.gov.vn/xac-minh/{certified}" in text


def test_switching_to_english_keeps_the_page_and_its_data(
    client: TestClient, certified: str
) -> None:
    switched = client.get(
        "/ngon-ngu/en", params={"next": f"/xac-minh/{certified}"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/xac-minh/{certified}"
    page = client.get(f"/xac-minh/{certified}")
    assert '<html lang="en">' in page.text
    assert "3 stars" in page.text
    assert "Valid" in page.text
    assert "20/06/2024" in page.text


def test_language_switch_never_redirects_to_another_site(client: TestClient) -> None:
    for target in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        answer = client.get("/ngon-ngu/vi", params={"next": target}, follow_redirects=False)
        assert answer.headers["location"] == "/"


def test_catalogue_lists_certified_products_and_filters_by_stars(
    client: TestClient, certified: str
) -> None:
    page = client.get("/san-pham-ocop")
    assert page.status_code == 200
    assert "Tỏi Lý Sơn" in page.text
    assert f'href="/xac-minh/{certified}"' in page.text
    assert "Tỏi Lý Sơn" not in client.get("/san-pham-ocop", params={"sao": "4"}).text
    assert "Tỏi Lý Sơn" in client.get("/san-pham-ocop", params={"sao": "3", "q": "tỏi"}).text


def test_catalogue_leaves_out_products_without_a_certificate_in_force(
    client: TestClient, runtime: Runtime, world: World, clock: Clock
) -> None:
    clock.fixed = AFTER_DECISION
    product_in(runtime, world.producer_id, "revoked")
    product_in(runtime, world.producer_id, "awaiting_decision")
    page = client.get("/san-pham-ocop")
    assert "Không có sản phẩm nào" in page.text
    assert "htx.ductan@example.vn" not in page.text


def test_catalogue_refuses_an_unknown_star_rating_next_to_its_field(
    client: TestClient, world: World
) -> None:
    page = client.get("/san-pham-ocop", params={"sao": "7"})
    assert page.status_code == 422
    assert 'id="f-sao-error"' in page.text


def test_catalogue_refuses_an_unknown_locality_next_to_its_field(
    client: TestClient, world: World
) -> None:
    page = client.get("/san-pham-ocop", params={"don_vi": "99999"})
    assert page.status_code == 404 or page.status_code == 422
    assert 'id="f-don_vi-error"' in page.text


def _pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext reads it: proves the glyphs map back to Vietnamese."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return re.sub(r"[ \t]+", " ", result.stdout.decode())
