"""Sending pending outbox rows: claim with a lease, deliver, record, back off.

1. Claim (one short transaction): due ``pending`` rows, and ``sending`` rows whose lease
   ran out (their sender died), become ``sending`` with a new lease; on PostgreSQL
   ``FOR UPDATE SKIP LOCKED`` lets two senders share the queue without sending a row twice.
2. Deliver the batch outside any transaction (one SMTP connection).
3. Record (one transaction): ``sent``; or back to ``pending`` with exponential backoff
   after a temporary failure, ``failed`` once the attempts run out; ``failed`` at once
   after a permanent (5xx) refusal, keeping the server's reply.
A crash between 1 and 3 leaves rows ``sending`` until the lease ends; then they are sent
again with the same Message-ID, so a receiver can tell the duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select

from ocop_cycle.db.models.outbox import FAILED, PENDING, SENDING, SENT, OutboxMessage
from ocop_cycle.errors import OcopError
from ocop_cycle.mail.addresses import sender_address
from ocop_cycle.mail.backends import Backend, Result, backend_for
from ocop_cycle.mail.message import build_message
from ocop_cycle.mail.templates import render
from ocop_cycle.runtime import Runtime


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: SendReport) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, object]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "errors": self.errors[:20],
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
    """Claim up to ``limit`` rows, deliver them, record what happened."""
    settings = runtime.settings
    now = runtime.clock.now()
    rows = claim(runtime, now, limit or settings.mail_batch_size)
    report = SendReport(claimed=len(rows))
    if not rows:
        return report
    backend = backend or backend_for(settings)
    sender = sender_address(settings.mail_from)
    built: list[tuple[int, EmailMessage]] = []
    results: dict[int, Result] = {}
    for row in rows:
        try:
            rendered = render(row.kind, row.language, row.context, settings.notifications_dir)
        except OcopError as exc:
            results[row.id] = Result("permanent", f"cannot render: {exc.message}")
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
        results.update(backend.deliver(built))
    _record(runtime, rows, results, report)
    return report


def _record(
    runtime: Runtime, rows: list[OutboxMessage], results: dict[int, Result], report: SendReport
) -> None:
    settings = runtime.settings
    done_at = runtime.clock.now()
    with runtime.transaction() as session:
        for claimed in rows:
            row = session.get(OutboxMessage, claimed.id)
            if row is None or row.status != SENDING or row.lease_until != claimed.lease_until:
                continue  # another sender took it over after our lease ran out
            result = results.get(row.id, Result("temporary", "not attempted"))
            row.lease_until = None
            if result.outcome == "sent":
                row.status, row.sent_at, row.last_error = SENT, done_at, None
                report.sent += 1
            elif result.outcome == "permanent" or row.attempts >= settings.mail_max_attempts:
                row.status, row.last_error = FAILED, result.detail
                report.failed += 1
                report.errors.append(f"#{row.id}: {result.detail}")
            else:
                row.status, row.last_error = PENDING, result.detail
                row.next_attempt_at = done_at + backoff(settings.mail_backoff_seconds, row.attempts)
                report.retrying += 1
                report.errors.append(f"#{row.id}: {result.detail}")


def send_pending(
    runtime: Runtime, *, backend: Backend | None = None, max_batches: int = 100
) -> SendReport:
    """Send batches until nothing due is left (or ``max_batches`` ran)."""
    total = SendReport()
    for _ in range(max_batches):
        report = send_batch(runtime, backend=backend)
        total.add(report)
        if report.claimed < runtime.settings.mail_batch_size or report.sent == 0:
            break
    return total
