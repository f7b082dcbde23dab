"""Sign-in lockout in a real browser: five wrong passwords in 15 minutes lock the account
and the address (IDENTITY's rule); the page says so and when to try again, and even the
right password is refused until then. Each run gets its own server: the lock is per address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Site, assert_accessible, running_site, shoot, sign_in


@pytest.fixture
def fresh_site(tmp_path: Path) -> Iterator[Site]:
    with running_site(tmp_path) as started:
        yield started


def test_five_wrong_passwords_lock_the_sign_in_and_say_when_to_retry(
    page: Page, fresh_site: Site, viewport: str, screenshot_dir: Path
) -> None:
    for _ in range(5):
        sign_in(page, fresh_site, "district1", "sai mật khẩu rồi")
        expect(page.locator("#f-password-error")).to_be_visible()
    with page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        sign_in(page, fresh_site, "district1", PASSWORD)
    assert posted.value.status == 429
    assert int(posted.value.headers["retry-after"]) > 0
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.")
    expect(page).to_have_url(f"{fresh_site.url}/dang-nhap")
    assert_accessible(page)
    shoot(page, screenshot_dir, "dang-nhap-bi-khoa", viewport)
    page.goto(f"{fresh_site.url}/viec-can-lam")
    expect(page).to_have_url(f"{fresh_site.url}/dang-nhap?next=%2Fviec-can-lam")
