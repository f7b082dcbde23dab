"""A person reading the pages in Vietnamese reads the engine's refusals in Vietnamese, with
their diacritics (quorum, spread, the re-rating window, a role that may not act), and never a
raw code (a role, a product group, a state, a status) where a label belongs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import User
from ocop_cycle.domain.labels import LABELS
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire_timer
from tests.conftest import ADMIN, World
from tests.flows import product_in
from tests.law_26_2026 import Province26, on, seat
from tests.pages_support import csrf_in, give_everyone_the_password, sign_in
from tests.scoring_support import DISTRICT_MEMBERS, score, seat_councils
from tests.test_rerating_legacy_certificates import CERTIFICATES, certified_under


def _fire_from_the_page(
    client: TestClient, product_id: int, trigger: str, data: dict[str, str] | None = None
) -> str:
    page = client.get(f"/san-pham/{product_id}")
    assert page.status_code == 200
    form = {"csrf_token": csrf_in(page.text), **{f"data.{k}": v for k, v in (data or {}).items()}}
    answer = client.post(f"/san-pham/{product_id}/thao-tac/{trigger}", data=form)
    assert answer.status_code in (403, 409, 422), answer.status_code
    return _visible_text(answer.text)


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_an_officer_of_the_wrong_role_is_refused_in_vietnamese_naming_the_roles(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "dossier_submitted")
    sign_in(client, "commune1")
    text = _fire_from_the_page(client, product_id, "accept_dossier")
    assert "Tài khoản commune1 (Cán bộ cấp xã) không được thực hiện bước" in text
    assert "«Tiếp nhận hồ sơ hợp lệ» đối với sản phẩm #" in text
    assert "bước này chỉ dành cho Cán bộ cấp huyện" in text
    assert "permission denied" not in text and "commune_officer" not in text


def test_the_same_refusal_reads_in_english_for_a_reader_who_chose_english(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "dossier_submitted")
    sign_in(client, "commune1")
    client.cookies.set("ocop_lang", "en")
    text = _fire_from_the_page(client, product_id, "accept_dossier")
    assert "permission denied: commune1 (commune_officer) may not accept_dossier" in text
    assert "Tài khoản commune1" not in text


def test_an_account_set_to_english_reads_the_refusal_in_english_without_the_switch(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "dossier_submitted")
    with runtime.transaction() as session:
        session.execute(update(User).where(User.username == "commune1").values(language="en"))
    sign_in(client, "commune1")
    text = _fire_from_the_page(client, product_id, "accept_dossier")
    assert "permission denied: commune1 (commune_officer) may not accept_dossier" in text
    assert "Tài khoản commune1" not in text


def test_closing_before_the_council_reaches_its_quorum_is_refused_in_vietnamese(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    seat_councils(runtime, world)
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    score(runtime, product_id, {DISTRICT_MEMBERS[0]: "70", DISTRICT_MEMBERS[1]: "72"})
    sign_in(client, "district1")
    text = _fire_from_the_page(client, product_id, "close_evaluation")
    assert re.search(
        r"Chưa thể kết thúc đánh giá sản phẩm #\d+: Hội đồng chưa đủ số thành viên chấm điểm: "
        r"cần 3/4 phiếu, mới có 2 \(thiếu: hd\.huyen3, hd\.huyen4\)",
        text,
    ), text
    assert "quorum" not in text


def test_closing_while_the_members_totals_differ_too_much_is_refused_in_vietnamese(
    client: TestClient, runtime: Runtime, world: World
) -> None:
    seat_councils(runtime, world)
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    score(
        runtime,
        product_id,
        {DISTRICT_MEMBERS[0]: "50", DISTRICT_MEMBERS[1]: "75", DISTRICT_MEMBERS[2]: "75"},
    )
    sign_in(client, "district1")
    text = _fire_from_the_page(client, product_id, "close_evaluation")
    assert "Tổng điểm của các thành viên chênh lệch 25 điểm, vượt mức cho phép" in text, text
    assert "differ by" not in text


class TestUnder26:
    """Under Decision 26/2026, on its dates (the clock starts on 01/06/2026)."""

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock(fixed=datetime(2026, 6, 1, 2, 0, tzinfo=UTC))

    def test_a_rerating_filed_181_days_before_expiry_is_refused_in_vietnamese_with_the_window(
        self, client: TestClient, runtime: Runtime, clock: Clock
    ) -> None:
        province: Province26 = seat(runtime)
        product_id = certified_under(runtime, clock, province, "ocop-1489")
        expires = CERTIFICATES["ocop-1489"].expires
        on(clock, expires - timedelta(days=180))
        fire_timer(runtime, product_id, "open_renewal")
        on(clock, expires - timedelta(days=181))
        give_everyone_the_password(runtime)
        sign_in(client, "chuthe26")
        text = _fire_from_the_page(client, product_id, "submit_rerating")
        opens, closes = (expires - timedelta(days=n) for n in (180, 120))
        assert (
            "Thời hạn nộp hồ sơ đánh giá lại của giấy chứng nhận số" in text
            and f"chưa bắt đầu: hồ sơ nộp từ ngày {opens:%d/%m/%Y} đến ngày {closes:%d/%m/%Y}"
            in text
        ), text
        assert "re-rating window" not in text


# Codes that only a label may stand for on a page (usernames such as "admin1" are names).
_CODES = sorted(
    {str(code) for vocabulary in LABELS.values() for code in vocabulary} - {"admin", "system"}
)


def _codes_shown(text: str, states: set[str]) -> list[str]:
    return [
        code
        for code in [*_CODES, *sorted(states)]
        if re.search(rf"(?<![\w/-]){code}(?![\w/-])", text)
    ]


@pytest.mark.parametrize(
    "username",
    ["commune1", "district1", "province1", "central1", "producer1", ADMIN, DISTRICT_MEMBERS[0]],
)
def test_the_main_pages_show_labels_not_codes_to_every_role(
    client: TestClient, runtime: Runtime, world: World, username: str
) -> None:
    seat_councils(runtime, world)
    evaluated = product_in(runtime, world.producer_id, "district_evaluation")
    certified = product_in(runtime, world.producer_id, "certified")
    states = {
        state
        for name in ("ocop-148",)
        for state in runtime.workflows.get(name).definition.states
        if "_" in state
    }
    give_everyone_the_password(runtime)
    sign_in(client, username)
    pages = [
        "/viec-can-lam",
        "/san-pham",
        f"/san-pham/{evaluated}",
        f"/san-pham/{certified}",
        "/chung-nhan",
        "/tong-quan",
        "/quan-tri/nguoi-dung",
        f"/san-pham/{evaluated}/phieu-cham",
    ]
    shown = 0
    for path in pages:
        answer = client.get(path)
        if answer.status_code != 200 or "text/html" not in answer.headers["content-type"]:
            continue
        shown += 1
        text = _visible_text(answer.text)
        assert _codes_shown(text, states) == [], f"{username} on {path}: {text}"
    assert shown >= 2
