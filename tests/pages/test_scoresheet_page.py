"""The scoresheet page over the option-level sheets of Decision 26/2026: a member saves a
full sheet (by a full POST or by htmx, which answers with a status fragment), an incomplete
one is refused whole, the running total and its star come from the server, the chair sees
the criteria members disagree on, records the discussion and closes a re-rating by written
opinions from the page (another member may not), the producer fills in the
self-assessment on the same sheet, and the dossier's documents show in the page's frame."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import Evaluation, Product, ScoreSheet
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.domain.star_minimums import stars_with_minimums
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import documents
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.scoring import show_scores
from ocop_cycle.workflow.evaluations import council_rules, option_sheet_for
from ocop_cycle.workflow.sheets import Sheet, points_of
from tests.law_26_2026 import Province26, at_rerating_review
from tests.pages_support import csrf_of, open_pages, sign_in
from tests.scoring_support import snapshot
from tests.sheets_support import (
    MEMBERS_26,
    answers_for,
    form_answers,
    product_at_council,
    province_with_council_26,
    submit,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHAIR, MEMBER = MEMBERS_26[0], MEMBERS_26[1]


@pytest.fixture
def province(runtime: Runtime) -> Province26:
    return province_with_council_26(runtime)


@pytest.fixture
def product(runtime: Runtime, province: Province26) -> int:
    return product_at_council(runtime, province, product_set=10)


@pytest.fixture
def client(runtime: Runtime, product: int) -> Iterator[TestClient]:
    with open_pages(runtime) as pages:
        yield pages


def test_member_saves_a_full_sheet_and_sees_its_total(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBERS_26[1])
    path = f"/san-pham/{product}/phieu-cham"
    answer = client.post(path, data={**form_answers(runtime, product, 76), "opinion": "Đạt",
                                     "csrf_token": csrf_of(client, path)}, follow_redirects=False)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "Đã nộp phiếu" in page
    assert re.search(r"Lần nộp gần nhất: \d\d/\d\d/\d{4} \d\d:\d\d \+07:00 · tổng điểm 76", page)
    assert 'checked' in page


def _half_of(answers: dict[str, str]) -> dict[str, str]:
    keys = list(answers)[: len(answers) // 2]
    return {key: answers[key] for key in keys}


def test_a_member_saves_half_the_sheet_as_a_draft_and_finds_it_when_coming_back(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    half = _half_of(form_answers(runtime, product, 76))
    answer = client.post(path, data={**half, "opinion": "Xem tiếp mục 3", "action": "draft",
                                     "csrf_token": csrf_of(client, path)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("?da_luu_nhap=1")
    assert "Đã lưu nháp" in client.get(answer.headers["location"]).text
    # Coming back later: the draft's choices are ticked again, with what remains to do.
    page = client.get(path).text
    for field, value in half.items():
        assert re.search(rf'name="{re.escape(field)}" value="{value}" checked', page)
    remaining = len(_sheet(runtime, product).criteria()) - len(half)
    assert f"còn {remaining} tiêu chí chưa chọn" in page
    assert "Xem tiếp mục 3" in page
    assert re.search(r"Đang mở bản nháp lưu lúc \d\d/\d\d/\d{4} \d\d:\d\d", page)
    assert show_scores(runtime, product)["evaluation"]["sheets"] == []


def test_a_draft_saved_by_htmx_answers_with_its_time_and_counts_nothing(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    htmx = {"HX-Request": "true"}
    half = _half_of(form_answers(runtime, product, 76))
    saved = client.post(path, data={**half, "action": "draft", "csrf_token": csrf_of(client, path)},
                        headers=htmx)
    assert saved.status_code == 200 and "<html" not in saved.text
    assert re.search(r"Đã lưu nháp lúc \d\d/\d\d/\d{4} \d\d:\d\d", saved.text)
    assert f"đã chọn {len(half)}/" in saved.text
    wrong = client.post(path, data={"c.1.1": "9", "action": "draft",
                                    "csrf_token": csrf_of(client, path)}, headers=htmx)
    assert wrong.status_code == 422 and "Bản nháp không được lưu" in wrong.text
    submitted = client.post(path, data={**half, "csrf_token": csrf_of(client, path)}, headers=htmx)
    assert submitted.status_code == 422 and "còn tiêu chí chưa chọn mức" in submitted.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).all() == []


def test_the_chair_sees_who_has_a_draft_but_not_what_it_chose(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    client.post(path, data={"c.1.1": "0", "action": "draft", "csrf_token": csrf_of(client, path)})
    sign_in(client, CHAIR)
    page = client.get(path).text
    assert re.search(rf'id="drafting">Đang chấm \(bản nháp, chưa tính\): {MEMBER}<', page)
    assert not re.search(r'name="c\.1\.1" value="0" checked', page)
    assert "Đã nộp 0/5 phiếu" in page


def test_incomplete_sheet_is_refused_whole_and_keeps_what_was_chosen(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBERS_26[1])
    path = f"/san-pham/{product}/phieu-cham"
    first_key, first_value = next(iter(form_answers(runtime, product, 76).items()))
    answer = client.post(path, data={first_key: first_value, "csrf_token": csrf_of(client, path)})
    assert answer.status_code == 422
    assert "còn tiêu chí chưa chọn mức" in answer.text
    code = first_key.removeprefix("c.")
    assert f'id="o-{code}-{first_value}" name="c.{code}" value="{first_value}"' in answer.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).first() is None


def test_only_the_chair_records_the_councils_discussion(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    path = f"/san-pham/{product}/phieu-cham"
    sign_in(client, MEMBERS_26[1])
    refused = client.post(path + "/thao-luan", data={"note": "Đã thảo luận",
                                                     "csrf_token": csrf_of(client, path)})
    assert refused.status_code == 403
    assert "Chỉ Chủ tịch hội đồng đánh giá sản phẩm" in refused.text
    sign_in(client, MEMBERS_26[0])
    assert "Ghi nhận thảo luận" in client.get(path).text
    done = client.post(path + "/thao-luan", data={"note": "Hội đồng đã thảo luận chênh lệch",
                                                  "csrf_token": csrf_of(client, path)},
                       follow_redirects=False)
    assert done.status_code == 303
    with runtime.reading() as session:
        notes = session.scalars(select(Evaluation.discussed_note)).all()
    assert "Hội đồng đã thảo luận chênh lệch" in notes


def test_producer_fills_in_the_self_assessment_on_the_same_sheet(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, "chuthe26")
    path = f"/san-pham/{product}/phieu-cham"
    answer = client.post(path, data={**form_answers(runtime, product, 85),
                                     "csrf_token": csrf_of(client, path)}, follow_redirects=False)
    assert answer.status_code == 303
    with runtime.reading() as session:
        sheet = session.scalars(select(ScoreSheet)).one()
    assert sheet.kind == "self"
    assert sheet.total == 85


def _sheet(runtime: Runtime, product_id: int) -> Sheet:
    with runtime.reading() as session:
        found = get_product(session, product_id)
        definition = runtime.workflows.get(found.workflow, found.workflow_version).definition
        sheet = option_sheet_for(definition, found, runtime.workflows.directory)
        assert sheet is not None
        return sheet


def test_a_sheet_saved_by_htmx_answers_with_its_status_alone(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    htmx = {"HX-Request": "true"}
    saved = client.post(path, data={**form_answers(runtime, product, 76),
                                    "csrf_token": csrf_of(client, path)}, headers=htmx)
    assert saved.status_code == 200
    assert "<html" not in saved.text and 'role="status"' in saved.text
    assert re.search(r"Đã nộp phiếu lúc \d\d/\d\d/\d{4} \d\d:\d\d .* tổng điểm 76", saved.text)
    refused = client.post(path, data={"csrf_token": csrf_of(client, path)}, headers=htmx)
    assert refused.status_code == 422
    assert "<html" not in refused.text and 'role="alert"' in refused.text
    assert "còn tiêu chí chưa chọn mức" in refused.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet.total)).one() == 76


def test_a_save_without_the_csrf_token_is_refused_by_htmx_too(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    refused = client.post(path, data=form_answers(runtime, product, 76), headers={"HX-Request": "true"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).first() is None


def test_the_running_total_and_its_star_come_from_the_server_before_saving(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    token = csrf_of(client, path)
    sheet = _sheet(runtime, product)
    answers = answers_for(sheet, 76)
    first = next(iter(answers))
    part = client.post(path + "/tong", data={f"c.{first}": str(answers[first]), "csrf_token": token})
    assert part.status_code == 200
    points = sheet.criteria()[0].options[answers[first]].points
    assert f"{points} / 100" in part.text
    assert f"đã chọn 1/{len(sheet.criteria())} tiêu chí" in part.text
    assert "Phiếu này cho" not in part.text  # no star before every criterion is answered
    full = client.post(path + "/tong", data={**form_answers(runtime, product, 76), "csrf_token": token})
    with runtime.reading() as session:
        found = get_product(session, product)
        definition = runtime.workflows.get(found.workflow, found.workflow_version).definition
    rules = council_rules(definition)
    assert rules is not None
    band = stars_for(Decimal(76), definition.scoring.star_bands())
    stars = stars_with_minimums(
        band, sheet.minimums, [points_of(sheet, answers)], rules.minimum_majority
    ).stars
    assert "76 / 100" in full.text and f"Phiếu này cho: <strong>{stars} sao</strong>" in full.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).first() is None
    assert client.post(path + "/tong", data=form_answers(runtime, product, 76)).status_code == 403


def test_the_chair_sees_each_criterion_the_members_chose_differently(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sheet = _sheet(runtime, product)
    submit(runtime, product, CHAIR, answers_for(sheet, 80))
    submit(runtime, product, MEMBER, answers_for(sheet, 70))
    disputed = [
        row["code"] for row in show_scores(runtime, product)["evaluation"]["criteria"]
        if row["disagree"]
    ]
    assert disputed
    path = f"/san-pham/{product}/phieu-cham"
    sign_in(client, CHAIR)
    page = client.get(path).text
    assert "Tiêu chí thành viên chọn khác nhau" in page
    table = page.split('class="disagreements"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([\d.]+)\. ', table)
    assert rows == disputed
    code = disputed[0]
    criterion = sheet.criterion(code)
    assert criterion is not None
    mine = criterion.options[answers_for(sheet, 80)[code]].points
    theirs = criterion.options[answers_for(sheet, 70)[code]].points
    assert f"{CHAIR} (1 phiếu)" in table and f"{MEMBER} (1 phiếu)" in table
    assert f"<td>{abs(mine - theirs)} điểm</td>" in table
    sign_in(client, MEMBERS_26[2])
    assert "Tiêu chí thành viên chọn khác nhau" not in client.get(path).text


@pytest.fixture
def rerating(runtime: Runtime, clock: Clock, province: Province26, product: int) -> int:
    """A set-1 product filed for re-rating within its window, before the council."""
    return at_rerating_review(runtime, clock, province)


def _stored(runtime: Runtime) -> dict[str, list[tuple[object, ...]]]:
    """Every table but those signing in writes to."""
    return {
        table: rows for table, rows in snapshot(runtime).items()
        if table not in ("audit_events", "user_sessions")
    }


def _state(runtime: Runtime, product_id: int) -> str:
    with runtime.reading() as session:
        found = session.get(Product, product_id)
        assert found is not None
        return found.state


def test_the_chair_closes_a_re_rating_from_the_page_after_recording_the_discussion(
    client: TestClient, runtime: Runtime, rerating: int
) -> None:
    sheet = _sheet(runtime, rerating)
    for member, total in zip(MEMBERS_26, (70, 72, 80, 84, 86), strict=True):
        submit(runtime, rerating, member, answers_for(sheet, total), opinion="Đồng ý")
    path = f"/san-pham/{rerating}/phieu-cham"
    sign_in(client, MEMBER)
    assert "Kết thúc đánh giá lại" not in client.get(path).text
    before = _stored(runtime)
    member = client.post(path + "/ket-thuc", data={"csrf_token": csrf_of(client, path)})
    assert member.status_code == 403 and "Chỉ Chủ tịch hội đồng" in member.text
    sign_in(client, CHAIR)
    assert "Kết thúc đánh giá lại (chủ tịch)" in client.get(path).text
    spread = client.post(path + "/ket-thuc", data={"csrf_token": csrf_of(client, path)})
    assert spread.status_code == 409
    error = spread.text.split('id="close-error"')[1].split("</p>")[0]
    assert "Chưa thể kết thúc đánh giá" in error and "chênh lệch 16 điểm" in error
    assert 'aria-describedby="f-close-note-hint close-error"' in spread.text
    forged = client.post(path + "/ket-thuc", data={"note": "Họp", "csrf_token": "giả"})
    assert forged.status_code == 403
    assert _stored(runtime) == before
    closed = client.post(path + "/ket-thuc", data={
        "note": "Họp ngày 05/01: thống nhất kết quả", "csrf_token": csrf_of(client, path)},
        follow_redirects=False)
    assert closed.status_code == 303
    assert "Đã kết thúc đánh giá." in client.get(closed.headers["location"]).text
    assert _state(runtime, rerating) == "province_decision"
    assert show_scores(runtime, rerating)["evaluation"]["discussed"] == (
        "Họp ngày 05/01: thống nhất kết quả")


def test_a_close_refused_for_want_of_sheets_records_no_discussion_either(
    client: TestClient, runtime: Runtime, rerating: int
) -> None:
    submit(runtime, rerating, CHAIR, answers_for(_sheet(runtime, rerating), 80))
    path = f"/san-pham/{rerating}/phieu-cham"
    sign_in(client, CHAIR)
    before = _stored(runtime)
    refused = client.post(path + "/ket-thuc", data={
        "note": "Đã thảo luận", "csrf_token": csrf_of(client, path)})
    assert refused.status_code in (409, 422)
    assert 'id="close-error"' in refused.text and "Đã thảo luận</textarea>" in refused.text
    assert _stored(runtime) == before
    assert _state(runtime, rerating) == "rerating_review"


def test_the_chair_closes_a_first_evaluation_here_once_quorum_is_met(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, CHAIR)
    path = f"/san-pham/{product}/phieu-cham"
    page = client.get(path).text
    assert "Kết thúc đánh giá của hội đồng (chủ tịch)" in page
    before = _stored(runtime)
    refused = client.post(path + "/ket-thuc", data={"csrf_token": csrf_of(client, path)})
    assert refused.status_code in (409, 422) and 'id="close-error"' in refused.text
    assert "chưa đủ số thành viên" in refused.text
    assert _stored(runtime) == before
    with runtime.reading() as session:
        found = get_product(session, product)
        definition = runtime.workflows.get(found.workflow, found.workflow_version).definition
        sheet = option_sheet_for(definition, found, runtime.workflows.directory)
    assert sheet is not None
    for member in MEMBERS_26:
        submit(runtime, product, member, answers_for(sheet, 80))
    closed = client.post(path + "/ket-thuc", data={"csrf_token": csrf_of(client, path)},
                         follow_redirects=False)
    assert closed.status_code == 303, closed.text
    assert _state(runtime, product) == "province_decision"


def _csp(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_dossier_shows_in_the_pages_frame_and_nothing_else_may_be_framed(
    client: TestClient, runtime: Runtime, product: int, tmp_path: Path
) -> None:
    runtime.settings.storage_dir = tmp_path / "documents"
    uploaded = documents.upload(runtime, "tinh26", product, kind="mau_01", criterion=None,
                                filename="mau01.pdf", content=PDF)
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    page = client.get(path)
    assert f'<iframe name="dossier-frame" id="dossier-frame" src="/api/v1/documents/{uploaded["id"]}"' in page.text
    assert _csp(page)["frame-src"] == "'self'" and _csp(page)["frame-ancestors"] == "'none'"
    assert page.headers["x-frame-options"] == "DENY"
    document = client.get(f"/api/v1/documents/{uploaded['id']}")
    assert document.status_code == 200 and document.content == PDF
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"].startswith("inline;")
    assert _csp(document)["frame-ancestors"] == "'self'"
    assert document.headers["x-frame-options"] == "SAMEORIGIN"
    assert document.headers["x-content-type-options"] == "nosniff"
    other = client.get(f"/san-pham/{product}")
    assert _csp(other)["frame-ancestors"] == "'none'" and _csp(other)["frame-src"] == "'none'"
    assert other.headers["x-frame-options"] == "DENY"


def test_an_opinion_longer_than_the_form_takes_is_refused_with_nothing_saved(
    client: TestClient, runtime: Runtime, product: int
) -> None:
    sign_in(client, MEMBER)
    path = f"/san-pham/{product}/phieu-cham"
    refused = client.post(path, data={**form_answers(runtime, product, 76), "opinion": "x" * 5001,
                                      "csrf_token": csrf_of(client, path)})
    assert refused.status_code == 422
    assert 'id="sheet-error"' in refused.text and "x" * 5001 in refused.text
    with runtime.reading() as session:
        assert session.scalars(select(ScoreSheet)).first() is None
