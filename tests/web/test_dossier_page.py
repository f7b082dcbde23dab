"""The "Nộp hồ sơ" page: a producer (or their commune officer) starts a dossier, first time,
upgrade or re-rating (Decision 26/2026 Art. 6.1, 7.5, 7.6), with Mẫu 01, Mẫu 02, evidence
and the self-assessment on the council's option-level sheet; a refusal changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import Document, Producer, Product, ScoreSheet, User
from ocop_cycle.runtime import Runtime
from tests.law_26_2026 import (
    TO_26,
    Province26,
    decision_day_clock_fixture,  # noqa: F401
    on,
    register26,
    seat,
    walk26,
)
from tests.pages_support import csrf_in, open_pages, sign_in
from tests.sheets_support import form_answers
from tests.test_rerating_legacy_certificates import CERTIFICATES, certified_under, window_opened

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# Certified on 01/06/2026 for 36 months: expires 01/06/2029, re-rating window from
# 03/12/2028 to 01/02/2029 (180 to 120 days before).
INSIDE, LAST_DAY, DAY_AFTER, DAY_BEFORE = (
    date(2029, 1, 10), date(2029, 2, 1), date(2029, 2, 2), date(2028, 12, 2),
)


@pytest.fixture
def qn(runtime: Runtime) -> Province26:
    province = seat(runtime)
    with runtime.transaction() as session:
        other = Producer(name="HTX Khác", type="cooperative", commune_code=province.commune,
                         created_at=runtime.clock.now())
        session.add(other)
        session.flush()
        session.add(User(username="chuthe_khac", display_name="chuthe_khac",
                         email="khac@example.vn", role="producer", producer_id=other.id))
    return province


def _product(runtime: Runtime, qn: Province26, state: str) -> int:
    product_id = register26(runtime, qn, product_set=10)
    walk26(runtime, product_id, TO_26[state])
    return product_id


@pytest.fixture
def certified(runtime: Runtime, qn: Province26) -> int:
    return _product(runtime, qn, "certified")


@pytest.fixture
def client(runtime: Runtime, qn: Province26) -> Iterator[TestClient]:
    with open_pages(runtime) as pages:
        yield pages


def _file(client: TestClient, product_id: int, kind: str, *, data: dict[str, str],
          files: dict[str, tuple[str, bytes, str]]) -> object:
    path = f"/san-pham/{product_id}/nop-ho-so"
    token = csrf_in(client.get(f"{path}?loai={kind}").text)
    version = re.search(r'name="version" value="(\d+)"', client.get(f"{path}?loai={kind}").text)
    return client.post(
        path,
        data={"csrf_token": token, "loai": kind, "version": version.group(1) if version else "",
              **data},
        files=files,
        follow_redirects=False,
    )


FORMS = {"mau_01": ("mau-01.pdf", PDF, "application/pdf"),
         "mau_02": ("mau-02.pdf", PDF, "application/pdf")}


def _state(runtime: Runtime, product_id: int) -> str:
    with runtime.reading() as session:
        return session.get(Product, product_id).state  # type: ignore[union-attr]


def _stored(runtime: Runtime, product_id: int) -> tuple[int, int]:
    with runtime.reading() as session:
        documents = session.scalar(
            select(func.count()).select_from(Document).where(Document.product_id == product_id))
        sheets = session.scalar(
            select(func.count()).select_from(ScoreSheet).where(ScoreSheet.product_id == product_id,
                                                               ScoreSheet.kind == "self"))
    return int(documents or 0), int(sheets or 0)


def test_producer_files_a_rerating_inside_the_window_with_forms_and_self_assessment(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=rerating")
    assert page.status_code == 200
    assert "mở từ 03/12/2028 đến 01/02/2029" in page.text
    assert 'name="c.' in page.text and 'type="radio"' in page.text
    answer = _file(client, certified, "rerating", data=form_answers(runtime, certified, 78),
                   files=FORMS)
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    assert _state(runtime, certified) == "rerating_submitted"
    assert _stored(runtime, certified) == (2, 1)
    with runtime.reading() as session:
        sheet = session.scalars(select(ScoreSheet).where(ScoreSheet.kind == "self")).one()
        kinds = sorted(session.scalars(select(Document.kind)))
    assert sheet.total == 78
    assert kinds == ["mau_01", "mau_02"]


def test_rerating_can_be_filed_on_the_windows_last_day_120_days_before_expiry(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, LAST_DAY)
    sign_in(client, "chuthe26")
    assert "đang mở, còn 0 ngày" in client.get(f"/san-pham/{certified}/nop-ho-so").text
    answer = _file(client, certified, "rerating", data=form_answers(runtime, certified, 70),
                   files=FORMS)
    assert answer.status_code == 303  # type: ignore[attr-defined]


def test_rerating_filed_119_days_before_expiry_is_refused_and_the_page_says_ask_the_province(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, DAY_AFTER)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=rerating").text
    assert "đã đóng: mở từ 03/12/2028 đến 01/02/2029" in page
    assert "hết hạn ngày 01/06/2029" in page
    assert "hãy liên hệ cơ quan quản lý OCOP cấp tỉnh" in page
    assert 'name="loai" value="rerating"' not in page
    # Posting anyway: the engine's guard refuses, and nothing is kept.
    token = csrf_in(page)
    answer = client.post(
        f"/san-pham/{certified}/nop-ho-so",
        data={"csrf_token": token, "loai": "rerating", **form_answers(runtime, certified, 70)},
        files=FORMS,
    )
    assert answer.status_code == 409
    assert "Không thực hiện được, không có gì thay đổi" in answer.text
    assert "hồ sơ đánh giá lại của giấy chứng nhận số" in answer.text  # the engine's guard
    assert _state(runtime, certified) == "certified"
    assert _stored(runtime, certified) == (0, 0)


def test_rerating_page_181_days_before_expiry_says_when_the_window_opens(
    client: TestClient, clock: Clock, certified: int
) -> None:
    on(clock, DAY_BEFORE)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=rerating").text
    assert "mở từ 03/12/2028 đến 01/02/2029" in page
    assert "còn 1 ngày nữa mới mở" in page
    # Until then an upgrade is what may be filed.
    assert f'href="/san-pham/{certified}/nop-ho-so?loai=upgrade"' in page


def test_missing_forms_and_unanswered_criteria_are_shown_by_their_fields_and_nothing_is_kept(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    first = dict([next(iter(form_answers(runtime, certified, 70).items()))])
    answer = _file(client, certified, "rerating", data=first,
                   files={"mau_01": FORMS["mau_01"], "mau_02": ("trong.pdf", b"", "application/pdf")})
    page = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "Hồ sơ chưa được nộp, không có gì thay đổi" in page
    assert 'id="d-mau_02-error">Hãy chọn tệp Mẫu 02' in page
    assert 'aria-describedby="d-mau_02-error" aria-invalid="true"' in page
    assert "criterion card unanswered" in page
    code, value = next(iter(first.items()))
    # What was chosen stays chosen.
    assert f'id="o-{code.removeprefix("c.")}-{value}" name="{code}" value="{value}" checked' in page
    assert _state(runtime, certified) == "certified"
    assert _stored(runtime, certified) == (0, 0)


def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_next_to_its_field(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    answer = _file(client, certified, "rerating", data=form_answers(runtime, certified, 70),
                   files={**FORMS, "mau_01": ("mau-01.docx", b"PK\x03\x04 word", "application/msword")})
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert 'id="d-mau_01-error">Tệp mau-01.docx không phải là tệp PDF, JPEG hoặc PNG' in answer.text  # type: ignore[attr-defined]
    assert _stored(runtime, certified) == (0, 0)


def test_upgrade_needs_evidence_of_what_changed_then_goes_to_the_commune(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, date(2027, 3, 1))
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=upgrade").text
    assert 'name="data.upgrade_evidence"' in page
    sheet = form_answers(runtime, certified, 88)
    refused = _file(client, certified, "upgrade", data=sheet, files=FORMS)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert "Nâng hạng cần tài liệu chứng minh những thay đổi" in text
    assert "Hãy nêu những thay đổi so với sản phẩm đã được công nhận" in text
    assert _stored(runtime, certified) == (0, 0)
    done = _file(
        client, certified, "upgrade",
        data={**sheet, "data.upgrade_evidence": "Bao bì mới, phiếu kiểm nghiệm 2027",
              "evidence_criterion": "A1.2"},
        files={**FORMS, "evidence": ("bao-bi.png", PNG, "image/png")},
    )
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert _state(runtime, certified) == "dossier_submitted"
    with runtime.reading() as session:
        evidence = session.scalars(select(Document).where(Document.kind == "evidence")).one()
    assert evidence.criterion == "A1.2"


def test_first_time_dossier_from_a_developed_product(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = _product(runtime, qn, "product_development")
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{product_id}/nop-ho-so").text
    assert 'name="loai" value="first"' in page
    assert "Sản phẩm chưa có giấy chứng nhận" not in page
    assert "loại hồ sơ này nộp khi sản phẩm ở một trong các bước" in page  # upgrade, re-rating
    answer = _file(client, product_id, "first", data=form_answers(runtime, product_id, 65),
                   files=FORMS)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert _state(runtime, product_id) == "dossier_submitted"


def test_commune_officer_files_the_rerating_for_their_producer(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "xa26")
    answer = _file(client, certified, "rerating", data=form_answers(runtime, certified, 75),
                   files=FORMS)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert _state(runtime, certified) == "rerating_submitted"


def test_another_producer_does_not_find_the_product(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe_khac")
    page = client.get(f"/san-pham/{certified}/nop-ho-so")
    assert page.status_code == 404
    token = csrf_in(client.get("/chung-nhan").text)
    answer = client.post(f"/san-pham/{certified}/nop-ho-so",
                         data={"csrf_token": token, "loai": "rerating"}, files=FORMS)
    assert answer.status_code == 404
    assert _stored(runtime, certified) == (0, 0)


def test_a_province_officer_is_told_only_the_producer_or_commune_files(
    client: TestClient, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "tinh26")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=rerating").text
    assert "Chỉ chủ thể của sản phẩm hoặc cán bộ xã" in page
    assert 'name="loai"' not in page


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_kept(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    answer = client.post(f"/san-pham/{certified}/nop-ho-so",
                         data={"loai": "rerating", **form_answers(runtime, certified, 70)},
                         files=FORMS)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    assert _state(runtime, certified) == "certified"
    assert _stored(runtime, certified) == (0, 0)


def test_a_stale_form_is_refused_and_nothing_is_kept(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    token = csrf_in(client.get(f"/san-pham/{certified}/nop-ho-so").text)
    answer = client.post(f"/san-pham/{certified}/nop-ho-so",
                         data={"csrf_token": token, "loai": "rerating", "version": "1",
                               **form_answers(runtime, certified, 70)}, files=FORMS)
    assert answer.status_code == 412
    assert _stored(runtime, certified) == (0, 0)


def test_the_certificates_page_links_the_rerating_only_while_its_window_is_open(
    client: TestClient, clock: Clock, certified: int
) -> None:
    link = f'href="/san-pham/{certified}/nop-ho-so?loai=rerating"'
    for day, linked in ((DAY_BEFORE, False), (INSIDE, True), (DAY_AFTER, False)):
        on(clock, day)
        sign_in(client, "chuthe26")  # a session does not last months
        page = client.get("/chung-nhan").text
        assert "Đánh giá lại" in page
        assert (link in page) is linked, day
        assert (link in client.get(f"/san-pham/{certified}").text) is linked, day


def test_the_page_reads_in_english_on_request(
    client: TestClient, clock: Clock, certified: int
) -> None:
    on(clock, DAY_AFTER)
    sign_in(client, "chuthe26")
    client.cookies.set("ocop_lang", "en")
    page = client.get(f"/san-pham/{certified}/nop-ho-so?loai=rerating").text
    assert "The re-rating window has closed: it was open from 03/12/2028 to 01/02/2029" in page
    assert "Filing late: contact the provincial OCOP office" in page


def test_a_1489_certificate_is_re_rated_from_the_page_by_the_26_2026_route(
    client: TestClient, runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    """Art. 12: issued under 1489 on 04/08/2025, expires 04/08/2028; the page offers the
    re-rating its migration map carries forward, inside the 26/2026 window."""
    product_id = certified_under(runtime, clock, qn, "ocop-1489")
    window_opened(runtime, clock, product_id, 150, CERTIFICATES["ocop-1489"].expires)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{product_id}/nop-ho-so?loai=rerating").text
    assert 'name="loai" value="rerating"' in page
    assert 'type="radio"' not in page  # 1489 scores by section: no option sheet to tick
    answer = _file(client, product_id, "rerating", data={}, files=FORMS)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    with runtime.reading() as session:
        product = session.get(Product, product_id)
        assert product is not None
        assert (product.workflow, product.state) == ("ocop-26-2026", "rerating_submitted")
    assert _stored(runtime, product_id) == (2, 0)


def _one_click(page: str, product_id: int, trigger: str) -> bool:
    return f'action="/san-pham/{product_id}/thao-tac/{trigger}"' in page


def test_the_product_page_sends_a_first_dossier_to_the_filing_page_not_a_one_click_button(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = _product(runtime, qn, "product_development")
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{product_id}").text
    assert not _one_click(page, product_id, "submit_dossier")
    assert (f'<a class="button" href="/san-pham/{product_id}/nop-ho-so?loai=first">'
            "Nộp hồ sơ đánh giá (Mẫu 01, Mẫu 02)</a>") in page


def test_the_product_page_links_re_rating_and_upgrade_to_the_filing_page(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, INSIDE)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}").text
    for trigger in ("submit_rerating", "request_upgrade"):
        assert not _one_click(page, certified, trigger), trigger
    assert (f'<a class="button" href="/san-pham/{certified}/nop-ho-so?loai=rerating">'
            "Nộp hồ sơ đánh giá lại</a>") in page
    assert (f'<a class="button" href="/san-pham/{certified}/nop-ho-so?loai=upgrade">'
            "Đăng ký nâng hạng sao</a>") in page


def test_outside_the_window_the_re_rating_links_to_the_filing_page_that_says_why(
    client: TestClient, runtime: Runtime, clock: Clock, certified: int
) -> None:
    on(clock, DAY_BEFORE)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{certified}").text
    assert not _one_click(page, certified, "submit_rerating")
    assert (f'<a class="button" href="/san-pham/{certified}/nop-ho-so">'
            "Nộp hồ sơ đánh giá lại</a>") in page


def test_a_1489_products_forwarded_re_rating_links_to_the_filing_page(
    client: TestClient, runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-1489")
    window_opened(runtime, clock, product_id, 150, CERTIFICATES["ocop-1489"].expires)
    sign_in(client, "chuthe26")
    page = client.get(f"/san-pham/{product_id}").text
    assert not _one_click(page, product_id, "submit_rerating")
    assert f'href="/san-pham/{product_id}/nop-ho-so?loai=rerating"' in page


def test_other_actions_stay_one_click_forms_on_the_product_page(
    client: TestClient, runtime: Runtime, qn: Province26
) -> None:
    product_id = _product(runtime, qn, "dossier_submitted")
    sign_in(client, "xa26")
    page = client.get(f"/san-pham/{product_id}").text
    assert _one_click(page, product_id, "forward_dossier")
    assert "nop-ho-so" not in page
