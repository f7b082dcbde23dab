"""The scoresheet page over the option-level sheets of Decision 26/2026: a member saves a
full sheet, an incomplete one is refused whole, the chair records the discussion and
another member may not, the producer fills in the self-assessment on the same sheet."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ocop_cycle.db.models import Evaluation, ScoreSheet, User
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_product
from ocop_cycle.web.app import create_app
from ocop_cycle.workflow.evaluations import option_sheet_for
from tests.law_26_2026 import TO_26, register26, seat, walk26
from tests.sheets_support import MEMBERS_26, answers_for, seat_council_26

PASSWORD = "một mật khẩu đủ dài"


@pytest.fixture
def product(runtime: Runtime) -> int:
    province = seat(runtime)
    seat_council_26(runtime, province)
    product_id = register26(runtime, province, product_set=10)
    walk26(runtime, product_id, TO_26["province_council"])
    with runtime.transaction() as session:
        session.execute(
            update(User).values(password_hash=hash_password(PASSWORD), must_change_password=False)
        )
    return product_id


@pytest.fixture
def client(runtime: Runtime, product: int) -> Iterator[TestClient]:
    runtime.settings.cookie_secure = False
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def _sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dang-nhap").text)
    assert token
    client.post("/dang-nhap", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token.group(1)})


def _form(client: TestClient, path: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert token
    return token.group(1)


def _answers(runtime: Runtime, product_id: int, total: int) -> dict[str, str]:
    with runtime.reading() as session:
        found = get_product(session, product_id)
        definition = runtime.workflows.get(found.workflow, found.workflow_version).definition
        sheet = option_sheet_for(definition, found, runtime.workflows.directory)
        assert sheet is not None
        return {f"c.{code}": str(index) for code, index in answers_for(sheet, total).items()}


def test_member_saves_a_full_sheet_and_sees_its_total(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    _sign_in(client, MEMBERS_26[1])
    path = f"/san-pham/{product}/phieu-cham"
    answer = client.post(path, data={**_answers(runtime, product, 76), "opinion": "Đạt",
                                     "csrf_token": _form(client, path)}, follow_redirects=False)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "Đã lưu phiếu" in page
    assert "Tổng điểm phiếu của bạn đã lưu: <strong>76</strong>" in page
    assert 'checked' in page


def test_incomplete_sheet_is_refused_whole_and_keeps_what_was_chosen(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    _sign_in(client, MEMBERS_26[1])
    path = f"/san-pham/{product}/phieu-cham"
    first_key, first_value = next(iter(_answers(runtime, product, 76).items()))
    answer = client.post(path, data={first_key: first_value, "csrf_token": _form(client, path)})
    assert answer.status_code == 422
    assert "criteria not answered" in answer.text
    code = first_key.removeprefix("c.")
    assert f'id="o-{code}-{first_value}" name="c.{code}" value="{first_value}"' in answer.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).first() is None


def test_only_the_chair_records_the_councils_discussion(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    path = f"/san-pham/{product}/phieu-cham"
    _sign_in(client, MEMBERS_26[1])
    refused = client.post(path + "/thao-luan", data={"note": "Đã thảo luận",
                                                     "csrf_token": _form(client, path)})
    assert refused.status_code == 403
    assert "only the chair" in refused.text
    _sign_in(client, MEMBERS_26[0])
    assert "Ghi nhận thảo luận" in client.get(path).text
    done = client.post(path + "/thao-luan", data={"note": "Hội đồng đã thảo luận chênh lệch",
                                                  "csrf_token": _form(client, path)},
                       follow_redirects=False)
    assert done.status_code == 303
    with runtime.reading() as session:
        notes = session.scalars(select(Evaluation.discussed_note)).all()
    assert "Hội đồng đã thảo luận chênh lệch" in notes


def test_producer_fills_in_the_self_assessment_on_the_same_sheet(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    _sign_in(client, "chuthe26")
    path = f"/san-pham/{product}/phieu-cham"
    answer = client.post(path, data={**_answers(runtime, product, 85),
                                     "csrf_token": _form(client, path)}, follow_redirects=False)
    assert answer.status_code == 303
    with runtime.reading() as session:
        sheet = session.scalars(select(ScoreSheet)).one()
    assert sheet.kind == "self"
    assert sheet.total == 85
