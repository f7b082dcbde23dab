"""A real server (aiosmtpd) refusing at MAIL FROM, RCPT TO and DATA, temporarily (4xx)
and for good (5xx); a recipient refused for good is remembered on the producer, listed
in the province officer's digest, and not attempted again until the address is edited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ocop_cycle.db.models import User
from ocop_cycle.mail.sender import send_pending
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.digest import write_digests
from tests.conftest import World
from tests.smtp_sink import SmtpSink, smtp_runtime_fixture, smtp_sink_fixture  # noqa: F401
from tests.test_mail_smtp import later, outbox, queue

PRODUCER_EMAIL = "htx.ductan@example.vn"  # the world's producer in Xã Đức Tân
NO_SUCH_USER = "550 5.1.1 <htx.ductan@example.vn>: Recipient address rejected"


def refuse(sink: SmtpSink, stage: str, reply: str) -> None:
    setattr(sink, {"MAIL": "mail_reply", "RCPT": "rcpt_reply", "DATA": "reply"}[stage], reply)


@pytest.mark.parametrize("stage", ["MAIL", "RCPT", "DATA"])
def test_a_4xx_at_any_stage_keeps_the_message_for_a_later_attempt(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World, cli: Any, stage: str
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL)
    refuse(smtp_sink, stage, "451 4.3.0 Try again later")
    report = send_pending(smtp_runtime)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    (row,) = outbox(smtp_runtime)
    assert row.status == "pending" and "451 4.3.0 Try again later" in (row.last_error or "")
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert (shown["email_status"], shown["email_error"]) == ("ok", None)
    refuse(smtp_sink, stage, "250 OK")
    later(smtp_runtime, 2)
    assert send_pending(smtp_runtime).sent == 1
    assert [r.recipients for r in smtp_sink.received] == [[PRODUCER_EMAIL]]


@pytest.mark.parametrize("stage", ["RCPT", "DATA"])
def test_a_mailbox_refused_for_good_marks_the_producers_address_undeliverable(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World, cli: Any, stage: str
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL, step="30d")
    queue(smtp_runtime, recipient=PRODUCER_EMAIL, step="7d")
    smtp_sink.rcpt_reply = "250 OK"
    refuse(smtp_sink, stage, NO_SUCH_USER)
    report = send_pending(smtp_runtime, max_batches=1)
    assert smtp_sink.received == []
    first, second = outbox(smtp_runtime)
    # The first is refused; the second, to the same address, is then not attempted.
    assert first.status == "failed" and NO_SUCH_USER in (first.last_error or "")
    assert second.status == "skipped"
    assert "edit the address to send again" in (second.last_error or "")
    assert (report.failed, report.sent) == (1, 0)
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert shown["email_status"] == "undeliverable"
    assert shown["email_error"] == NO_SUCH_USER
    assert shown["email_failed_at"].startswith("2024-03-01")


def test_a_refused_sender_fails_the_message_but_not_the_recipients_address(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World, cli: Any
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL)
    smtp_sink.mail_reply = "553 5.7.1 Sender address rejected: not owned by user"
    report = send_pending(smtp_runtime)
    assert report.failed == 1
    (row,) = outbox(smtp_runtime)
    assert row.status == "failed" and "553 5.7.1" in (row.last_error or "")
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert shown["email_status"] == "ok"


def test_content_refused_for_good_does_not_blame_the_address(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World, cli: Any
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL)
    smtp_sink.reply = "554 5.7.1 Message rejected as spam"
    send_pending(smtp_runtime)
    assert outbox(smtp_runtime)[0].status == "failed"
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert shown["email_status"] == "ok"


def test_later_messages_to_an_undeliverable_address_are_skipped_until_it_is_edited(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World, cli: Any
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL, step="90d")
    smtp_sink.rcpt_reply = NO_SUCH_USER
    send_pending(smtp_runtime)
    smtp_sink.rcpt_reply = "250 OK"
    queue(smtp_runtime, recipient=PRODUCER_EMAIL, step="30d")
    skipped = outbox(smtp_runtime)[-1]
    assert skipped.status == "skipped" and NO_SUCH_USER in (skipped.last_error or "")
    later(smtp_runtime, 60)
    assert send_pending(smtp_runtime).claimed == 0
    listed = cli("mail", "list", "--status", "skipped", "--json").json()
    assert [m["id"] for m in listed] == [skipped.id]
    edited = cli(
        "producer", "edit", str(world.producer_id), "--email", "hoptacxa.ductan@example.vn",
        "--actor", "commune1", "--json",
    )
    assert edited.exit_code == 0, edited.stderr
    assert (edited.json()["email_status"], edited.json()["email_error"]) == ("ok", None)
    queue(smtp_runtime, recipient="hoptacxa.ductan@example.vn", step="7d")
    assert send_pending(smtp_runtime).sent == 1
    assert smtp_sink.received[0].recipients == ["hoptacxa.ductan@example.vn"]


def test_the_province_digest_lists_producers_mail_cannot_reach(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL)
    smtp_sink.rcpt_reply = NO_SUCH_USER
    send_pending(smtp_runtime)
    smtp_sink.rcpt_reply = "250 OK"
    report = write_digests(smtp_runtime)
    assert report.officers == 1  # the province officer; nothing else is due
    send_pending(smtp_runtime)
    (digest,) = smtp_sink.received
    assert digest.recipients == ["tinh@example.vn"]
    text = digest.message.get_body(("plain",)).get_content()
    assert "Chủ thể không nhận được thư của hệ thống (1)" in text
    assert (
        f"Chủ thể #{world.producer_id} HTX Nông nghiệp Đức Tân (Xã Đức Tân): "
        f"địa chỉ {PRODUCER_EMAIL} bị máy chủ thư từ chối ({NO_SUCH_USER})"
    ) in text
    assert "Cơ sở Bánh tráng Thắng Lợi" not in text  # its address works


def test_an_officers_refused_address_skips_their_digest_until_it_changes(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World
) -> None:
    queue(smtp_runtime, recipient=PRODUCER_EMAIL)
    smtp_sink.rcpt_reply = "550 5.1.1 <htx.ductan@example.vn>: Recipient address rejected"
    send_pending(smtp_runtime)  # the producer becomes unreachable: the province is told
    smtp_sink.rcpt_reply = "550 5.1.1 <tinh@example.vn>: Recipient address rejected"
    write_digests(smtp_runtime)
    send_pending(smtp_runtime)
    with smtp_runtime.transaction() as session:
        officer = session.scalars(select(User).where(User.username == "province1")).one()
        assert (officer.email_status, officer.email_error) == (
            "undeliverable", "550 5.1.1 <tinh@example.vn>: Recipient address rejected"
        )
        officer.email = "sonnmt@example.vn"  # a changed address starts deliverable again
    with smtp_runtime.transaction() as session:
        officer = session.scalars(select(User).where(User.username == "province1")).one()
        assert (officer.email_status, officer.email_error) == ("ok", None)
    later(smtp_runtime, 60 * 24)
    smtp_sink.rcpt_reply = "250 OK"
    write_digests(smtp_runtime)
    send_pending(smtp_runtime)
    assert [r.recipients for r in smtp_sink.received] == [["sonnmt@example.vn"]]
