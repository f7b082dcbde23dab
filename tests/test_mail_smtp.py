"""Delivery to a real SMTP server on loopback (aiosmtpd): headers, encoding, multipart,
retries with a stable Message-ID, outages, 4xx and 5xx replies, invalid addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import OutboxMessage
from ocop_cycle.errors import InvalidInput
from ocop_cycle.mail.outbox import enqueue
from ocop_cycle.mail.sender import send_pending
from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.flows import TO_148, register, walk
from tests.smtp_sink import SmtpSink, smtp_runtime_fixture, smtp_sink_fixture  # noqa: F401

CONTEXT = {
    "recipient_name": "HTX Nông nghiệp Đức Tân",
    "product": {"id": 1, "name": "Tỏi Lý Sơn", "state": "renewal_due"},
    "producer_name": "HTX Nông nghiệp Đức Tân",
    "commune_name": "Xã Đức Tân",
    "certificate": {
        "id": 1,
        "number": "OCOP-51-2024-000001-1",
        "stars": 4,
        "decision_number": "88/QĐ-UBND",
        "decision_date": "2024-05-07",
        "expires_on": "2027-05-07",
        "verification_code": "ABCDEFGH23",
        "status": "active",
    },
    "days_left": 30,
    "step": "30d",
}


def queue(runtime: Runtime, recipient: str = "htx.ductan@example.vn", step: str = "30d") -> None:
    with runtime.transaction() as session:
        enqueue(
            session,
            recipient=recipient,
            recipient_name="HTX Nông nghiệp Đức Tân",
            language="vi",
            kind="renewal_reminder",
            product_id=None,
            step=step,
            context=CONTEXT,
            now=runtime.clock.now(),
        )


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def later(runtime: Runtime, minutes: float) -> None:
    runtime.clock = Clock(fixed=runtime.clock.now() + timedelta(minutes=minutes))


def test_a_renewal_reminder_arrives_as_utf8_multipart_with_encoded_vietnamese_headers(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    queue(smtp_runtime)
    report = send_pending(smtp_runtime)
    assert (report.sent, report.failed) == (1, 0)
    (received,) = smtp_sink.received
    assert received.recipients == ["htx.ductan@example.vn"]
    raw_headers = received.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # 7-bit clean
    assert "Subject: =?utf-8?" in raw_headers
    assert "=?utf-8?" in raw_headers.split("From:")[1].split("\n")[0]
    message = received.message
    assert message["Subject"] == (
        'Nhắc gia hạn OCOP: sản phẩm "Tỏi Lý Sơn" hết hạn công nhận sau 30 ngày'
    )
    assert message["From"].addresses[0].display_name == "Hệ thống OCOP Quảng Ngãi"
    assert message["To"].addresses[0].display_name == "HTX Nông nghiệp Đức Tân"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for expected in ("OCOP-51-2024-000001-1", "07/05/2027", "còn 30 ngày", "4 sao"):
        assert expected in text
    # The commune's name carries its own prefix, written once and in lower case.
    assert "cán bộ OCOP xã Đức Tân" in text and "xã Xã" not in text
    assert "<strong>07/05/2027</strong>" in html
    assert message["Content-Language"] == "vi"
    assert message["Message-ID"] == outbox(smtp_runtime)[0].message_id


def test_html_escapes_what_people_typed(smtp_runtime: Runtime, smtp_sink: SmtpSink) -> None:
    with smtp_runtime.transaction() as session:
        enqueue(
            session,
            recipient="htx.ductan@example.vn",
            recipient_name=None,
            language="en",
            kind="dossier_returned",
            product_id=None,
            step="1",
            context={**CONTEXT, "comment": "<script>alert(1)</script> & more"},
            now=smtp_runtime.clock.now(),
        )
    send_pending(smtp_runtime)
    message = smtp_sink.received[0].message
    assert "&lt;script&gt;" in message.get_body(("html",)).get_content()
    assert "<script>alert(1)</script> & more" in message.get_body(("plain",)).get_content()
    assert message["Subject"] == 'The OCOP dossier of "Tỏi Lý Sơn" was returned for completion'


def test_an_smtp_outage_delays_mail_and_loses_none_with_the_same_message_id(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    queue(smtp_runtime)
    smtp_sink.stop()
    report = send_pending(smtp_runtime)
    assert (report.sent, report.retrying) == (0, 1)
    (row,) = outbox(smtp_runtime)
    assert row.status == "pending" and row.attempts == 1
    assert "cannot connect" in (row.last_error or "")
    first_id = row.message_id
    smtp_sink.start()
    assert send_pending(smtp_runtime).claimed == 0  # backing off: not due yet
    later(smtp_runtime, 2)
    assert send_pending(smtp_runtime).sent == 1
    assert smtp_sink.received[0].message["Message-ID"] == first_id
    (row,) = outbox(smtp_runtime)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_a_4xx_reply_is_retried_with_growing_backoff(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    queue(smtp_runtime)
    smtp_sink.reply = "451 4.3.0 Mailbox temporarily unavailable"
    send_pending(smtp_runtime)
    first = outbox(smtp_runtime)[0]
    assert first.status == "pending" and "451" in (first.last_error or "")
    later(smtp_runtime, 1)
    send_pending(smtp_runtime)
    second = outbox(smtp_runtime)[0]
    assert second.attempts == 2
    assert second.next_attempt_at - smtp_runtime.clock.now() == timedelta(minutes=2)
    smtp_sink.reply = "250 OK"
    later(smtp_runtime, 2)
    assert send_pending(smtp_runtime).sent == 1
    assert len(smtp_sink.received) == 1


def test_a_5xx_reply_fails_at_once_keeping_the_reply_and_is_retried_only_by_hand(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, cli: Any
) -> None:
    queue(smtp_runtime)
    smtp_sink.reply = "550 5.1.1 No such user here"
    report = send_pending(smtp_runtime)
    assert (report.failed, report.retrying) == (1, 0)
    (row,) = outbox(smtp_runtime)
    assert row.status == "failed" and "550 5.1.1 No such user here" in (row.last_error or "")
    later(smtp_runtime, 60 * 24)
    assert send_pending(smtp_runtime).claimed == 0
    listed = cli("mail", "list", "--status", "failed", "--json")
    assert [m["id"] for m in listed.json()] == [row.id]
    assert cli("mail", "retry", str(row.id), "--actor", "admin1", "--json").json()["status"] == "pending"
    again = cli("mail", "retry", str(row.id), "--actor", "admin1", "--json")
    assert again.exit_code == 2 and "only failed messages" in again.error()["message"]
    assert cli("mail", "retry", "999", "--actor", "admin1", "--json").exit_code == 6
    smtp_sink.reply = "250 OK"
    send_pending(smtp_runtime)
    assert len(smtp_sink.received) == 1


def test_the_attempts_run_out_into_failed(smtp_runtime: Runtime, smtp_sink: SmtpSink) -> None:
    smtp_runtime.settings = smtp_runtime.settings.replace(mail_max_attempts=3)
    queue(smtp_runtime)
    smtp_sink.reply = "421 4.7.0 Try again later"
    for _ in range(3):
        send_pending(smtp_runtime)
        later(smtp_runtime, 60)
    (row,) = outbox(smtp_runtime)
    assert (row.status, row.attempts) == ("failed", 3)


def test_one_connection_carries_a_whole_batch(smtp_runtime: Runtime, smtp_sink: SmtpSink) -> None:
    for number in range(5):
        queue(smtp_runtime, step=f"step-{number}")
    assert send_pending(smtp_runtime).sent == 5
    assert smtp_sink.connections == 1
    ids = {r.message["Message-ID"] for r in smtp_sink.received}
    assert len(ids) == 5


def test_the_same_reminder_decided_twice_is_one_message(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    queue(smtp_runtime)
    queue(smtp_runtime)
    assert len(outbox(smtp_runtime)) == 1


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("htx.ductan", "must have an @-sign"),
        ("htx ductan@example.vn", "invalid characters before the @-sign: SPACE"),
        ("htx@example", "should have a period"),
        ("htx@@example.vn", "after the @-sign contains invalid characters"),
        ("htx@-bad-.vn", "hyphen immediately after the @-sign"),
        ("nguyễn@example.vn", "Internationalized characters before the @-sign"),
    ],
)
def test_an_invalid_recipient_is_refused_when_the_row_is_created(
    smtp_runtime: Runtime, address: str, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        queue(smtp_runtime, recipient=address)
    assert "Correct the person's email" in refused.value.message
    assert outbox(smtp_runtime) == []


def test_a_producer_preferring_english_gets_english(
    smtp_runtime: Runtime, smtp_sink: SmtpSink, world: World
) -> None:
    from ocop_cycle.services import people

    english = people.add_producer(
        smtp_runtime,
        actor="admin1",
        name="Ly Son Garlic Co.",
        type="enterprise",
        commune_code=world.commune,
        email="garlic@example.vn",
        language="en",
    ).id
    product_id = register(smtp_runtime, english)
    walk(smtp_runtime, product_id, TO_148["idea_returned"])
    send_pending(smtp_runtime)
    (received,) = smtp_sink.received
    assert received.message["Subject"] == 'The product idea "Tỏi Lý Sơn" needs more information'
    assert received.message["Content-Language"] == "en"


def test_settings_name_the_smtp_server(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ocop_cycle.config import Settings

    for key, value in {
        "OCOP_MAIL_BACKEND": "smtp",
        "OCOP_SMTP_HOST": "mail.quangngai.gov.vn",
        "OCOP_SMTP_PORT": "465",
        "OCOP_SMTP_TLS": "tls",
        "OCOP_SMTP_USERNAME": "ocop",
        "OCOP_SMTP_PASSWORD": "secret",
        "OCOP_SMTP_TIMEOUT": "12.5",
        "OCOP_MAIL_DIR": str(tmp_path),
        "OCOP_MAIL_FROM": "OCOP <ocop@quangngai.gov.vn>",
    }.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert (settings.mail_backend, settings.smtp_host, settings.smtp_port) == (
        "smtp",
        "mail.quangngai.gov.vn",
        465,
    )
    assert settings.smtp_tls == "tls" and settings.smtp_timeout == 12.5
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "secret"
    assert "secret" not in repr(settings)


def test_a_lease_too_short_to_send_anything_is_refused_clearly(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    smtp_runtime.settings = smtp_runtime.settings.replace(mail_lease_seconds=20.0, smtp_timeout=5.0)
    queue(smtp_runtime)
    report = send_pending(smtp_runtime)
    assert report.stopped is not None
    assert "OCOP_MAIL_LEASE_SECONDS (20) leaves no time to send" in report.stopped
    assert (report.claimed, outbox(smtp_runtime)[0].status) == (0, "pending")
    assert smtp_sink.received == []


def test_mail_is_sent_from_code_that_already_runs_an_event_loop(
    smtp_runtime: Runtime, smtp_sink: SmtpSink
) -> None:
    """A web handler or a browser driver in the same process has a loop running."""
    import asyncio

    queue(smtp_runtime)

    async def from_a_running_loop() -> int:
        return send_pending(smtp_runtime).sent

    assert asyncio.run(from_a_running_loop()) == 1
    assert len(smtp_sink.received) == 1
