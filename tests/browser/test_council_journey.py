"""Three council members and the chair score a set-10 product online on the option-level
sheet of Decision 26/2026; the province closes the evaluation with the council's result
and issues the certificate; the producer then finds it. In a real browser, each member
choosing their options criterion by criterion, at desktop width and at 360 px."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from ocop_cycle.db.models import Product
from ocop_cycle.services.lookup import get_product
from ocop_cycle.workflow.evaluations import option_sheet_for
from tests.browser.conftest import (
    COUNCIL,
    PRODUCER_26,
    Site,
    assert_accessible,
    shoot,
    sign_in,
    under_26,
)
from tests.sheets_support import answers_for

TOTALS = {"hd.chutich": 80, "hd.thanhvien1": 78, "hd.thanhvien2": 82, "hd.thanhvien3": 80}


def _answers(site: Site, product_id: int, total: int) -> dict[str, int]:
    runtime = site.runtime
    with runtime.reading() as session:
        product = get_product(session, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        sheet = option_sheet_for(definition, product, runtime.workflows.directory)
        assert sheet is not None and sheet.number == 10
        return answers_for(sheet, total)


def _score(page: Page, site: Site, product_id: int, member: str, viewport: str,
           screenshot_dir: Path) -> None:
    sign_in(page, site, member)
    page.goto(f"{site.url}/viec-can-lam")
    page.get_by_role("link", name=f"Trà hoa vàng {viewport}").click()
    expect(page).to_have_url(f"{site.url}/san-pham/{product_id}/phieu-cham")
    answers = _answers(site, product_id, TOTALS[member])
    for code, index in answers.items():
        page.locator(f'[id="o-{code}-{index}"]').check()
    expect(page.locator("#running-total")).to_have_text(f"{TOTALS[member]} / 100")
    if member == COUNCIL[0]:
        assert_accessible(page)
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshot_dir, "phieu-cham", viewport, full_page=False)
    page.get_by_label("Ý kiến nhận xét").fill(f"Nhận xét của {member}")
    page.get_by_role("button", name="Lưu phiếu").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu phiếu")).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text(f"{TOTALS[member]}")
    page.get_by_role("button", name="Đăng xuất").click()


def test_council_scores_online_the_province_closes_and_issues_the_certificate(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    product_id = under_26(site.runtime, site.world, f"Trà hoa vàng {viewport}", "province_council")
    # A sheet with a criterion left unanswered is refused whole, the choices kept.
    sign_in(page, site, COUNCIL[1])
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    first = next(iter(_answers(site, product_id, 80).items()))
    page.locator(f'[id="o-{first[0]}-{first[1]}"]').check()
    page.get_by_role("button", name="Lưu phiếu").click()
    expect(page.get_by_role("alert")).to_contain_text("criteria not answered")
    expect(page.locator(f'[id="o-{first[0]}-{first[1]}"]')).to_be_checked()
    page.get_by_role("button", name="Đăng xuất").click()

    for member in COUNCIL:
        _score(page, site, product_id, member, viewport, screenshot_dir)

    sign_in(page, site, "province1")
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    tally = page.get_by_role("complementary")
    expect(tally).to_contain_text("Đã nộp 4/4 phiếu")
    expect(tally).to_contain_text("Điểm trung bình: 80")
    page.goto(f"{site.url}/san-pham/{product_id}")
    page.locator("summary", has_text="Hội đồng cấp tỉnh kết luận").click()
    page.get_by_role("form", name="Hội đồng cấp tỉnh kết luận").get_by_role("button").click()
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
    with site.runtime.reading() as session:
        product = session.get(Product, product_id)
        assert product is not None and product.state == "province_decision"
        assert product.score == 80

    page.locator("summary", has_text="Quyết định công nhận và cấp giấy chứng nhận").first.click()
    issue = page.get_by_role("form", name="Quyết định công nhận và cấp giấy chứng nhận").first
    issue.get_by_label("Số quyết định").fill("1234/QĐ-UBND")
    issue.get_by_label("Ngày quyết định").fill("2026-11-27")
    issue.get_by_role("button").click()
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
    expect(page.get_by_role("link", name="Tải giấy chứng nhận (PDF)")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, site, PRODUCER_26)
    page.goto(f"{site.url}/chung-nhan")
    card = page.get_by_role("listitem").filter(has_text=f"Trà hoa vàng {viewport}")
    expect(card).to_contain_text("từ 27/11/2026 đến 27/11/2029")
    expect(card).to_contain_text("mở từ 31/05/2029 đến 30/07/2029")
