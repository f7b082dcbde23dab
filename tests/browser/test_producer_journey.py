"""A producer signs in, finds their certificates with the re-rating window of Decision
26/2026 ("mở từ … đến …", days to go), and downloads the printable PDF."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PRODUCER_26,
    Site,
    assert_accessible,
    no_horizontal_scroll,
    shoot,
    sign_in,
)


def test_producer_sees_the_rerating_window_and_downloads_the_certificate(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    # An ocop-148 certificate is re-rated under 26/2026 too (Art. 12): it shows the window.
    sign_in(page, site, "producer1")
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    old = page.get_by_role("listitem").filter(has_text="Tỏi đen Đức Tân")
    expect(old).to_contain_text("Đánh giá lại: mở từ")
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, site, PRODUCER_26)
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    card = page.get_by_role("listitem").filter(has_text="Mật ong hoa cà phê")
    expect(card).to_contain_text("từ 01/06/2026 đến 01/06/2029")
    expect(card).to_contain_text("Đánh giá lại: mở từ 03/12/2028 đến 01/02/2029")
    expect(card).to_contain_text("chưa mở, còn")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "chung-nhan", viewport)
    link = card.get_by_role("link", name="Tải giấy chứng nhận (PDF)").get_attribute("href")
    pdf = page.request.get(f"{site.url}{link}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="giay-chung-nhan-ocop-' in pdf.headers["content-disposition"]
    assert pdf.body().startswith(b"%PDF-")
