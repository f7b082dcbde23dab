"""Mail a producer can trust: after the scheduler was down, a reminder series sends only
its newest due step and nothing after the certificate expired but the expiry notice; an
upgrade that earned no more stars says so instead of congratulating; unit names are
written with their own prefix once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.errors import PermissionDenied
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire, register_product
from tests.conftest import World
from tests.flows import certified_148_on, product_in
from tests.test_deadlines_workflow import at, delivered, rows, tick


@pytest.fixture
def runtime(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Runtime]:
    """The test database, with mail written as .eml files to a folder of this test."""
    built = Runtime.create(Settings(database_url=database_url, mail_dir=tmp_path / "mail"), clock)
    yield built
    built.close()


def reminder_rows(runtime: Runtime, product_id: int) -> dict[str, tuple[str, str]]:
    return {
        row.step: (row.status, row.outcome or "")
        for row in rows(runtime, product_id, kind="reminder", name="renewal_reminder")
    }


def test_after_an_outage_a_reminder_series_sends_only_its_newest_due_step(
    runtime: Runtime, world: World
) -> None:
    # A 148 series written before 26/2026 (from 2026-05-22 every certificate gets the
    # re-rating series, tests/test_deadlines_workflow.py).
    product_id = certified_148_on(runtime, world.producer_id, "2023-05-07")  # expires 07/05/2026
    tick(runtime, "2025-11-09T08:00")  # renewal opens; the 180-day reminder goes out
    assert len(delivered(runtime, "renewal_reminder")) == 1
    # The scheduler is down from 10/11/2025 to 07/04/2026: the 90- and 30-day steps are due.
    report = tick(runtime, "2026-04-07T08:00")
    reminders = delivered(runtime, "renewal_reminder")
    assert len(reminders) == 2
    assert "hết hạn công nhận sau 30 ngày" in reminders[-1]["Subject"]
    steps = reminder_rows(runtime, product_id)
    assert steps["90d"][0] == "skipped"
    assert "the newer step 30d of this series is due too" in steps["90d"][1]
    assert steps["30d"][0] == "done" and steps["7d"][0] == "pending"
    assert report["sweep"]["skipped"] == 1


def test_after_the_expiry_no_reminder_is_sent_only_the_expiry_notice(
    runtime: Runtime, world: World
) -> None:
    # The repro: certified, one tick 180 days before expiry, then none until after it.
    product_id = certified_148_on(runtime, world.producer_id, "2023-05-07")
    tick(runtime, "2025-11-09T08:00")
    before = len(delivered(runtime))
    tick(runtime, "2026-05-08T08:00")
    new = delivered(runtime)[before:]
    assert [m["X-OCOP-Kind"] for m in new] == ["certificate_expired"]
    steps = reminder_rows(runtime, product_id)
    for step in ("90d", "30d", "7d", "0d"):
        status, outcome = steps[step]
        assert status == "skipped", step
        assert "expired on 2026-05-07; the producer gets the expiry notice" in outcome


def test_on_the_expiry_day_itself_the_last_reminder_still_goes_out(
    runtime: Runtime, world: World
) -> None:
    certified_148_on(runtime, world.producer_id, "2023-05-07")
    tick(runtime, "2025-11-09T08:00")
    tick(runtime, "2026-05-07T08:00")  # the last valid day: the 7-day step is overtaken
    reminders = delivered(runtime, "renewal_reminder")
    assert "hết hạn công nhận hôm nay" in reminders[-1]["Subject"]
    assert len(reminders) == 2


def test_an_upgrade_with_no_gain_says_the_product_keeps_its_stars_and_never_congratulates(
    runtime: Runtime, world: World
) -> None:
    at(runtime, "2024-07-01T09:00")  # after the scripted decision of 20/06/2024
    product_id = product_in(runtime, world.producer_id, "certified")
    tick(runtime, "2024-07-01T10:00")
    (issued,) = delivered(runtime, "certificate_issued")
    for trigger, actor, data in (
        ("request_upgrade", "producer1", {}),
        ("accept_dossier", "district1", {}),
        ("close_evaluation", "district1", {"score": "68", "minutes": "01/BB-HĐ"}),
    ):
        fire(runtime, product_id, trigger, actor=actor, data=data)
    tick(runtime, "2024-07-02T10:00")
    assert len(delivered(runtime, "certificate_issued")) == 1  # no second congratulation
    (kept,) = delivered(runtime, "certificate_kept")
    assert kept["Subject"] == (
        'Kết quả đánh giá nâng hạng sản phẩm "Tỏi Lý Sơn": giữ hạng 3 sao'
    )
    text = kept.get_body(("plain",)).get_content()
    assert "Chúc mừng" not in text
    assert "giữ hạng OCOP 3 sao" in text
    number = issued.get_body(("plain",)).get_content().split("Số giấy chứng nhận: ")[1].split()[0]
    assert f"Số giấy chứng nhận: {number}" in text
    assert "không có giấy chứng nhận mới" in text


def test_messages_name_the_commune_with_its_own_prefix_once(
    runtime: Runtime, world: World
) -> None:
    product_in(runtime, world.producer_id, "idea_returned")
    tick(runtime, "2024-03-01T10:00")
    (returned,) = delivered(runtime, "idea_returned")
    text = returned.get_body(("plain",)).get_content()
    assert "cán bộ OCOP xã Đức Tân" in text
    assert "Xã Đức Tân" not in text.replace("HTX Nông nghiệp Đức Tân", "")
    html = returned.get_body(("html",)).get_content()
    assert "cán bộ OCOP xã Đức Tân" in html


def test_a_refused_registration_names_the_new_product_not_none(
    runtime: Runtime, world: World
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        register_product(
            runtime, name="Tỏi Lý Sơn", producer_id=world.producer_id, group="food",
            actor="commune2",
        )
    message = refused.value.message
    assert "None" not in message
    assert "may not register the new product 'Tỏi Lý Sơn'" in message


def test_the_verification_names_the_issuing_province_once(
    cli: Any, runtime: Runtime, world: World
) -> None:
    at(runtime, "2024-09-01T09:00")
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    for trigger, actor, data in (
        ("close_evaluation", "district1", {"score": "75", "minutes": "01/BB-HĐ"}),
        ("close_evaluation", "province1", {"score": "80", "minutes": "01/BB-HĐ"}),
        ("issue_certificate", "province1",
         {"decision_number": "1890/QĐ-UBND", "decision_date": "2024-08-15"}),
    ):
        fire(runtime, product_id, trigger, actor=actor, data=data)
    (certificate,) = cli("certificate", "list", "--json", as_of="2024-09-01").json()
    shown = cli("certificate", "verify", certificate["verification_code"], as_of="2024-09-01").stdout
    assert "UBND tỉnh Quảng Ngãi" in " ".join(shown.split())
    assert "Tỉnh Quảng Ngãi" not in shown and "cấp tỉnh" not in shown
