"""The administrative units page: the provinces loaded with their counts in each list and
a search, for an admin (every province) and a provincial office (its own); an admin loads
a province and converts to the 2025 units after a dry run, which lists the communes with
no single 2025 commune as a table and changes nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.db.models import AdminUnit, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people, units
from tests.conftest import ADMIN
from tests.pages_support import csrf_of, sign_in

TRA_BUI = "21142"  # Xã Trà Bùi, Huyện Trà Bồng: divided in 2025 between two communes


def _commune_of(runtime: Runtime, username: str) -> str | None:
    with runtime.reading() as session:
        return session.scalars(select(User.unit_code).where(User.username == username)).one()


def test_the_provincial_office_sees_its_province_with_its_counts_and_finds_a_commune(
    client: TestClient, runtime: Runtime
) -> None:
    units.load_province(runtime, "52", "legacy")
    sign_in(client, "province1")
    page = client.get("/quan-tri/don-vi").text
    assert "Quảng Ngãi" in page and "Bình Định" not in page
    assert re.search(r"Quảng Ngãi <small>\(51\)</small></td><td>13</td>", page)
    found = client.get("/quan-tri/don-vi", params={"q": "Đức Tân"}).text
    assert "<td>21427</td><td>Xã Đức Tân</td>" in found and "Huyện Mộ Đức" in found
    assert "Bình Định" not in client.get("/quan-tri/don-vi", params={"q": "Bình"}).text
    # Loading and converting are the administrator's.
    assert 'action="/quan-tri/don-vi/nap"' not in page
    answer = client.post("/quan-tri/don-vi/chuyen-doi",
                         data={"mode": "that", "csrf_token": csrf_of(client, "/quan-tri/don-vi")})
    assert answer.status_code == 403
    assert _commune_of(runtime, "commune1") == "21427"


def test_an_admin_sees_every_province_loaded(client: TestClient, runtime: Runtime) -> None:
    units.load_province(runtime, "52", "legacy")
    sign_in(client, ADMIN)
    page = client.get("/quan-tri/don-vi").text
    assert "Quảng Ngãi" in page and "Bình Định" in page


def test_an_admin_loads_the_2025_units_of_a_province(client: TestClient, runtime: Runtime) -> None:
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/nap", data={
        "province": "01", "scheme": "2025", "csrf_token": csrf_of(client, "/quan-tri/don-vi")},
        follow_redirects=False)
    assert answer.headers["location"] == "/quan-tri/don-vi?da=nap"
    with runtime.reading() as session:
        communes = session.scalar(select(func.count()).select_from(AdminUnit).where(
            AdminUnit.parent_code == "01", AdminUnit.scheme == "2025"))
    assert communes and communes > 100


def test_an_unknown_province_is_refused_next_to_the_form(
    client: TestClient, runtime: Runtime
) -> None:
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/nap", data={
        "province": "999", "scheme": "2025", "csrf_token": csrf_of(client, "/quan-tri/don-vi")})
    assert answer.status_code == 422 and 'role="alert"' in answer.text
    assert 'value="999"' in answer.text


def test_the_dry_run_lists_the_moves_and_changes_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/chuyen-doi", data={
        "mode": "thu", "csrf_token": csrf_of(client, "/quan-tri/don-vi")})
    assert answer.status_code == 200
    assert "Xã Đức Tân, Huyện Mộ Đức <small>(21427)</small></td><td>Xã Mộ Đức" in answer.text
    assert _commune_of(runtime, "commune1") == "21427"


def test_a_commune_divided_in_2025_is_shown_in_a_table_and_nothing_is_converted(
    client: TestClient, runtime: Runtime
) -> None:
    people.add_producer(runtime, actor=ADMIN, name="HTX Quế Trà Bùi", type="cooperative",
                        commune_code=TRA_BUI)
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/chuyen-doi", data={
        "mode": "that", "csrf_token": csrf_of(client, "/quan-tri/don-vi")})
    assert answer.status_code == 422
    assert re.search(r"<td>21142 Xã Trà Bùi, Huyện Trà Bồng, Tỉnh Quảng Ngãi</td>"
                     r"<td>năm 2025 được chia cho 2 xã", answer.text)
    assert _commune_of(runtime, "commune1") == "21427"


def test_the_conversion_moves_the_officers_and_says_how_many(
    client: TestClient, runtime: Runtime
) -> None:
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/chuyen-doi", data={
        "mode": "that", "csrf_token": csrf_of(client, "/quan-tri/don-vi")},
        follow_redirects=False)
    assert answer.status_code == 303 and "da=chuyen_doi" in answer.headers["location"]
    assert _commune_of(runtime, "commune1") == "21400"
    assert "Đã chuyển sang đơn vị hành chính 2025" in client.get(answer.headers["location"]).text


def test_converting_without_the_csrf_token_is_refused(client: TestClient, runtime: Runtime) -> None:
    sign_in(client, ADMIN)
    answer = client.post("/quan-tri/don-vi/chuyen-doi", data={"mode": "that"})
    assert answer.status_code == 403
    assert _commune_of(runtime, "commune1") == "21427"


@pytest.mark.parametrize("username", ["producer1", "commune1", "district1"])
def test_others_may_not_open_the_units_page(client: TestClient, username: str) -> None:
    sign_in(client, username)
    assert client.get("/quan-tri/don-vi").status_code == 403
