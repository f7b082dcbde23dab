"""Sending pending outbox rows: claim with a lease, deliver, record, back off.

1. Claim (one short transaction): due ``pending`` rows, and ``sending`` rows whose lease
   ran out (their sender died), become ``sending`` with a new lease; on PostgreSQL
   ``FOR UPDATE SKIP LOCKED`` lets two senders share the queue without sending a row twice.
2. Deliver the batch outside any transaction (one SMTP connection), starting no message
   once the lease is too close to its end (``sending_budget``).
3. Record each message right after the server answered, in its own short transaction:
   ``sent``; or back to ``pending`` with exponential backoff after a temporary failure,
   ``failed`` once the attempts run out; ``failed`` at once after a permanent (5xx)
   refusal, keeping the server's reply (a refused recipient marks the address
   undeliverable); back to ``pending`` untouched when the batch stopped before it.
A sender killed between the server's acceptance and step 3 leaves that one row
``sending`` until the lease ends; then it is sent again with the same Message-ID, so a
receiver can tell the duplicate (at-least-once: at most one duplicate per kill).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update

from ocop_cycle.config import Settings
from ocop_cycle.db.models.outbox import OutboxMessage
from ocop_cycle.db.tables.outbox import FAILED, PENDING, SENDING, SENT, SKIPPED
from ocop_cycle.errors import OcopError
from ocop_cycle.mail.addresses import sender_address
from ocop_cycle.mail.backends import Backend, Batch, Result, backend_for
from ocop_cycle.mail.message import build_message
from ocop_cycle.mail.templates import render
from ocop_cycle.mail.undeliverable import mark_undeliverable, skip_reason
from ocop_cycle.runtime import Runtime


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    # Why a batch stopped before sending (login or certificate refused): rows stay pending.
    stopped: str | None = None

    def add(self, other: SendReport) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        self.stopped = self.stopped or other.stopped

    def as_dict(self) -> dict[str, object]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": self.errors[:20],
            "stopped": self.stopped,
        }


def backoff(settings_base: float, attempts: int) -> timedelta:
    """Base × 2^(attempts−1), capped at a day: 1, 2, 4, 8 … minutes with the default."""
    return timedelta(seconds=min(settings_base * 2 ** max(attempts - 1, 0), 86_400.0))


def claim(runtime: Runtime, now: datetime, limit: int) -> list[OutboxMessage]:
    lease = timedelta(seconds=runtime.settings.mail_lease_seconds)
    with runtime.transaction() as session:
        statement = (
            select(OutboxMessage)
            .where(
                or_(
                    (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == SENDING) & (OutboxMessage.lease_until <= now),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(session.scalars(statement))
        for row in rows:
            row.status = SENDING
            row.lease_until = now + lease
            row.attempts += 1
        return rows


def send_batch(
    runtime: Runtime, *, backend: Backend | None = None, limit: int | None = None
) -> SendReport:
    """Claim up to ``limit`` rows, deliver them, record each result as it comes."""
    settings = runtime.settings
    if sending_budget(settings) <= 0:
        return SendReport(
            stopped=f"OCOP_MAIL_LEASE_SECONDS ({settings.mail_lease_seconds:g}) leaves no time "
            f"to send: it must exceed five SMTP timeouts (5 × OCOP_SMTP_TIMEOUT = "
            f"{5 * settings.smtp_timeout:g} s)"
        )
    now = runtime.clock.now()
    rows = claim(runtime, now, limit or settings.mail_batch_size)
    report = SendReport(claimed=len(rows))
    if not rows:
        return report
    backend = backend or backend_for(settings)
    sender = sender_address(settings.mail_from)
    recorder = _Recorder(runtime, {row.id: row for row in rows}, report)
    built: list[tuple[int, EmailMessage]] = []
    for row in rows:
        try:
            rendered = render(row.kind, row.language, row.context, settings.notifications_dir)
        except OcopError as exc:
            recorder(row.id, Result("permanent", f"cannot render: {exc.message}"))
            continue
        built.append(
            (
                row.id,
                build_message(
                    sender=sender,
                    recipient=row.recipient,
                    recipient_name=row.recipient_name,
                    rendered=rendered,
                    message_id=row.message_id,
                    language=row.language,
                    kind=row.kind,
                    now=now,
                ),
            )
        )
    if built:
        report.stopped = backend.deliver(
            recorder.still_deliverable(built), recorder, sending_budget(settings)
        )
    return report


def sending_budget(settings: Settings) -> float:
    """Seconds a sender may go on starting messages after its claim: the lease less the
    longest one message can take (connect, MAIL, RCPT, DATA, each up to the timeout), so
    that no row is still being sent when its lease lets another sender take it."""
    return max(settings.mail_lease_seconds - 5 * settings.smtp_timeout, 0.0)


@dataclass
class _Recorder:
    """Records one message's result in its own short transaction, right after the
    server answered: an acceptance is stored before the next message is started."""

    runtime: Runtime
    claimed: dict[int, OutboxMessage]
    report: SendReport
    # Addresses refused for good during this batch, with the reason to skip the rest.
    refused: dict[str, str] = field(default_factory=dict)

    def still_deliverable(self, built: Batch) -> Iterator[tuple[int, EmailMessage]]:
        """The batch, less the messages to an address refused earlier in it."""
        for row_id, message in built:
            reason = self.refused.get(self.claimed[row_id].recipient.lower())
            if reason is None:
                yield row_id, message
            else:
                self(row_id, Result("skipped", reason))

    def __call__(self, row_id: int, result: Result) -> None:
        claimed = self.claimed[row_id]
        settings = self.runtime.settings
        done_at = self.runtime.clock.now()
        values: dict[str, object] = {"lease_until": None}
        if result.outcome == "sent":
            values.update(status=SENT, sent_at=done_at, last_error=None)
        elif result.outcome == "skipped":
            values.update(status=SKIPPED, attempts=claimed.attempts - 1, last_error=result.detail)
        elif result.outcome == "unattempted":
            # Given back as it was before the claim: this attempt does not count.
            values.update(
                status=PENDING,
                attempts=claimed.attempts - 1,
                next_attempt_at=done_at,
                last_error=result.detail,
            )
        elif result.outcome == "permanent" or claimed.attempts >= settings.mail_max_attempts:
            values.update(status=FAILED, last_error=result.detail)
        else:
            values.update(
                status=PENDING,
                last_error=result.detail,
                next_attempt_at=done_at + backoff(settings.mail_backoff_seconds, claimed.attempts),
            )
        with self.runtime.transaction() as session:
            changed = session.connection().execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row_id,
                    OutboxMessage.status == SENDING,
                    # Another sender took it over after our lease ran out: leave it.
                    OutboxMessage.lease_until == claimed.lease_until,
                )
                .values(**values)
            ).rowcount
            if changed and result.address_refused:
                mark_undeliverable(session, claimed.recipient, result.detail, done_at)
                self.refused[claimed.recipient.lower()] = skip_reason(
                    claimed.recipient, result.detail, done_at
                )
        if not changed:
            return
        status = values["status"]
        if status == SENT:
            self.report.sent += 1
        elif status == FAILED:
            self.report.failed += 1
        elif status == SKIPPED:
            self.report.skipped += 1
        elif result.outcome != "unattempted":
            self.report.retrying += 1
        if status != SENT:
            self.report.errors.append(f"#{row_id}: {result.detail}")


def send_pending(
    runtime: Runtime, *, backend: Backend | None = None, max_batches: int = 100
) -> SendReport:
    """Send batches until nothing due is left (or ``max_batches`` ran)."""
    total = SendReport()
    for _ in range(max_batches):
        report = send_batch(runtime, backend=backend)
        total.add(report)
        if report.stopped or report.claimed < runtime.settings.mail_batch_size:
            break
        if report.sent == 0:
            break
    return total
