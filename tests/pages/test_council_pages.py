"""The councils pages: a provincial office sets up a council of its province with members
chosen from the council members' accounts, changes its members and chair (audited), and
never sees a council of another province; the services' refusals change nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.db.models import AuditEvent, Council, Evaluation
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, units
from ocop_cycle.services.sheet_drafts import save_draft
from ocop_cycle.web.app import create_app
from ocop_cycle.workflow.sheets import sheet_for
from tests.conftest import ADMIN, World
from tests.law_26_2026 import seat
from tests.pages_support import csrf_of, give_everyone_the_password, open_pages, sign_in
from tests.sheets_support import (
    MEMBERS_26,
    answers_for,
    product_at_council,
    province_with_council_26,
    seat_council_26,
    submit,
)

MEMBERS = ["hd.an", "hd.binh", "hd.chau", "hd.dung"]


@pytest.fixture
def client(runtime: Runtime, world: World) -> Iterator[TestClient]:
    add = partial(add_user, runtime, actor=ADMIN, role="council_member")
    for username in MEMBERS:
        add(username, name=f"Thành viên {username}")
    with open_pages(runtime) as pages:
        yield pages


def _councils(runtime: Runtime) -> int:
    with runtime.reading() as session:
        return session.scalar(select(func.count()).select_from(Council)) or 0


def test_the_provincial_office_sets_up_its_provincial_council_and_sees_it_listed(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    sign_in(client, "province1")
    form = client.get("/hoi-dong").text
    assert 'for="m-hd.an"' in form and 'id="f-chair"' in form
    answer = client.post("/hoi-dong", data={
        "level": "province", "unit_code": world.province, "chair": "hd.binh",
        "members": ["hd.an", "hd.binh", "hd.chau"], "csrf_token": csrf_of(client, "/hoi-dong"),
    }, follow_redirects=False)
    assert answer.status_code == 303
    council_id = int(answer.headers["location"].split("/")[-1].split("?")[0])
    shown = councils.show_council(runtime, council_id)
    assert shown["chair"] == "hd.binh" and shown["unit"]["code"] == world.province
    listed = client.get("/hoi-dong").text
    assert f'href="/hoi-dong/{council_id}"' in listed
    assert "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng Ngãi" in listed
    assert "Đã thành lập hội đồng." in client.get(answer.headers["location"]).text


def test_a_council_of_two_members_is_refused_next_to_the_form_and_nothing_is_set_up(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    sign_in(client, "province1")
    answer = client.post("/hoi-dong", data={
        "level": "province", "unit_code": world.province, "chair": "hd.an",
        "members": ["hd.an", "hd.binh"], "csrf_token": csrf_of(client, "/hoi-dong"),
    })
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text and "ít nhất 3 thành viên" in answer.text
    # What was chosen is kept.
    assert re.search(r'value="hd.binh" checked', answer.text)
    assert _councils(runtime) == 0


def test_setting_up_a_council_without_the_csrf_token_is_refused(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    sign_in(client, "province1")
    answer = client.post("/hoi-dong", data={
        "level": "province", "unit_code": world.province, "chair": "hd.an",
        "members": ["hd.an", "hd.binh", "hd.chau"],
    })
    assert answer.status_code == 403
    assert _councils(runtime) == 0


@pytest.fixture
def council_id(client: TestClient, runtime: Runtime, world: World) -> int:
    """The provincial council hd.an chairs, with hd.binh and hd.chau (their accounts come
    with the client)."""
    return int(councils.create_council(
        runtime, actor=ADMIN, level="province", unit_code=world.province, chair="hd.an",
        members=["hd.an", "hd.binh", "hd.chau"],
    )["id"])


def test_changing_the_members_and_chair_is_audited(
    client: TestClient, runtime: Runtime, council_id: int
) -> None:
    sign_in(client, "province1")
    page = f"/hoi-dong/{council_id}"
    assert re.search(r'value="hd.chau" checked', client.get(page).text)
    answer = client.post(page, data={
        "chair": "hd.dung", "members": ["hd.an", "hd.binh", "hd.dung"],
        "csrf_token": csrf_of(client, page),
    }, follow_redirects=False)
    assert answer.headers["location"] == f"{page}?da=doi"
    shown = councils.show_council(runtime, council_id)
    assert shown["chair"] == "hd.dung"
    assert [m["username"] for m in shown["members"]] == ["hd.an", "hd.binh", "hd.dung"]
    with runtime.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "council_changed")
        ).one()
        assert event.actor == "province1"


def test_a_chair_outside_the_members_is_refused_and_the_council_is_unchanged(
    client: TestClient, runtime: Runtime, council_id: int
) -> None:
    sign_in(client, "province1")
    page = f"/hoi-dong/{council_id}"
    answer = client.post(page, data={
        "chair": "hd.dung", "members": ["hd.an", "hd.binh", "hd.chau"],
        "csrf_token": csrf_of(client, page),
    })
    assert answer.status_code == 422 and "phải là một trong các thành viên" in answer.text
    assert councils.show_council(runtime, council_id)["chair"] == "hd.an"


def test_a_council_of_another_province_is_not_found_and_not_listed(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    units.load_province(runtime, "52", "legacy")
    other = councils.create_council(
        runtime, actor=ADMIN, level="province", unit_code="52", chair="hd.an",
        members=["hd.an", "hd.binh", "hd.chau"],
    )["id"]
    sign_in(client, "province1")
    assert f'href="/hoi-dong/{other}"' not in client.get("/hoi-dong").text
    assert client.get(f"/hoi-dong/{other}").status_code == 404
    answer = client.post(f"/hoi-dong/{other}", data={
        "chair": "hd.dung", "members": ["hd.an", "hd.binh", "hd.dung"],
        "csrf_token": csrf_of(client, "/hoi-dong"),
    })
    assert answer.status_code == 404
    assert councils.show_council(runtime, other)["chair"] == "hd.an"
    sign_in(client, ADMIN)
    assert f'href="/hoi-dong/{other}"' in client.get("/hoi-dong").text


@pytest.mark.parametrize("username", ["producer1", "commune1"])
def test_producers_and_communes_may_not_manage_councils(client: TestClient, username: str) -> None:
    sign_in(client, username)
    assert client.get("/hoi-dong").status_code == 403
    assert 'href="/hoi-dong"' not in client.get("/viec-can-lam").text


def test_a_council_member_sees_their_own_councils_but_may_not_manage_any(
    client: TestClient, runtime: Runtime, world: World, council_id: int
) -> None:
    sign_in(client, "hd.dung")
    assert "Bạn chưa là thành viên hội đồng nào." in client.get("/hoi-dong").text
    sign_in(client, "hd.binh")
    assert 'href="/hoi-dong"' in client.get("/viec-can-lam").text
    page = client.get("/hoi-dong")
    assert page.status_code == 200 and "Hội đồng của tôi" in page.text
    assert "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng Ngãi" in page.text
    assert "Hội đồng chưa đánh giá sản phẩm nào." in page.text
    assert 'name="level"' not in page.text
    assert client.get(f"/hoi-dong/{council_id}").status_code == 403
    refused = client.post("/hoi-dong", data={
        "level": "province", "unit_code": world.province, "chair": "hd.binh",
        "members": ["hd.an", "hd.binh", "hd.chau"], "csrf_token": csrf_of(client, "/hoi-dong"),
    })
    assert refused.status_code == 403 and _councils(runtime) == 1


@pytest.fixture
def evaluating(runtime: Runtime) -> tuple[Runtime, list[int]]:
    """A provincial council of 26/2026 scoring two products: one member has submitted the
    first, drafted the second; passwords set for the members."""
    province = province_with_council_26(runtime)
    products = [product_at_council(runtime, province), product_at_council(runtime, province)]
    sheet = sheet_for(1)
    submit(runtime, products[0], MEMBERS_26[1], answers_for(sheet, 78))
    save_draft(runtime, products[1], actor=MEMBERS_26[1], answers={"1.1": 0})
    give_everyone_the_password(runtime)
    return runtime, products


def test_a_member_sees_each_product_evaluated_now_with_where_their_sheet_stands(
    evaluating: tuple[Runtime, list[int]]
) -> None:
    runtime, (first, second) = evaluating
    runtime.settings.cookie_secure = False
    with TestClient(create_app(runtime)) as client:
        sign_in(client, MEMBERS_26[1])
        page = client.get("/hoi-dong").text
        rows = {
            int(found.group(1)): found.group(2)
            for found in re.finditer(
                r'<a href="/san-pham/(\d+)">.*?<strong class="sheet-(\w+)">', page, re.S
            )
        }
        assert rows == {first: "submitted", second: "draft"}
        assert f'href="/san-pham/{second}/phieu-cham"' in page
        assert "Đã nộp" in page and "Bản nháp" in page
        sign_in(client, MEMBERS_26[2])
        other = client.get("/hoi-dong").text
        assert other.count('class="sheet-missing"') == 2 and "Chấm điểm" in other


def test_the_councils_page_asks_to_sign_in_first(client: TestClient) -> None:
    answer = client.get("/hoi-dong", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap")


def test_a_product_that_entered_evaluation_before_the_council_was_seated_is_listed(
    runtime: Runtime,
) -> None:
    """Its evaluation binds a council only at the first sheet: until then it shows under
    the level's current council, or no member would find it to score."""
    province = seat(runtime)
    product_id = product_at_council(runtime, province)
    seat_council_26(runtime, province)
    with runtime.reading() as session:
        assert session.scalars(select(Evaluation.council_id)).one() is None
    seats = councils.sits_on(runtime, MEMBERS_26[1])
    assert seats is not None and len(seats) == 1
    assert [(e["product_id"], e["my_sheet"]) for e in seats[0]["evaluating"]] == [
        (product_id, "missing")
    ]
    assert seats[0]["evaluating"][0]["state_label"]["vi"] == "Hội đồng cấp tỉnh đánh giá"
    assert councils.sits_on(runtime, "tinh26") is None
