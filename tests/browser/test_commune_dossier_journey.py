"""A commune officer registers an idea, uploads the dossier (Mẫu 01, Mẫu 02) and forwards
it with the commune's report (Mẫu 03) to the province, in a real browser, under Decision
26/2026 (the rules in force today)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import Page, expect
from sqlalchemy import select

from ocop_cycle.db.models import Document, Product
from tests.browser.conftest import (
    OFFICER_26,
    Site,
    assert_accessible,
    nghia_lo_2025,
    shoot,
    sign_in,
)

REPORT = {
    "Báo cáo nguồn gốc sản phẩm": "Sản phẩm từ tỏi Lý Sơn trồng tại xã",
    "Đơn đề nghị": "Đơn của HTX ngày 20/11/2026",
    "Nguyên liệu địa phương": "100% tỏi của xã",
    "Lao động địa phương": "12 lao động tại xã",
    "Nguồn gốc ý tưởng": "Ý tưởng của HTX từ năm 2020",
    "Bản sắc địa phương": "Tỏi đen lên men truyền thống",
}


def _pdf(path: Path, title: str) -> Path:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(0, 10, title)
    document.output(str(path))
    return path


def test_commune_officer_registers_an_idea_and_forwards_its_dossier_with_uploads(
    page: Page, site: Site, viewport: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    name = f"Tỏi đen lên men {viewport}"
    nghia_lo_2025(site.runtime)  # 26/2026 products name a 2025 commune
    sign_in(page, site, OFFICER_26)
    page.get_by_role("link", name="Đăng ký ý tưởng sản phẩm").click()
    assert_accessible(page)
    page.get_by_label("Tên sản phẩm").fill(name)
    page.get_by_label("Chủ thể sản xuất").select_option(label="HTX Tỏi Nghĩa Lộ")
    page.get_by_label("Bộ sản phẩm (Quyết định 26/2026)").select_option(value="10")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    product_id = int(page.url.split("/san-pham/")[1].split("?")[0])

    # A file that only claims to be a PDF is refused by its content, next to the field.
    fake = tmp_path / "mau_03.pdf"
    fake.write_text("không phải PDF")
    page.locator("summary", has_text="Thêm tài liệu").click()
    upload = page.get_by_role("form", name="Thêm tài liệu")
    upload.get_by_label("Tệp (PDF, JPEG hoặc PNG)").set_input_files(str(fake))
    upload.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#u-file-error")).to_contain_text("không phải là tệp PDF, JPEG hoặc PNG")

    # The dossier is filed on its own page, with its forms and the self-assessment.
    page.get_by_role("link", name="Nộp hồ sơ đánh giá (Mẫu 01, Mẫu 02)").click()
    expect(page.get_by_role("heading", name="Hồ sơ: Đánh giá, phân hạng lần đầu")).to_be_visible()
    for label, kind, title in (
        ("Mẫu 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP", "mau_01", "Mau 01"),
        ("Mẫu 02: Báo cáo tự đánh giá về sản phẩm", "mau_02", "Mau 02"),
    ):
        page.get_by_label(label).set_input_files(str(_pdf(tmp_path / f"{kind}.pdf", title)))
    criteria = page.locator("fieldset.criterion")
    for index in range(criteria.count()):
        criteria.nth(index).get_by_role("radio").first.check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
    documents = page.locator("section[aria-labelledby=h-documents]")
    expect(documents).to_contain_text("mau_01.pdf")
    expect(documents).to_contain_text("mau_02.pdf")

    summary = "Xã gửi hồ sơ và báo cáo Mẫu 03 lên tỉnh"
    page.locator("summary", has_text=summary).click()
    forward = page.get_by_role("form", name=summary)
    for label, text in REPORT.items():
        forward.get_by_label(label).fill(text)
    assert_accessible(page)
    shoot(page, screenshot_dir, "chuyen-ho-so", viewport)
    forward.get_by_role("button", name=summary).click()
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")

    with site.runtime.transaction() as session:
        product = session.get(Product, product_id)
        assert product is not None
        assert product.state == "province_intake"
        assert product.product_set == 10
        kinds = session.scalars(
            select(Document.kind).where(Document.product_id == product_id)
        ).all()
        assert sorted(kinds) == ["mau_01", "mau_02"]
