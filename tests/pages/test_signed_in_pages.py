"""Signed-in pages, in-process: sign-in, CSRF on every unsafe form, the inbox, a refused
action, change of password, and the English of every phrase the templates show."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import History, Product
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.pages.messages import ENGLISH
from tests.conftest import World
from tests.flows import product_in
from tests.pages_support import PASSWORD, csrf_in, landing_after_sign_in, sign_in

TEMPLATES = Path(__file__).parents[2] / "ocop_cycle" / "web" / "templates"


def test_sign_in_sets_an_httponly_lax_session_cookie_and_lands_on_the_inbox(
    client: TestClient,
) -> None:
    form = client.get("/dang-nhap")
    answer = client.post(
        "/dang-nhap",
        data={"username": "commune1", "password": PASSWORD, "csrf_token": csrf_in(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/viec-can-lam"
    cookies = answer.headers.get_list("set-cookie")
    cookie = next(value for value in cookies if value.startswith("ocop_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_sign_in_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/dang-nhap")
    answer = client.post(
        "/dang-nhap", data={"username": "commune1", "password": PASSWORD, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "ocop_session" not in answer.headers.get("set-cookie", "")


def test_sign_in_never_redirects_to_another_site(client: TestClient) -> None:
    form = client.get("/dang-nhap")
    answer = client.post(
        "/dang-nhap",
        data={"username": "commune1", "password": PASSWORD, "csrf_token": csrf_in(form.text),
              "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_action_without_the_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product = product_in(runtime, world.producer_id, "idea_registered")
    sign_in(client, "commune1")
    answer = client.post(f"/san-pham/{product}/thao-tac/approve_idea", data={"comment": "ok"})
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    with runtime.transaction() as session:
        assert session.get(Product, product).state == "idea_registered"  # type: ignore[union-attr]


def test_refused_action_answers_409_with_the_engines_message_and_changes_nothing(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product = product_in(runtime, world.producer_id, "idea_registered")
    sign_in(client, "commune1")
    page = client.get(f"/san-pham/{product}")
    with runtime.transaction() as session:
        before = session.scalar(select(func.count()).select_from(History))
    answer = client.post(
        f"/san-pham/{product}/thao-tac/return_idea", data={"csrf_token": csrf_in(page.text)}
    )
    assert answer.status_code in (409, 422)
    assert "Không thực hiện được, không có gì thay đổi" in answer.text
    assert 'role="alert"' in answer.text
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(History)) == before
        assert session.get(Product, product).state == "idea_registered"  # type: ignore[union-attr]


def test_inbox_lists_work_soonest_due_first_and_marks_what_is_overdue(
    client: TestClient, runtime: Runtime, world: World, clock: Clock
) -> None:
    first = product_in(runtime, world.producer_id, "idea_registered")
    clock.fixed = datetime(2024, 3, 20, 2, 0, tzinfo=UTC)
    second = product_in(runtime, world.producer_id, "idea_registered")
    clock.fixed = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
    sign_in(client, "commune1")
    page = client.get("/viec-can-lam").text
    assert page.index(f'href="/san-pham/{first}"') < page.index(f'href="/san-pham/{second}"')
    assert "quá hạn" in page


def test_producer_sees_no_actions_of_the_commune_officer(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product = product_in(runtime, world.producer_id, "idea_registered")
    sign_in(client, "producer1")
    page = client.get(f"/san-pham/{product}").text
    assert "Chấp nhận ý tưởng" not in page.split('id="h-history"')[0].split("Thao tác")[1]


def test_other_producers_product_is_not_found(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product = product_in(runtime, world.producer_id, "idea_registered")
    sign_in(client, "producer2")
    assert client.get(f"/san-pham/{product}").status_code == 404


def test_pages_need_a_session_and_send_strangers_to_sign_in(client: TestClient) -> None:
    for path in ("/viec-can-lam", "/san-pham", "/san-pham/1", "/doi-mat-khau"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/dang-nhap?next=")


def test_changing_the_password_ends_the_session_and_the_new_one_works(
    client: TestClient,
) -> None:
    sign_in(client, "district1")
    page = client.get("/doi-mat-khau")
    mismatch = client.post(
        "/doi-mat-khau",
        data={"current": PASSWORD, "new": "mật khẩu mới rất dài", "repeat": "khác hẳn",
              "csrf_token": csrf_in(page.text)},
    )
    assert mismatch.status_code == 422
    assert 'id="f-repeat-error"' in mismatch.text
    changed = client.post(
        "/doi-mat-khau",
        data={"current": PASSWORD, "new": "mật khẩu mới rất dài", "repeat": "mật khẩu mới rất dài",
              "csrf_token": csrf_in(page.text)},
        follow_redirects=False,
    )
    assert changed.headers["location"] == "/dang-nhap?da_doi_mat_khau=1"
    assert client.get("/viec-can-lam", follow_redirects=False).status_code == 303
    assert landing_after_sign_in(client, "district1", "mật khẩu mới rất dài") == "/viec-can-lam"


def test_every_phrase_the_templates_show_has_its_english() -> None:
    phrases: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        phrases |= set(re.findall(r"""f\.t\(["']([^"']+)["']""", template.read_text()))
    missing = sorted(phrase for phrase in phrases if phrase not in ENGLISH)
    assert not missing, missing


def test_every_message_the_page_code_shows_has_its_english() -> None:
    from ocop_cycle.web.pages import failures, signin

    shown = {*failures._FIELD_MESSAGES.values(), *failures._TITLES.values(),
             signin.WRONG, signin.RATE_LIMITED, *signin._NOTICES.values()}
    assert not sorted(text for text in shown if text not in ENGLISH)


def test_inbox_leaves_out_certified_products_whose_upgrade_may_be_filed_any_time(
    client: TestClient, runtime: Runtime, world: World, clock: Clock
) -> None:
    clock.fixed = datetime(2024, 6, 25, 2, 0, tzinfo=UTC)
    certified = product_in(runtime, world.producer_id, "certified")
    waiting = product_in(runtime, world.producer_id, "idea_registered")
    sign_in(client, "commune1")
    page = client.get("/viec-can-lam").text
    assert f'href="/san-pham/{waiting}"' in page
    assert f'href="/san-pham/{certified}"' not in page


def test_producers_inbox_holds_the_plan_they_must_write(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    plan = product_in(runtime, world.producer_id, "plan_preparation")
    at_district = product_in(runtime, world.producer_id, "district_evaluation")
    sign_in(client, "producer1")
    page = client.get("/viec-can-lam").text
    assert f'href="/san-pham/{plan}"' in page
    assert f'href="/san-pham/{at_district}"' not in page


def test_producer_reads_the_notice_of_their_certificate_and_no_one_elses(
    client: TestClient, runtime: Runtime, world: World, clock: Clock
) -> None:
    clock.fixed = datetime(2024, 6, 25, 2, 0, tzinfo=UTC)
    product_in(runtime, world.producer_id, "certified")
    sign_in(client, "producer1")
    page = client.get("/thong-bao").text
    assert "Tỏi Lý Sơn" in page
    assert "htx.ductan@example.vn" in page or "HTX Nông nghiệp Đức Tân" in page
    assert "certificate_issued" not in page  # the subject, rendered from the mail template
    sign_in(client, "producer2")
    assert "Tỏi Lý Sơn" not in client.get("/thong-bao").text
