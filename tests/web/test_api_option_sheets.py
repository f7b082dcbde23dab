"""The option-level sheets of Decision 26/2026 over HTTP (in-process client): the set's
template, a member's sheet and the producer's self-assessment, the council's result with
its star minimums, and a knock-out by the council chair."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ocop_cycle.identity.apitokens import create_token
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.app import create_app
from tests.law_26_2026 import (
    Province26,
    decision_day_clock_fixture,  # noqa: F401
)
from tests.scoring_support import snapshot
from tests.sheets_support import (
    MEMBERS_26,
    SET_1,
    answers_for,
    product_at_council,
    qn_with_council_fixture,  # noqa: F401
)


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), base_url="http://127.0.0.1") as test_client:
        yield test_client


def auth(runtime: Runtime, username: str) -> dict[str, str]:
    token = create_token(runtime, username, actor="quantri26", label="kiểm thử").token
    return {"Authorization": f"Bearer {token}"}


def scoring_rows(runtime: Runtime) -> dict[str, object]:
    """The scoring tables (signing in with a token writes its last use elsewhere)."""
    tables = ("products", "evaluations", "score_sheets", "sheet_choices", "history")
    return {name: rows for name, rows in snapshot(runtime).items() if name in tables}


def test_a_member_gets_the_sets_template_in_vietnamese(
    api: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    response = api.get(f"/api/v1/products/{product_id}/sheet-template",
                       headers=auth(runtime, MEMBERS_26[0]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/yaml")
    assert "# Phiếu đánh giá bộ sản phẩm số 1" in response.text
    assert all(f'"{c.code}": ' in response.text for c in SET_1.criteria())
    missing = api.get("/api/v1/products/99999/sheet-template", headers=auth(runtime, MEMBERS_26[0]))
    assert missing.status_code == 404


def test_members_sheets_give_the_result_held_back_by_a_star_minimum(
    api: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    for member in MEMBERS_26:
        response = api.post(
            f"/api/v1/products/{product_id}/scores/options", headers=auth(runtime, member),
            json={"answers": answers_for(SET_1, 78, {"1.5": 1}), "opinion": "Đạt yêu cầu"},
        )
        assert response.status_code == 200, response.text
    own = api.post(f"/api/v1/products/{product_id}/scores/options",
                   headers=auth(runtime, "chuthe26"), json={"answers": answers_for(SET_1, 90)})
    assert own.status_code == 200 and own.json()["self_assessment"]["total"] == 90
    shown = api.get(f"/api/v1/products/{product_id}/scores", headers=auth(runtime, "tinh26"))
    evaluation = shown.json()["evaluation"]
    assert evaluation["mean"] == 78 and len(evaluation["sheets"]) == 5
    assert evaluation["explanation"] == (
        "78.00 điểm → 4★ theo thang điểm, 3★ vì tiêu chí 1.5 chưa đạt mức 4 sao")
    assert evaluation["held_back"][0]["criterion"] == "1.5"


def test_an_incomplete_sheet_is_refused_listing_every_problem_and_saving_nothing(
    api: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    answers = answers_for(SET_1, 80)
    del answers["1.1"]
    answers["1.2"] = 9
    answers["9.9"] = 0
    headers = auth(runtime, MEMBERS_26[1])
    before = scoring_rows(runtime)
    response = api.post(f"/api/v1/products/{product_id}/scores/options",
                        headers=headers, json={"answers": answers})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "nothing was saved" in detail and "1.1" in detail and "1.2" in detail and "9.9" in detail
    assert scoring_rows(runtime) == before


def test_the_chair_disqualifies_and_an_ordinary_member_may_not(
    api: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    body = {"knockout": "K2", "note": "Giấy chứng nhận ATTP hết hạn"}
    refused = api.post(f"/api/v1/products/{product_id}/disqualification",
                       headers=auth(runtime, MEMBERS_26[1]), json=body)
    assert refused.status_code == 403
    unknown = api.post(f"/api/v1/products/{product_id}/disqualification",
                       headers=auth(runtime, MEMBERS_26[0]), json={**body, "knockout": "K9"})
    assert unknown.status_code == 422 and "its conditions: K1" in unknown.json()["detail"]
    done = api.post(f"/api/v1/products/{product_id}/disqualification",
                    headers=auth(runtime, MEMBERS_26[0]), json=body)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "not_ranked"
    shown = api.get(f"/api/v1/products/{product_id}/scores", headers=auth(runtime, "tinh26"))
    assert shown.json()["evaluation"]["knockout"]["code"] == "K2"


def test_a_draft_over_http_keeps_part_of_the_sheet_and_counts_for_nothing(
    api: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = product_at_council(runtime, qn)
    path = f"/api/v1/products/{product_id}/scores/options"
    headers = auth(runtime, MEMBERS_26[1])
    drafted = api.post(path, headers=headers, json={"answers": {"1.1": 0, "1.2": 1}, "draft": True})
    assert drafted.status_code == 200, drafted.text
    assert drafted.json()["status"] == "draft" and drafted.json()["answered"] == 2
    wrong = api.post(path, headers=headers, json={"answers": {"1.1": 9}, "draft": True})
    assert wrong.status_code == 422 and "option 9 does not exist" in wrong.text
    incomplete = api.post(path, headers=headers, json={"answers": {"1.1": 0, "1.2": 1}})
    assert incomplete.status_code == 422 and "criteria not answered" in incomplete.text
    shown = api.get(f"/api/v1/products/{product_id}/scores", headers=headers).json()
    assert shown["evaluation"]["sheets"] == []
