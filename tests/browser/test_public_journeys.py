"""The public's journeys in a real browser: a shopper scans the QR code on a jar of black
garlic, reads the certificate, downloads the PDF, and browses the catalogue."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import segno
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    VIEWPORTS,
    Site,
    assert_accessible,
    no_horizontal_scroll,
    shoot,
    sign_in,
)


def test_shopper_verifies_the_qr_codes_url_and_sees_the_stars(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    code = site.certificate_code(site.products["certified"])
    # The QR code encodes this page's absolute address: the scanner opens exactly it.
    served = httpx.get(f"{site.url}/xac-minh/{code}/qr.svg").content
    expected = io.BytesIO()
    segno.make(f"{site.url}/xac-minh/{code}", error="m").save(
        expected, kind="svg", scale=6, border=2, xmldecl=False
    )
    assert served == expected.getvalue()
    page.goto(f"{site.url}/xac-minh/{code}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỏi đen Đức Tân")
    expect(page.get_by_text("HTX Nông nghiệp Đức Tân")).to_be_visible()
    expect(page.get_by_role("img", name="3 sao")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Còn hiệu lực")
    expect(page.get_by_role("img", name=f"Mã QR dẫn tới trang này: {site.url}/xac-minh/{code}")).to_be_visible()
    assert "htx.ductan@example.vn" not in page.content()
    assert "0255 3845 123" not in page.content()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "xac-minh", viewport)


def test_shopper_types_the_code_by_hand_and_an_unknown_one_is_explained(
    page: Page, site: Site, viewport: str
) -> None:
    code = site.certificate_code(site.products["certified"])
    page.goto(f"{site.url}/xac-minh")
    assert_accessible(page)
    page.get_by_label("Mã xác minh").fill(f"{code[:4].lower()}-{code[4:].lower()}")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page).to_have_url(f"{site.url}/xac-minh/{code}")
    page.goto(f"{site.url}/xac-minh")
    page.get_by_label("Mã xác minh").fill("KHONGCOMANAY")
    page.get_by_role("button", name="Kiểm tra").click()
    field = page.get_by_label("Mã xác minh")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-ma-error")).to_contain_text("Không tìm thấy giấy chứng nhận OCOP")
    assert_accessible(page)


def test_certificate_pdf_opens_from_the_public_page(page: Page, site: Site, viewport: str) -> None:
    code = site.certificate_code(site.products["certified"])
    page.goto(f"{site.url}/xac-minh/{code}")
    link = page.get_by_role("link", name="Tải giấy chứng nhận (PDF)")
    answer = page.request.get(f"{site.url}{link.get_attribute('href')}")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")


def test_catalogue_search_by_stars_and_name_in_english(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    page.goto(f"{site.url}/san-pham-ocop")
    expect(page.get_by_role("link", name="Tỏi đen Đức Tân")).to_be_visible()
    assert_accessible(page)
    assert no_horizontal_scroll(page)
    shoot(page, screenshot_dir, "san-pham-ocop", viewport)
    # htmx swaps the results in place (the page is not reloaded) and keeps the address.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Hạng sao").select_option("5")
    page.get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(f"{site.url}/san-pham-ocop?q=&don_vi=&sao=5")
    assert page.evaluate("window.notReloaded === true")
    expect(page.get_by_text("Không có sản phẩm nào khớp")).to_be_visible()
    page.get_by_label("Hạng sao").select_option("4")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Mật ong hoa cà phê")).to_be_visible()
    expect(page.get_by_role("link", name="Tỏi đen Đức Tân")).to_have_count(0)
    page.get_by_label("Hạng sao").select_option("3")
    page.get_by_label("Tên sản phẩm").fill("tỏi")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Tỏi đen Đức Tân")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("OCOP products")
    expect(page.get_by_role("link", name="Tỏi đen Đức Tân")).to_be_visible()
    assert_accessible(page)


def test_catalogue_and_sign_in_work_without_javascript(
    browser: Browser, site: Site, viewport: str
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS[viewport])  # type: ignore[arg-type]
    page = context.new_page()
    try:
        page.goto(f"{site.url}/san-pham-ocop")
        page.get_by_label("Tên sản phẩm").fill("mật ong")
        page.get_by_role("button", name="Tìm").click()
        expect(page).to_have_url(f"{site.url}/san-pham-ocop?q=m%E1%BA%ADt+ong&don_vi=&sao=")
        expect(page.get_by_role("link", name="Mật ong hoa cà phê")).to_be_visible()
        expect(page.get_by_role("link", name="Tỏi đen Đức Tân")).to_have_count(0)
        sign_in(page, site, "commune1")
        expect(page).to_have_url(f"{site.url}/viec-can-lam")
    finally:
        context.close()
