"""Deadlines and timers follow the workflow: entering a state writes its rows, leaving it
cancels them, timers fire through the engine, reminders arrive on their days once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ocop_cycle.clock import Clock, parse_instant
from ocop_cycle.config import Settings
from ocop_cycle.db.models import Certificate, History, OutboxMessage, Product, ScheduleItem
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling import runner
from ocop_cycle.scheduling.bulk import plan_products
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import TO_148, certified_148_on, register, walk


@pytest.fixture
def runtime(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Runtime]:
    """The test database, with mail written as .eml files to a folder of this test."""
    built = Runtime.create(Settings(database_url=database_url, mail_dir=tmp_path / "mail"), clock)
    yield built
    built.close()


def at(runtime: Runtime, when: str) -> None:
    runtime.clock = Clock(fixed=parse_instant(when))


def tick(runtime: Runtime, when: str, digest: bool = False) -> dict[str, Any]:
    at(runtime, when)
    return runner.tick(runtime, digest=digest).as_dict()


def delivered(runtime: Runtime, kind: str | None = None) -> list[Any]:
    folder = runtime.settings.mail_dir
    messages = (
        [
            message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]
        if folder.exists()
        else []
    )
    return [m for m in messages if kind is None or m["X-OCOP-Kind"] == kind]


def rows(runtime: Runtime, product_id: int, **where: Any) -> list[ScheduleItem]:
    with runtime.transaction() as session:
        statement = select(ScheduleItem).where(ScheduleItem.product_id == product_id)
        for key, value in where.items():
            statement = statement.where(getattr(ScheduleItem, key) == value)
        return list(session.scalars(statement.order_by(ScheduleItem.id)))


def test_submitting_a_dossier_gives_the_district_ten_working_days_across_tet(
    runtime: Runtime, world: World, cli: Any
) -> None:
    at(runtime, "2024-02-05T09:00")
    product_id = register(runtime, world.producer_id)
    walk(runtime, product_id, TO_148["dossier_submitted"])
    view = show_product(runtime, product_id)
    (deadline,) = [d for d in view["open_deadlines"] if d["kind"] == "deadline"]
    assert deadline["name"] == "dossier_check"
    assert deadline["role"] == "district_officer"
    assert deadline["due_on"] == "2024-02-26"  # 8–14 Feb is Tết
    shown = cli("product", "show", str(product_id), as_of="2024-02-05")
    assert shown.exit_code == 0
    assert "dossier_check: Kiểm tra hồ sơ đánh giá — district_officer by 26/02/2024" in shown.stdout
    as_json = cli("product", "show", str(product_id), "--json").json()
    assert as_json["open_deadlines"][0]["due_on"] == "2024-02-26"


def test_leaving_a_state_closes_its_deadline_and_cancels_its_escalation(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world.producer_id)
    walk(runtime, product_id, TO_148["dossier_submitted"])
    fire(runtime, product_id, "accept_dossier", actor="district1")
    check = rows(runtime, product_id, name="dossier_check")
    assert {(row.kind, row.status) for row in check} == {
        ("deadline", "closed"),
        ("escalation", "cancelled"),
    }
    (council,) = rows(runtime, product_id, name="council_session", kind="deadline")
    assert council.status == "open"
    assert council.state == "district_evaluation"


def test_a_148_certificate_gets_the_26_2026_rerating_reminders_once_each_across_tet(
    runtime: Runtime, world: World
) -> None:
    """Issued under 148, re-rated under 26/2026 (Art. 12.4): its window runs 180 to 120 days
    before expiry (Art. 7.6) and nothing asks the producer to file after it has closed."""
    product_id = certified_148_on(runtime, world.producer_id, "2024-07-06")  # expires 2027-07-06
    assert len(delivered(runtime)) == 0  # written to the outbox, not yet sent
    tick(runtime, "2024-07-07T08:00")
    assert [m["X-OCOP-Kind"] for m in delivered(runtime)] == ["certificate_issued"]
    # 180, 150 (on Tết 2027: mùng 1 is 6 Feb), 130 and 120 days before (the last day to file).
    expected = ["2027-01-07", "2027-02-06", "2027-02-26", "2027-03-08"]
    for number, day in enumerate(expected, start=1):
        before = date.fromisoformat(day).toordinal() - 1
        tick(runtime, date.fromordinal(before).isoformat() + "T23:00")
        assert len(delivered(runtime, "rerating_reminder")) == number - 1, day
        tick(runtime, day + "T00:05")
        tick(runtime, day + "T12:00")
        assert len(delivered(runtime, "rerating_reminder")) == number, day
    reminders = delivered(runtime, "rerating_reminder")
    assert "06/07/2027" in reminders[1].get_body(("plain",)).get_content()
    for day in ("2027-03-09", "2027-04-07", "2027-06-29", "2027-07-05"):
        tick(runtime, day + "T12:00")
    assert len(delivered(runtime, "rerating_reminder")) == 4
    tick(runtime, "2027-08-01")
    assert len(delivered(runtime, "rerating_reminder")) == 4
    assert len(delivered(runtime, "renewal_reminder")) == 0
    assert show_product(runtime, product_id)["state"] == "expired"
    assert len(delivered(runtime, "certificate_expired")) == 1


def test_submitting_the_renewal_stops_the_reminders_but_the_old_certificate_still_expires(
    runtime: Runtime, world: World
) -> None:
    product_id = certified_148_on(runtime, world.producer_id, "2024-05-07")
    tick(runtime, "2026-11-08")
    assert show_product(runtime, product_id)["state"] == "renewal_due"
    at(runtime, "2026-12-01")
    fire(runtime, product_id, "submit_renewal", actor="producer1")
    pending = rows(runtime, product_id, kind="reminder", status="pending")
    assert pending == []
    tick(runtime, "2027-05-07T08:00")
    assert len(delivered(runtime, "rerating_reminder")) == 1  # only the 180-day one
    with runtime.transaction() as session:
        certificate = session.scalars(
            select(Certificate).where(Certificate.product_id == product_id)
        ).one()
        assert certificate.status == "expired"
        product = session.get(Product, product_id)
        # filed through 26/2026 (Art. 12): a re-rating, no longer a first-time dossier
        assert product is not None and product.state == "rerating_submitted"
        last = session.scalars(
            select(History).where(History.product_id == product_id).order_by(History.id.desc())
        ).first()
        assert last is not None and last.trigger == "certificate_expired"
    assert len(delivered(runtime, "certificate_expired")) == 1


def test_revoking_a_certificate_cancels_its_timers(runtime: Runtime, world: World) -> None:
    product_id = certified_148_on(runtime, world.producer_id, "2024-05-07")
    fire(
        runtime,
        product_id,
        "revoke",
        actor="district1",
        data={"reason": "Vi phạm an toàn thực phẩm", "decision_number": "77/QĐ-UBND"},
    )
    assert rows(runtime, product_id, status="pending") == []
    tick(runtime, "2027-05-08")
    assert show_product(runtime, product_id)["state"] == "revoked"
    assert len(delivered(runtime, "certificate_revoked")) == 1
    revoked = delivered(runtime, "certificate_revoked")[0].get_body(("plain",)).get_content()
    assert "Vi phạm an toàn thực phẩm" in revoked


def test_a_timer_fires_through_the_engine_as_the_system_user(
    runtime: Runtime, world: World
) -> None:
    product_id = certified_148_on(runtime, world.producer_id, "2024-05-07")
    report = tick(runtime, "2026-11-08")
    assert f"#{product_id}: open_renewal certified → renewal_due" in report["sweep"]["effects"]
    history = show_product(runtime, product_id)["history"]
    assert history[-1]["trigger"] == "open_renewal"
    assert (history[-1]["actor"], history[-1]["role"]) == ("system", "system")
    # A second sweep at the same instant finds nothing left to do.
    again = tick(runtime, "2026-11-08")
    assert again["sweep"]["done"] == 0


def test_an_overdue_check_is_listed_in_the_digest_then_escalated_to_the_province(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world.producer_id)
    walk(runtime, product_id, TO_148["dossier_submitted"])  # 2024-03-01: due 2024-03-15
    tick(runtime, "2024-03-12T08:00", digest=True)
    assert delivered(runtime, "deadline_digest") == []  # not yet in its reminder period
    tick(runtime, "2024-03-13T08:00", digest=True)
    (due,) = delivered(runtime, "deadline_digest")
    assert due["To"].addresses[0].addr_spec == "huyen@example.vn"
    assert "1 sắp đến hạn, 0 quá hạn" in due["Subject"]
    tick(runtime, "2024-03-13T09:00", digest=True)  # the same day: one digest only
    assert len(delivered(runtime, "deadline_digest")) == 1
    tick(runtime, "2024-03-18T08:00", digest=True)
    overdue = delivered(runtime, "deadline_digest")[-1]
    assert "0 sắp đến hạn, 1 quá hạn" in overdue["Subject"]
    assert delivered(runtime, "escalation") == []
    tick(runtime, "2024-03-22T08:00", digest=True)  # 5 working days after the due date
    (escalation,) = delivered(runtime, "escalation")
    assert escalation["To"].addresses[0].addr_spec == "tinh@example.vn"
    assert "Quá hạn" in escalation["Subject"]
    digests = [m for m in delivered(runtime, "deadline_digest") if "tinh@" in str(m["To"])]
    assert len(digests) == 1 and "1 chuyển cấp trên" in digests[0]["Subject"]
    view = show_product(runtime, product_id)
    assert view["open_deadlines"][0]["escalated_at"] is not None


def test_messages_sent_on_entering_a_state_go_to_the_producer_in_their_language(
    runtime: Runtime, world: World
) -> None:
    product_id = register(runtime, world.producer_id)
    walk(runtime, product_id, TO_148["dossier_returned"])
    with runtime.transaction() as session:
        (message,) = session.scalars(select(OutboxMessage)).all()
        assert (message.kind, message.recipient, message.language) == (
            "dossier_returned",
            "htx.ductan@example.vn",
            "vi",
        )
        assert message.context["comment"] == "Thiếu phiếu kiểm nghiệm"


def test_bulk_planning_for_imports_gives_the_rows_the_workflow_gives(
    runtime: Runtime, world: World
) -> None:
    product_id = certified_148_on(runtime, world.producer_id, "2024-05-07")
    tick(runtime, "2026-11-08")  # now in renewal_due, with its reminders
    now = runtime.clock.now()
    through_workflow = {
        (row.kind, row.name, row.step, row.due_on)
        for row in rows(runtime, product_id)
        if row.status in ("pending", "open") or (row.kind, row.step) == ("reminder", "180d")
    }
    with runtime.transaction() as session:
        planned = list(plan_products(session, runtime.workflows, [product_id], now=now))
        session.rollback()
    assert {(r["kind"], r["name"], r["step"], r["due_on"]) for r in planned} == through_workflow


def test_a_workflow_migration_rewrites_the_deadlines_for_the_new_rules(
    runtime: Runtime, world: World
) -> None:
    from ocop_cycle.resources import data_dir
    from ocop_cycle.services.migration import migrate

    checking = register(runtime, world.producer_id)
    walk(runtime, checking, TO_148["dossier_submitted"])
    certified = certified_148_on(runtime, world.producer_id, "2024-05-07")
    at(runtime, "2025-07-07T09:00")
    migrate(
        runtime,
        from_workflow="ocop-148",
        to_workflow="ocop-1489",
        map_path=data_dir("workflows") / "migrations" / "ocop-148-to-1489.yaml",
        actor="admin1",
    )
    (deadline,) = show_product(runtime, checking)["open_deadlines"]
    # Under 1489 the commune checks the dossier; the period runs from the migration.
    assert (deadline["name"], deadline["role"]) == ("dossier_check", "commune_officer")
    assert deadline["rule"]["from"] == "2025-07-07"
    kept = rows(runtime, certified, status="pending")
    assert sorted((row.kind, row.workflow) for row in kept) == [
        ("expiry", "ocop-148"),  # the certificate's own end, written once
        ("timer", "ocop-1489"),
    ]
