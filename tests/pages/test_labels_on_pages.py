"""Levels and certificate statuses on pages read as the one lookup's labels
(``domain.labels.label_of``), in the reader's language, never as a page's own wording."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, dossiers
from ocop_cycle.web.app import create_app
from tests.law_26_2026 import TO_26, Province26, register26, seat, walk26

PASSWORD = "một mật khẩu đủ dài"


@pytest.fixture
def clock() -> Clock:
    return Clock(fixed=datetime(2026, 6, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def qn(runtime: Runtime) -> Province26:
    return seat(runtime)


@pytest.fixture
def client(runtime: Runtime, qn: Province26) -> Iterator[TestClient]:
    runtime.settings.cookie_secure = False
    with runtime.transaction() as session:
        session.add_all(
            User(username=name, display_name=name, role="council_member")
            for name in ("hd.an", "hd.binh", "hd.chau")
        )
        session.flush()
        session.execute(
            update(User).values(password_hash=hash_password(PASSWORD), must_change_password=False)
        )
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def _sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    form = client.get("/dang-nhap").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    answer = client.post(
        "/dang-nhap",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def _cell_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_round_on_the_dashboard_is_named_by_its_levels_label_in_each_language(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    walk26(runtime, register26(runtime, qn), TO_26["province_council"])
    _sign_in(client, "tinh26")
    assert "Cấp tỉnh 2/2026" in _cell_text(client.get("/tong-quan").text)
    client.cookies.set("ocop_lang", "en")
    assert "Province level 2/2026" in _cell_text(client.get("/tong-quan").text)


def test_the_central_councils_level_keeps_its_capital_letters(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    council_id = councils.create_council(
        runtime, actor="quantri26", level="central", unit_code=None, chair="hd.an",
        members=["hd.an", "hd.binh", "hd.chau"],
    )["id"]
    _sign_in(client, "bo26")
    assert "Cấp Trung ương" in client.get(f"/hoi-dong/{council_id}").text
    _sign_in(client, "hd.an")
    assert "Cấp Trung ương" in client.get("/hoi-dong").text


def test_a_certificates_status_reads_as_its_label_in_each_language(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    walk26(runtime, register26(runtime, qn), TO_26["certified"])
    _sign_in(client, "tinh26")
    assert '<span class="tag">Còn hiệu lực</span>' in client.get("/chung-nhan").text
    client.cookies.set("ocop_lang", "en")
    assert '<span class="tag">Valid</span>' in client.get("/chung-nhan").text


def test_every_dossier_kind_has_its_label_in_both_languages() -> None:
    for kind in dossiers.KINDS:
        assert label_of("dossier_kind", kind, "vi") != kind
        assert label_of("dossier_kind", kind, "en") != kind


def test_the_dossier_page_names_each_kind_by_its_label_in_each_language(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = register26(runtime, qn)
    walk26(runtime, product_id, TO_26["certified"])
    _sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{product_id}/nop-ho-so").text
    assert all(label_of("dossier_kind", kind) in page for kind in dossiers.KINDS)
    client.cookies.set("ocop_lang", "en")
    page = client.get(f"/san-pham/{product_id}/nop-ho-so").text
    assert "First ranking" in page and "Higher star" in page and "Re-rating" in page
