"""Three council members and the chair score a set-10 product online on the option-level
sheet of Decision 26/2026 beside its dossier (the PDF shown in the page's own frame); one
member first saves half the sheet as a draft, found again from their councils' page; each
save is answered in place by htmx, the running total and its star by the server; the chair
sees where members chose differently and closes the evaluation from the scoresheet with
the council's result; the province issues the certificate; the producer then finds it. A
re-rating by written opinions is closed by the chair too, after a refusal for the spread
shown beside the form. In a real browser, at desktop width and at 360 px."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import httpx
from fpdf import FPDF
from playwright.sync_api import Page, expect

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import Product
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.option_sheets import submit_options
from ocop_cycle.services.products import fire
from ocop_cycle.workflow.evaluations import option_sheet_for
from ocop_cycle.workflow.sheets import Sheet
from tests.browser.conftest import (
    COUNCIL,
    OFFICER_26,
    PASSWORD,
    PRODUCER_26,
    Site,
    assert_accessible,
    no_horizontal_scroll,
    shoot,
    sign_in,
    under_26,
)
from tests.sheets_support import answers_for

TOTALS = {"hd.chutich": 80, "hd.thanhvien1": 78, "hd.thanhvien2": 82, "hd.thanhvien3": 80}


def _sheet(site: Site, product_id: int) -> Sheet:
    runtime = site.runtime
    with runtime.reading() as session:
        product = get_product(session, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        sheet = option_sheet_for(definition, product, runtime.workflows.directory)
        assert sheet is not None
        return sheet


def _dossier_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=20)
    pdf.cell(0, 12, "Mau 01 - Phieu dang ky danh gia san pham OCOP")
    return bytes(pdf.output())


def _upload(site: Site, product_id: int, filename: str) -> int:
    """The producer's form, uploaded through the API as a client would."""
    with httpx.Client(base_url=site.url) as client:
        token = client.post("/api/v1/auth/token",
                            data={"username": "province1", "password": PASSWORD})
        assert token.status_code == 200, token.text
        sent = client.post(
            f"/api/v1/products/{product_id}/documents", data={"kind": "mau_01"},
            files={"file": (filename, _dossier_pdf(), "application/pdf")},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert sent.status_code == 201, sent.text
        return int(sent.json()["id"])


def _state(site: Site, product_id: int) -> str:
    with site.runtime.reading() as session:
        product = session.get(Product, product_id)
        assert product is not None
        return product.state


def _score(page: Page, site: Site, product_id: int, member: str, viewport: str,
           screenshot_dir: Path, document_id: int) -> None:
    sign_in(page, site, member)
    page.goto(f"{site.url}/viec-can-lam")
    page.get_by_role("link", name=f"Trà hoa vàng {viewport}").click()
    expect(page).to_have_url(f"{site.url}/san-pham/{product_id}/phieu-cham")
    page.wait_for_load_state("load")
    frame = page.frame(name="dossier-frame")
    assert frame is not None and frame.url == f"{site.url}/api/v1/documents/{document_id}"
    answers = answers_for(_sheet(site, product_id), TOTALS[member])
    for code, index in answers.items():
        page.locator(f'[id="o-{code}-{index}"]').check()
    # The server adds the options up (htmx): the total and the star it would give.
    expect(page.locator("#running-total")).to_have_text(f"{TOTALS[member]} / 100")
    expect(page.locator("#running-stars")).to_contain_text("Phiếu này cho")
    page.get_by_label("Ý kiến nhận xét").fill(f"Nhận xét của {member}")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Nộp phiếu").click()
    status = page.locator("#sheet-status").get_by_role("status")
    expect(status).to_contain_text("Đã nộp phiếu lúc")
    expect(status).to_contain_text(f"tổng điểm {TOTALS[member]}")
    assert page.evaluate("window.notReloaded === true"), "the save reloaded the page"
    if member == COUNCIL[-1]:
        page.reload()
        council = page.get_by_role("region", name="Hội đồng")
        expect(council).to_contain_text("Đã nộp 4/4 phiếu")
        disagreements = council.get_by_role("table", name="Tiêu chí thành viên chọn khác nhau")
        expect(disagreements).to_have_count(0)  # only the chair and the officers see it
    page.get_by_role("button", name="Đăng xuất").click()


def _draft_half_and_come_back(
    page: Page, site: Site, product_id: int, viewport: str, screenshot_dir: Path
) -> None:
    """A member finds the product under their council, saves half the sheet as a draft
    (answered in place), signs out, comes back through the same list and finds the draft
    with what remains; the chair sees who is drafting, and nothing counts yet."""
    member, name = COUNCIL[2], f"Trà hoa vàng {viewport}"
    answers = answers_for(_sheet(site, product_id), TOTALS[member])
    half = dict(list(answers.items())[: len(answers) // 2])
    sign_in(page, site, member)
    page.goto(f"{site.url}/hoi-dong")
    card = page.get_by_role("listitem").filter(has_text=name)
    expect(card).to_contain_text("Phiếu của tôi: Chưa chấm")
    card.get_by_role("link", name="Chấm điểm").click()
    expect(page).to_have_url(f"{site.url}/san-pham/{product_id}/phieu-cham")
    for code, index in half.items():
        page.locator(f'[id="o-{code}-{index}"]').check()
    remaining = len(answers) - len(half)
    expect(page.locator("#running")).to_contain_text(f"còn {remaining} tiêu chí chưa chọn")
    page.get_by_label("Ý kiến nhận xét").fill("Còn xem tiếp phần 3")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#sheet-status").get_by_role("status")).to_contain_text("Đã lưu nháp lúc")
    assert page.evaluate("window.notReloaded === true"), "the draft reloaded the page"
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, site, COUNCIL[0])
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    expect(page.locator("#drafting")).to_contain_text(member)
    expect(page.get_by_role("region", name="Hội đồng")).to_contain_text("Đã nộp 0/4 phiếu")
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, site, member)
    page.goto(f"{site.url}/hoi-dong")
    card = page.get_by_role("listitem").filter(has_text=name)
    expect(card).to_contain_text("Phiếu của tôi: Bản nháp")
    assert_accessible(page)
    if viewport == "360px":
        assert no_horizontal_scroll(page)
    shoot(page, screenshot_dir, "hoi-dong-cua-toi", viewport)
    card.get_by_role("link", name="Mở phiếu").click()
    for code, index in half.items():
        expect(page.locator(f'[id="o-{code}-{index}"]')).to_be_checked()
    expect(page.get_by_label("Ý kiến nhận xét")).to_have_value("Còn xem tiếp phần 3")
    expect(page.locator("#draft-note")).to_contain_text("Đang mở bản nháp lưu lúc")
    expect(page.locator("#running")).to_contain_text(f"còn {remaining} tiêu chí chưa chọn")
    assert_accessible(page)
    if viewport == "360px":
        assert no_horizontal_scroll(page)
    page.locator(".scoresheet-layout").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shoot(page, screenshot_dir, "phieu-cham-ban-nhap", viewport, full_page=False)
    page.get_by_role("button", name="Đăng xuất").click()


def test_council_scores_online_the_chair_closes_and_the_province_issues_the_certificate(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    product_id = under_26(site.runtime, site.world, f"Trà hoa vàng {viewport}", "province_council")
    document_id = _upload(site, product_id, f"mau01-{viewport}.pdf")
    # A sheet with a criterion left unanswered is refused whole, in place, the choices kept.
    sign_in(page, site, COUNCIL[1])
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    first = next(iter(answers_for(_sheet(site, product_id), 80).items()))
    page.locator(f'[id="o-{first[0]}-{first[1]}"]').check()
    expect(page.locator("#running")).to_contain_text("đã chọn 1/")
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.locator("#sheet-status").get_by_role("alert")).to_contain_text(
        "còn tiêu chí chưa chọn mức")
    expect(page.locator(f'[id="o-{first[0]}-{first[1]}"]')).to_be_checked()
    page.get_by_role("button", name="Đăng xuất").click()

    _draft_half_and_come_back(page, site, product_id, viewport, screenshot_dir)
    for member in COUNCIL:
        _score(page, site, product_id, member, viewport, screenshot_dir, document_id)

    # The chair: quorum, totals, and each criterion members chose differently.
    sign_in(page, site, COUNCIL[0])
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    council = page.get_by_role("region", name="Hội đồng")
    expect(council).to_contain_text("Đã nộp 4/4 phiếu")
    disagreements = council.get_by_role("table", name="Tiêu chí thành viên chọn khác nhau")
    expect(disagreements).to_be_visible()
    expect(disagreements.get_by_role("row").nth(1)).to_contain_text("phiếu")
    # The dossier's PDF is shown in the page's frame (not refused by frame-ancestors,
    # which would leave the frame on Chromium's error page).
    document_url = f"{site.url}/api/v1/documents/{document_id}"
    page.get_by_role("link", name=f"mau01-{viewport}.pdf", exact=True).click()
    page.wait_for_load_state("load")
    frame = page.frame(name="dossier-frame")
    assert frame is not None and frame.url == document_url
    served = page.request.get(document_url)
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in served.headers["content-security-policy"]
    expect(page).to_have_url(f"{site.url}/san-pham/{product_id}/phieu-cham")
    page.wait_for_timeout(500)  # the PDF viewer draws the first page
    assert_accessible(page)
    if viewport == "360px":
        assert no_horizontal_scroll(page)
    # Viewport shots: a full-page one would misplace the sticky total and the frame.
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, screenshot_dir, "phieu-cham-hoi-dong", viewport, full_page=False)
    page.locator(".scoresheet-layout").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.scoresheet-layout').scrollIntoView()")
    page.wait_for_timeout(1000)
    shoot(page, screenshot_dir, "phieu-cham", viewport, full_page=False)
    expect(council).to_contain_text("Điểm trung bình: 80")
    close = page.get_by_role("form", name="Kết thúc đánh giá của hội đồng (chủ tịch)")
    close.get_by_role("button", name="Kết thúc đánh giá").click()
    expect(page.get_by_role("status").filter(has_text="Đã kết thúc đánh giá.")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    with site.runtime.reading() as session:
        product = session.get(Product, product_id)
        assert product is not None and product.state == "province_decision"
        assert product.score == 80

    sign_in(page, site, "province1")
    page.goto(f"{site.url}/san-pham/{product_id}")
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


# The certificate of TO_26["certified"] (decided 01/06/2026) expires on 01/06/2029; its
# re-rating is filed 150 days before, inside the window (Art. 7.6).
FILED = date(2029, 6, 1) - timedelta(days=150)


def _at_rerating(site: Site, name: str) -> int:
    product_id = under_26(site.runtime, site.world, name, "certified")
    clock = site.runtime.clock
    clock.fixed = datetime.combine(FILED, time(9), tzinfo=LOCAL_TZ).astimezone(UTC)
    try:
        fire(site.runtime, product_id, "submit_rerating", actor=PRODUCER_26)
        fire(site.runtime, product_id, "forward_rerating", actor=OFFICER_26,
             data={"origin_report": "Mẫu 03", "request_letter": "TTr"})
    finally:
        clock.fixed = None
    assert _state(site, product_id) == "rerating_review"
    return product_id


def test_the_chair_closes_a_re_rating_by_written_opinions_from_the_scoresheet(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    product_id = _at_rerating(site, f"Chè Shan tuyết {viewport}")
    sheet = _sheet(site, product_id)
    for member, total in zip(COUNCIL, (80, 70, 84, 86), strict=True):
        submit_options(site.runtime, product_id, actor=member,
                       answers=answers_for(sheet, total), opinion="Đồng ý")
    sign_in(page, site, COUNCIL[0])
    page.goto(f"{site.url}/san-pham/{product_id}/phieu-cham")
    council = page.get_by_role("region", name="Hội đồng")
    expect(council.get_by_role("table", name="Tiêu chí thành viên chọn khác nhau")).to_be_visible()
    close = page.get_by_role("form", name="Kết thúc đánh giá lại (chủ tịch)")
    close.get_by_role("button", name="Kết thúc đánh giá").click()
    error = page.locator("#close-error")
    expect(error).to_contain_text("chênh lệch 16 điểm")
    assert _state(site, product_id) == "rerating_review"
    close = page.get_by_role("form", name="Kết thúc đánh giá lại (chủ tịch)")
    expect(close.get_by_label("Biên bản thảo luận")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    if viewport == "360px":
        assert no_horizontal_scroll(page)
    error.scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "phieu-cham-ket-thuc", viewport, full_page=False)
    close.get_by_label("Biên bản thảo luận").fill("Họp ngày 05/01: thống nhất kết quả")
    close.get_by_role("button", name="Kết thúc đánh giá").click()
    expect(page.get_by_role("status").filter(has_text="Đã kết thúc đánh giá.")).to_be_visible()
    expect(page.get_by_role("region", name="Hội đồng")).to_contain_text(
        "Họp ngày 05/01: thống nhất kết quả")
    assert _state(site, product_id) == "province_decision"
