"""Officers' journeys in a real browser: sign in, the inbox, a product page, an action
taken and an action refused, sign out. Each runs at desktop width and at 360 px."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from ocop_cycle.db.models import History, Product
from tests.browser.conftest import (
    Site,
    assert_accessible,
    no_horizontal_scroll,
    product_named,
    shoot,
    sign_in,
)


def _state_and_history(site: Site, product_id: int) -> tuple[str, int]:
    with site.runtime.transaction() as session:
        state = session.scalars(select(Product.state).where(Product.id == product_id)).one()
        count = session.scalar(
            select(func.count()).select_from(History).where(History.product_id == product_id)
        )
        return state, int(count or 0)


def test_officer_signs_in_to_the_inbox_and_out_again(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    idea = product_named(site.runtime, site.world, f"Nước mắm {viewport}", "idea_registered")
    page.goto(f"{site.url}/viec-can-lam")
    expect(page).to_have_url(f"{site.url}/dang-nhap?next=%2Fviec-can-lam")
    assert_accessible(page)
    shoot(page, screenshot_dir, "dang-nhap", viewport)
    page.get_by_label("Tên đăng nhập").fill("commune1")
    page.get_by_label("Mật khẩu").fill("mật khẩu thử nghiệm 2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{site.url}/viec-can-lam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    card = page.get_by_role("listitem").filter(has_text=f"Nước mắm {viewport}")
    expect(card).to_contain_text("Chấp nhận ý tưởng")
    expect(page.get_by_role("link", name=f"Nước mắm {viewport}")).to_have_attribute(
        "href", f"/san-pham/{idea}"
    )
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "viec-can-lam", viewport)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất.")
    page.goto(f"{site.url}/viec-can-lam")
    expect(page).to_have_url(f"{site.url}/dang-nhap?next=%2Fviec-can-lam")


def test_wrong_password_is_shown_next_to_the_password_field(
    page: Page, site: Site, viewport: str
) -> None:
    sign_in(page, site, "commune1", "không phải mật khẩu này")
    password = page.get_by_label("Mật khẩu")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-password-error")).to_have_text(
        "Tên đăng nhập hoặc mật khẩu không đúng"
    )
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("commune1")
    assert_accessible(page)


def test_commune_officer_approves_an_idea_from_its_product_page(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    idea = product_named(site.runtime, site.world, f"Bánh xèo {viewport}", "idea_registered")
    sign_in(page, site, "commune1")
    page.goto(f"{site.url}/san-pham/{idea}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bánh xèo {viewport}")
    expect(page.locator(".state")).to_have_text("Đã đăng ký ý tưởng")
    assert_accessible(page)
    shoot(page, screenshot_dir, "san-pham", viewport)
    page.locator("summary", has_text="Chấp nhận ý tưởng").first.click()
    form = page.get_by_role("form", name="Chấp nhận ý tưởng", exact=True)
    form.get_by_label("Ý kiến").fill("Nguyên liệu tại địa phương, đủ điều kiện")
    form.get_by_role("button", name="Chấp nhận ý tưởng").click()
    expect(page).to_have_url(f"{site.url}/san-pham/{idea}?da=approve_idea")
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
    assert _state_and_history(site, idea)[0] == "plan_preparation"
    expect(page.locator(".timeline")).to_contain_text("Nguyên liệu tại địa phương, đủ điều kiện")


def test_refused_action_shows_the_engines_message_and_changes_nothing(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    product = product_named(
        site.runtime, site.world, f"Mật ong {viewport}", "district_evaluation"
    )
    before = _state_and_history(site, product)
    sign_in(page, site, "district1")
    page.goto(f"{site.url}/san-pham/{product}")
    page.locator("summary", has_text="Kết thúc đánh giá cấp huyện").click()
    form = page.get_by_role("form", name="Kết thúc đánh giá cấp huyện")
    form.get_by_label("Điểm").fill("120")
    form.get_by_role("button", name="Kết thúc đánh giá cấp huyện").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Không thực hiện được, không có gì thay đổi")
    expect(alert).to_contain_text("120")
    retyped = page.get_by_role("form", name="Kết thúc đánh giá cấp huyện").get_by_label("Điểm")
    expect(retyped).to_have_value("120")
    assert _state_and_history(site, product) == before
    assert_accessible(page)
    shoot(page, screenshot_dir, "thao-tac-bi-tu-choi", viewport)


def test_product_outside_the_officers_commune_does_not_exist_for_them(
    page: Page, site: Site, viewport: str
) -> None:
    from ocop_cycle.services.products import register_product

    elsewhere = register_product(
        site.runtime, name=f"Bánh tráng {viewport}", producer_id=site.world.other_producer_id,
        group="food", actor="commune2", workflow="ocop-148",
    )
    sign_in(page, site, "commune1")
    answer = page.goto(f"{site.url}/san-pham/{elsewhere['id']}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
    page.goto(f"{site.url}/san-pham?q=B%C3%A1nh+tr%C3%A1ng")
    expect(page.get_by_text("Không có sản phẩm nào khớp")).to_be_visible()


def test_province_officer_reads_the_dashboard_and_a_producer_may_not(
    page: Page, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    sign_in(page, site, "province1")
    page.get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    expiring = page.get_by_role("region", name="Giấy chứng nhận hết hạn trong 12 tháng tới")
    expect(expiring.get_by_role("link", name="Tỏi đen Đức Tân")).to_be_visible()
    states = page.get_by_role("region", name="Sản phẩm theo trạng thái")
    expect(states).to_contain_text("Đã được công nhận OCOP")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, screenshot_dir, "tong-quan", viewport)
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, site, "producer1")
    expect(page.get_by_role("link", name="Tổng quan")).to_have_count(0)
    answer = page.goto(f"{site.url}/tong-quan")
    assert answer is not None and answer.status == 403
