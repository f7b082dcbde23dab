"""``GET /councils`` answers what the councils page shows: a council member the councils
they sit on, an officer those of their jurisdiction, central officers and admins all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ocop_cycle.identity import accounts
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, units
from tests.web.conftest import PASSWORD, Province, bearer

QUANG_NAM = "49"


@pytest.fixture
def two_councils(web_runtime: Runtime, province: Province) -> dict[str, int]:
    """Quảng Ngãi's council (member1 sits on it) and Quảng Nam's, whose officer signs in."""
    units.load_province(web_runtime, QUANG_NAM, "legacy")
    for name in ("member2", "member3", "member4"):
        accounts.add_user(web_runtime, name, actor="admin1", role="council_member")
    accounts.add_user(
        web_runtime, "quangnam1", actor="admin1", role="province_officer",
        unit_code=QUANG_NAM, password=PASSWORD, must_change_password=False,
    )
    ours = councils.create_council(
        web_runtime, actor="admin1", level="province", unit_code=province.province,
        chair="member1", members=["member1", "member2", "member3"],
    )["id"]
    theirs = councils.create_council(
        web_runtime, actor="admin1", level="province", unit_code=QUANG_NAM,
        chair="member2", members=["member2", "member3", "member4"],
    )["id"]
    return {"ours": ours, "theirs": theirs}


def _listed(client: TestClient, username: str) -> list[int]:
    answer = client.get("/api/v1/councils", headers=bearer(client, username))
    assert answer.status_code == 200, answer.text
    return [council["id"] for council in answer.json()]


def test_a_province_officer_sees_only_their_province_councils(
    client: TestClient, two_councils: dict[str, int]
) -> None:
    assert _listed(client, "province1") == [two_councils["ours"]]
    assert _listed(client, "quangnam1") == [two_councils["theirs"]]
    ours = client.get(
        f"/api/v1/councils/{two_councils['ours']}", headers=bearer(client, "quangnam1")
    )
    assert ours.status_code == 404


def test_a_district_officer_sees_no_province_council(
    client: TestClient, two_councils: dict[str, int]
) -> None:
    assert _listed(client, "district1") == []


def test_central_officers_and_admins_see_every_council(
    client: TestClient, two_councils: dict[str, int]
) -> None:
    everyone = [two_councils["ours"], two_councils["theirs"]]
    assert _listed(client, "central1") == everyone
    assert _listed(client, "admin1") == everyone


def test_a_council_member_sees_the_councils_they_sit_on(
    client: TestClient, two_councils: dict[str, int]
) -> None:
    assert _listed(client, "member1") == [two_councils["ours"]]
    theirs = client.get(
        f"/api/v1/councils/{two_councils['theirs']}", headers=bearer(client, "member1")
    )
    assert theirs.status_code == 404
    ours = client.get(
        f"/api/v1/councils/{two_councils['ours']}", headers=bearer(client, "member1")
    )
    assert ours.status_code == 200 and ours.json()["chair"] == "member1"


@pytest.mark.parametrize("username", ["producer1", "commune1"])
def test_producers_and_commune_officers_are_refused_as_on_the_councils_page(
    client: TestClient, two_councils: dict[str, int], username: str
) -> None:
    answer = client.get("/api/v1/councils", headers=bearer(client, username))
    assert answer.status_code == 403
