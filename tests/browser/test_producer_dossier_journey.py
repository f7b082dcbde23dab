"""A producer files a re-rating in a real browser (Decision 26/2026 Art. 7.6): from the
certificates page, inside the window, with Mẫu 01 and Mẫu 02 uploaded and the
self-assessment ticked on the council's sheet; outside the window the page explains the
dates and sends a late filer to the province. Desktop and 360 px, axe-core clean."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from ocop_cycle.db.models import Certificate
from tests.browser.conftest import (
    PRODUCER_26,
    Site,
    assert_accessible,
    no_horizontal_scroll,
    shoot,
    sign_in,
    under_26,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _certified_expiring_in(site: Site, name: str, days: int) -> int:
    """A 26/2026 product whose certificate expires ``days`` from today (the server's
    real clock): stored directly, as a certificate issued three years ago would be."""
    product_id = under_26(site.runtime, site.world, name, "certified")
    expires = site.runtime.clock.today() + timedelta(days=days)
    with site.runtime.transaction() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.product_id == product_id)
            .values(expires_on=expires)
        )
    return product_id


@pytest.fixture
def inside(site: Site, viewport: str) -> int:
    return _certified_expiring_in(site, f"Tỏi đen Lý Sơn ({viewport})", 150)


@pytest.fixture
def too_late(site: Site, viewport: str) -> int:
    return _certified_expiring_in(site, f"Nước mắm Sa Huỳnh ({viewport})", 100)


def test_producer_files_a_rerating_with_forms_and_self_assessment_inside_the_window(
    page: Page, site: Site, viewport: str, screenshot_dir: Path, inside: int
) -> None:
    sign_in(page, site, PRODUCER_26)
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    card = page.get_by_role("listitem").filter(has_text=f"Tỏi đen Lý Sơn ({viewport})")
    expect(card).to_contain_text("đang mở, còn 30 ngày")
    card.get_by_role("link", name="Nộp hồ sơ đánh giá lại").click()

    expect(page.get_by_role("heading", name="Nộp hồ sơ đánh giá", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Hồ sơ: Đánh giá, phân hạng lại")).to_be_visible()
    page.get_by_label("Mẫu 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP").set_input_files(
        {"name": "mau-01.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Mẫu 02: Báo cáo tự đánh giá về sản phẩm").set_input_files(
        {"name": "mau-02.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    criteria = page.locator("fieldset.criterion")
    assert criteria.count() > 10
    for index in range(criteria.count()):
        criteria.nth(index).get_by_role("radio").first.check()
    # The running total is the scoresheet's own, from the server, as options are ticked.
    expect(page.locator("#running")).to_contain_text(
        f"đã chọn {criteria.count()}/{criteria.count()} tiêu chí"
    )
    page.get_by_label("Ghi chú của chủ thể").fill("Bao bì mới từ năm 2027")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "nop-ho-so-danh-gia-lai", viewport)

    page.get_by_role("button", name="Nộp hồ sơ đánh giá lại").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện.")
    expect(page.locator(".facts")).to_contain_text("Xã kiểm tra hồ sơ đánh giá lại")
    documents = page.locator("section[aria-labelledby=h-documents]")
    expect(documents).to_contain_text("mau-01.pdf")
    expect(documents).to_contain_text("mau-02.pdf")


def test_outside_the_window_the_page_gives_its_dates_and_sends_a_late_filer_to_the_province(
    page: Page, site: Site, viewport: str, screenshot_dir: Path, too_late: int
) -> None:
    sign_in(page, site, PRODUCER_26)
    page.goto(f"{site.url}/san-pham/{too_late}")
    # The closed re-rating still leads to the dossier page, which says why.
    page.get_by_role("link", name="Nộp hồ sơ đánh giá lại").click()
    rerating = page.get_by_role("listitem").filter(has_text="Đánh giá, phân hạng lại")
    expect(rerating).to_contain_text("Thời hạn nộp hồ sơ đánh giá lại đã đóng: mở từ")
    expect(rerating).to_contain_text("hãy liên hệ cơ quan quản lý OCOP cấp tỉnh")
    expect(page.get_by_role("button", name="Nộp hồ sơ đánh giá lại")).to_have_count(0)
    # An upgrade may still be filed: it is the form offered.
    expect(page.get_by_role("heading", name="Hồ sơ: Nâng hạng sao")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "nop-ho-so-ngoai-thoi-han", viewport)


def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_beside_its_field_nothing_filed(
    page: Page, site: Site, viewport: str, screenshot_dir: Path, inside: int
) -> None:
    sign_in(page, site, PRODUCER_26)
    page.goto(f"{site.url}/san-pham/{inside}/nop-ho-so?loai=rerating")
    page.get_by_label("Mẫu 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP").set_input_files(
        {"name": "mau-01.docx", "mimeType": "application/msword", "buffer": b"PK\x03\x04 word"}
    )
    page.get_by_label("Mẫu 02: Báo cáo tự đánh giá về sản phẩm").set_input_files(
        {"name": "mau-02.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    first = page.locator("fieldset.criterion").first
    first.get_by_role("radio").first.check()
    page.get_by_role("button", name="Nộp hồ sơ đánh giá lại").click()

    expect(page.get_by_role("alert").first).to_contain_text("Hồ sơ chưa được nộp, không có gì thay đổi")
    field = page.get_by_label("Mẫu 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#d-mau_01-error")).to_contain_text("không phải là tệp PDF, JPEG hoặc PNG")
    expect(page.locator("fieldset.criterion.unanswered").first).to_be_visible()
    expect(first.get_by_role("radio").first).to_be_checked()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "nop-ho-so-loi", viewport, full_page=False)
    page.goto(f"{site.url}/san-pham/{inside}")
    expect(page.locator(".facts")).to_contain_text("Đã được công nhận OCOP")
    expect(page.locator("section[aria-labelledby=h-documents]")).to_contain_text("Chưa có tài liệu.")
