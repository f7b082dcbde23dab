"""Administration pages over IDENTITY's rules: an admin adds, deactivates and resets
accounts; a province officer may not create an admin; others may not manage accounts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from ocop_cycle.db.models import User
from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.pages_support import csrf_of, landing_after_sign_in, sign_in


def test_admin_adds_an_officer_who_must_change_the_first_password(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    sign_in(client, "admin1")
    answer = client.post("/quan-tri/nguoi-dung", data={
        "username": "commune9", "name": "Cán bộ xã mới", "role": "commune_officer",
        "unit_code": world.commune, "password": "mật khẩu ban đầu 2026",
        "csrf_token": csrf_of(client, "/quan-tri/nguoi-dung"),
    }, follow_redirects=False)
    assert answer.headers["location"] == "/quan-tri/nguoi-dung?da=them"
    assert "commune9" in client.get("/quan-tri/nguoi-dung").text
    assert landing_after_sign_in(client, "commune9", "mật khẩu ban đầu 2026") == "/doi-mat-khau"


def test_admin_deactivates_an_account_and_its_sessions_stop(
    client: TestClient, runtime: Runtime
) -> None:
    producer = TestClient(client.app)
    assert landing_after_sign_in(producer, "producer1") == "/viec-can-lam"
    sign_in(client, "admin1")
    client.post("/quan-tri/nguoi-dung/producer1/ngung",
                data={"csrf_token": csrf_of(client, "/quan-tri/nguoi-dung")})
    with runtime.transaction() as session:
        assert session.scalars(select(User.active).where(User.username == "producer1")).one() is False
    assert producer.get("/viec-can-lam", follow_redirects=False).status_code == 303


def test_province_officer_may_not_create_an_admin_and_is_told_why(
    client: TestClient, runtime: Runtime
) -> None:
    sign_in(client, "province1")
    answer = client.post("/quan-tri/nguoi-dung", data={
        "username": "quantri2", "role": "admin",
        "csrf_token": csrf_of(client, "/quan-tri/nguoi-dung"),
    })
    assert answer.status_code == 403
    assert 'role="alert"' in answer.text
    with runtime.transaction() as session:
        assert session.scalars(select(User).where(User.username == "quantri2")).first() is None


def test_producer_may_not_open_the_accounts_page(client: TestClient) -> None:
    sign_in(client, "producer1")
    assert client.get("/quan-tri/nguoi-dung").status_code == 403


def test_adding_without_the_csrf_token_is_refused(client: TestClient, runtime: Runtime) -> None:
    sign_in(client, "admin1")
    answer = client.post("/quan-tri/nguoi-dung", data={"username": "x9", "role": "admin"})
    assert answer.status_code == 403
    with runtime.transaction() as session:
        assert session.scalars(select(User).where(User.username == "x9")).first() is None
