"""Revoking a certificate from its own form (Decision 26/2026 Art. 8): the six grounds
with their labels, the conclusion and its date; the level that certified revokes, any
other is refused next to the form with the engine's message and nothing changes; a
certificate outside the jurisdiction is not found."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ocop_cycle.db.models import Certificate, History, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import units
from tests.law_26_2026 import (
    TO_26,
    Province26,
    decision_day_clock_fixture,  # noqa: F401
    qn_fixture,  # noqa: F401
    register26,
    walk26,
)
from tests.pages_support import csrf_of, open_pages, sign_in


@pytest.fixture
def certified(runtime: Runtime, qn: Province26) -> tuple[int, int]:
    """A 4★ product certified by the province: (product id, certificate id)."""
    product_id = register26(runtime, qn)
    view = walk26(runtime, product_id, TO_26["certified"])
    return product_id, int(view["certificate"]["id"])


@pytest.fixture
def client(runtime: Runtime, qn: Province26) -> Iterator[TestClient]:
    units.load_province(runtime, "01", "2025")
    with runtime.transaction() as session:
        session.add(User(username="tinh_hn", display_name="Cán bộ Hà Nội",
                         role="province_officer", unit_code="01"))
    with open_pages(runtime) as pages:
        yield pages


def _status(runtime: Runtime, certificate_id: int) -> tuple[str, str | None]:
    with runtime.reading() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None
        return certificate.status, certificate.revocation_ground


def test_the_product_page_leads_the_province_to_the_revocation_form(
    client: TestClient, certified: tuple[int, int]
) -> None:
    product_id, certificate_id = certified
    sign_in(client, "tinh26")
    page = client.get(f"/san-pham/{product_id}").text
    assert f'href="/chung-nhan/{certificate_id}/thu-hoi"' in page
    assert f'action="/san-pham/{product_id}/thao-tac/revoke"' not in page


def test_the_form_lists_the_six_grounds_of_article_8_in_vietnamese_and_english(
    client: TestClient, certified: tuple[int, int]
) -> None:
    _product_id, certificate_id = certified
    sign_in(client, "tinh26")
    form = client.get(f"/chung-nhan/{certificate_id}/thu-hoi").text
    assert re.findall(r'name="ground" value="([a-z]+)"', form) == ["a", "b", "c", "d", "dd", "e"]
    assert "<strong>đ)</strong> Chủ thể không còn hoạt động sản xuất sản phẩm OCOP" in form
    assert 'for="f-conclusion"' in form and 'for="f-conclusion_date"' in form
    client.cookies.set("ocop_lang", "en")
    english = client.get(f"/chung-nhan/{certificate_id}/thu-hoi").text
    assert "The producer no longer makes the product" in english


def test_the_province_revokes_its_certificate_on_ground_dd_with_the_conclusion(
    client: TestClient, runtime: Runtime, certified: tuple[int, int]
) -> None:
    product_id, certificate_id = certified
    sign_in(client, "tinh26")
    path = f"/chung-nhan/{certificate_id}/thu-hoi"
    answer = client.post(path, data={
        "ground": "dd", "conclusion": "KL 15/KL-SNNMT", "conclusion_date": "2026-05-28",
        "decision_number": "88/QĐ-UBND", "comment": "Cơ sở đã ngừng sản xuất", "csrf_token": csrf_of(client, path),
    }, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/san-pham/{product_id}?da=revoke"
    assert _status(runtime, certificate_id) == ("revoked", "dd")
    with runtime.reading() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None and certificate.revocation_decision == "88/QĐ-UBND"
    with runtime.reading() as session:
        last = session.scalars(select(History).where(History.product_id == product_id)
                               .order_by(History.id.desc())).first()
        assert last is not None and last.trigger == "revoke"
        assert last.comment == "Cơ sở đã ngừng sản xuất"
        assert last.data["conclusion"] == "KL 15/KL-SNNMT"


def test_the_ministry_may_not_revoke_a_provincial_certificate_and_nothing_changes(
    client: TestClient, runtime: Runtime, certified: tuple[int, int]
) -> None:
    _product_id, certificate_id = certified
    sign_in(client, "bo26")
    path = f"/chung-nhan/{certificate_id}/thu-hoi"
    answer = client.post(path, data={
        "ground": "c", "conclusion": "KL 1", "conclusion_date": "2026-05-28",
        "csrf_token": csrf_of(client, path),
    })
    assert answer.status_code == 409
    assert 'role="alert"' in answer.text and "khoản 2 Điều 8" in answer.text
    assert 'value="KL 1"' in answer.text  # what was typed is kept
    assert _status(runtime, certificate_id) == ("active", None)


def test_an_empty_conclusion_is_named_next_to_its_field(
    client: TestClient, runtime: Runtime, certified: tuple[int, int]
) -> None:
    _product_id, certificate_id = certified
    sign_in(client, "tinh26")
    path = f"/chung-nhan/{certificate_id}/thu-hoi"
    answer = client.post(path, data={"ground": "a", "conclusion_date": "2026-05-28",
                                     "csrf_token": csrf_of(client, path)})
    assert answer.status_code == 422
    assert 'id="f-conclusion-error"' in answer.text
    assert _status(runtime, certificate_id) == ("active", None)


def test_revoking_without_the_csrf_token_is_refused(
    client: TestClient, runtime: Runtime, certified: tuple[int, int]
) -> None:
    _product_id, certificate_id = certified
    sign_in(client, "tinh26")
    answer = client.post(f"/chung-nhan/{certificate_id}/thu-hoi", data={
        "ground": "a", "conclusion": "KL 1", "conclusion_date": "2026-05-28"})
    assert answer.status_code == 403
    assert _status(runtime, certificate_id) == ("active", None)


def test_a_certificate_of_another_province_is_not_found(
    client: TestClient, runtime: Runtime, certified: tuple[int, int]
) -> None:
    _product_id, certificate_id = certified
    sign_in(client, "tinh_hn")
    path = f"/chung-nhan/{certificate_id}/thu-hoi"
    assert client.get(path).status_code == 404
    answer = client.post(path, data={
        "ground": "a", "conclusion": "KL 1", "conclusion_date": "2026-05-28",
        "csrf_token": csrf_of(client, "/chung-nhan")})
    assert answer.status_code == 404
    assert _status(runtime, certificate_id) == ("active", None)
