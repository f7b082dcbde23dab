"""The sweep: claim the rows that are due and carry out their effect, batch by batch.

One transaction per batch claims the rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
a second sweep running at the same time takes other rows or none) and records what each
did: a timer fires its trigger through the engine as the ``system`` user, a reminder or
an escalation writes outbox rows, an expiry ends the certificate. Each row runs in a
savepoint: one that fails is marked ``failed`` with the reason, the others go on.
The query reads a partial index of pending rows by due time, so its cost follows the
rows that are due, not the size of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import AdminUnit, Certificate, Product, ScheduleItem, User
from ocop_cycle.db.tables.schedule import (
    CANCELLED,
    DEADLINE,
    DONE,
    ESCALATION,
    EXPIRY,
    FAILED,
    OPEN,
    PENDING,
    REMINDER,
    SKIPPED,
    TIMER,
)
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import Conflict, OcopError
from ocop_cycle.mail.outbox import enqueue
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.notices import (
    certificate_context,
    notify_producer,
    product_context,
    unit_name,
)
from ocop_cycle.scheduling.officers import officers_over
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.people import SYSTEM_USERNAME
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.registry import WorkflowRegistry


@dataclass
class SweepReport:
    claimed: int = 0
    done: int = 0
    cancelled: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    batches: int = 0
    effects: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "claimed": self.claimed,
            "done": self.done,
            "cancelled": self.cancelled,
            "skipped": self.skipped,
            "failed": self.failed,
            "retry_later": self.retry_later,
            "batches": self.batches,
            "effects": self.effects[:50],
        }


class _Skip(Exception):
    """The row no longer applies (its product or certificate moved on): cancel it; or,
    with ``status=SKIPPED``, it was overtaken by a newer due step of its series."""

    def __init__(self, reason: str, status: str = CANCELLED) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class _Sweep:
    session: Session
    workflows: WorkflowRegistry
    now: datetime
    system: User

    loaded: list[object] = field(default_factory=list)

    def prefetch(self, rows: list[ScheduleItem]) -> None:
        """Load the batch's products, producers, certificates and communes in three
        queries, so that carrying out a row costs its own writes only. The list keeps
        them alive in the session's (weak) identity map."""
        products = list(
            self.session.scalars(
                select(Product).where(Product.id.in_({row.product_id for row in rows}))
            )
        )
        certificate_ids = {row.certificate_id for row in rows if row.certificate_id}
        certificates = list(
            self.session.scalars(select(Certificate).where(Certificate.id.in_(certificate_ids)))
        )
        communes = list(
            self.session.scalars(
                select(AdminUnit).where(
                    AdminUnit.code.in_({product.commune_code for product in products})
                )
            )
        )
        self.loaded = [*products, *certificates, *communes]

    def product(self, row: ScheduleItem) -> Product:
        product = self.session.get(Product, row.product_id)
        assert product is not None  # foreign key
        return product

    def fire(self, product: Product, trigger: str) -> str:
        before = product.state
        engine.fire(
            self.session,
            self.workflows.get(product.workflow, product.workflow_version),
            product,
            self.system,
            trigger,
            now=self.now,
            workflows=self.workflows,
        )
        return f"#{product.id}: {trigger} {before} → {product.state}"

    def timer(self, row: ScheduleItem) -> str:
        product = self.product(row)
        if product.state != row.state:
            raise _Skip(f"product is in {product.state}, not {row.state}")
        return self.fire(product, row.name)

    def expiry(self, row: ScheduleItem) -> str:
        certificate = self.session.get(Certificate, row.certificate_id)
        if certificate is None or certificate.status != "active":
            raise _Skip("the certificate is no longer active")
        product = self.product(row)
        definition = self.workflows.get(product.workflow, product.workflow_version).definition
        transition = definition.transition("expire", product.state)
        if transition is not None and transition.system:
            return self.fire(product, "expire")
        # The product has moved on (an upgrade or renewal that earned no certificate), but
        # its old certificate still ends today: expire it without changing the state.
        certificate.status = "expired"
        engine.append_history(
            self.session,
            product,
            trigger="certificate_expired",
            from_state=product.state,
            actor=self.system.username,
            role=Role.SYSTEM.value,
            at=self.now,
            data={"certificate": certificate.number},
        )
        notify_producer(
            self.session,
            product,
            "certificate_expired",
            f"certificate-{certificate.id}",
            {"certificate": certificate_context(certificate)},
            self.now,
        )
        return f"#{product.id}: certificate {certificate.number} expired (state {product.state})"

    def reminder(self, row: ScheduleItem) -> str:
        product = self.product(row)
        certificate = self.session.get(Certificate, row.certificate_id)
        if certificate is None or certificate.status != "active":
            raise _Skip("the certificate is no longer active")
        today = self.now.astimezone(LOCAL_TZ).date()
        if certificate.expires_on < today:
            raise _Skip(
                f"not sent: certificate {certificate.number} expired on "
                f"{certificate.expires_on.isoformat()}; the producer gets the expiry notice",
                SKIPPED,
            )
        newer = self.newer_due_step(row)
        if newer is not None:
            raise _Skip(f"not sent: the newer step {newer} of this series is due too", SKIPPED)
        extra = {
            "certificate": certificate_context(certificate),
            "days_left": max((certificate.expires_on - today).days, 0),
            "step": row.step,
        }
        return notify_producer(
            self.session, product, row.name, f"{certificate.id}:{row.step}", extra, self.now
        )

    def newer_due_step(self, row: ScheduleItem) -> str | None:
        """After an outage, a series catching up sends only its newest due step."""
        return self.session.scalars(
            select(ScheduleItem.step)
            .where(
                ScheduleItem.product_id == row.product_id,
                ScheduleItem.certificate_id == row.certificate_id,
                ScheduleItem.kind == REMINDER,
                ScheduleItem.name == row.name,
                ScheduleItem.status == PENDING,
                ScheduleItem.due_at > row.due_at,
                ScheduleItem.due_at <= self.now,
            )
            .order_by(ScheduleItem.due_at.desc())
            .limit(1)
        ).first()

    def escalation(self, row: ScheduleItem) -> str:
        deadline = self.session.scalars(
            select(ScheduleItem).where(
                ScheduleItem.product_id == row.product_id,
                ScheduleItem.kind == DEADLINE,
                ScheduleItem.name == row.name,
                ScheduleItem.state == row.state,
                ScheduleItem.status == OPEN,
            )
        ).first()
        if deadline is None:
            raise _Skip("the deadline was met")
        deadline.escalated_at = self.now
        product = self.product(row)
        today = self.now.astimezone(LOCAL_TZ).date()
        role = Role(row.role) if row.role else None
        officers = officers_over(self.session, product, role) if role else []
        context = {
            **product_context(self.session, product),
            "deadline": {
                "label": deadline.rule.get("label", {"vi": deadline.name, "en": deadline.name}),
                "due_on": deadline.due_on.isoformat(),
                "role": deadline.role,
                "role_label_vi": _ROLE_VI.get(deadline.role or "", deadline.role or ""),
                "role_label_en": (deadline.role or "").replace("_", " "),
            },
            "days_overdue": (today - deadline.due_on).days,
            "commune_name": unit_name(self.session, product.commune_code),
        }
        written = 0
        for officer in officers:
            assert officer.email is not None
            written += enqueue(
                self.session,
                recipient=officer.email,
                recipient_name=officer.display_name,
                language=officer.language,
                kind="escalation",
                product_id=product.id,
                step=f"{deadline.id}",
                context={**context, "recipient_name": officer.display_name},
                now=self.now,
            )
        return f"#{product.id}: {row.name} escalated to {row.role} ({written} messages)"


_ROLE_VI = {
    "commune_officer": "cán bộ OCOP cấp xã",
    "district_officer": "cán bộ OCOP cấp huyện",
    "province_officer": "cán bộ OCOP cấp tỉnh",
    "central_officer": "cán bộ OCOP cấp Trung ương",
    "producer": "chủ thể",
}

_HANDLERS: dict[str, Callable[[_Sweep, ScheduleItem], str]] = {
    TIMER: _Sweep.timer,
    EXPIRY: _Sweep.expiry,
    REMINDER: _Sweep.reminder,
    ESCALATION: _Sweep.escalation,
}


def sweep_batch(runtime: Runtime, now: datetime, limit: int, report: SweepReport) -> int:
    """Claim and carry out up to ``limit`` due rows in one transaction; return how many."""
    with runtime.transaction() as session:
        rows = list(
            session.scalars(
                select(ScheduleItem)
                .where(ScheduleItem.status == PENDING, ScheduleItem.due_at <= now)
                .order_by(ScheduleItem.due_at, ScheduleItem.priority, ScheduleItem.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return 0
        system = get_user(session, SYSTEM_USERNAME)
        sweeper = _Sweep(session, runtime.workflows, now, system)
        sweeper.prefetch(rows)
        for row in rows:
            _carry_out(sweeper, row, report)
        report.claimed += len(rows)
        report.batches += 1
        return len(rows)


def _carry_out(sweeper: _Sweep, row: ScheduleItem, report: SweepReport) -> None:
    session = sweeper.session
    if row.status != PENDING:  # an earlier row of this batch cancelled it
        report.cancelled += 1
        return
    row_id = row.id
    try:
        with session.begin_nested():
            outcome = _HANDLERS[row.kind](sweeper, row)
            session.flush()
    except _Skip as skip:
        row.status, row.closed_at, row.outcome = skip.status, sweeper.now, str(skip)
        if skip.status == SKIPPED:
            report.skipped += 1
            report.effects.append(f"#{row.product_id}: {row.name} {row.step} {skip}")
        else:
            report.cancelled += 1
        return
    except Conflict:
        # The product changed under us; its row stays pending for the next sweep.
        report.retry_later += 1
        return
    except OcopError as exc:
        row = session.get(ScheduleItem, row_id) or row
        row.status, row.closed_at, row.outcome = FAILED, sweeper.now, exc.message
        report.failed += 1
        report.effects.append(f"row {row_id} failed: {exc.message}")
        return
    row.status, row.closed_at, row.outcome = DONE, sweeper.now, outcome
    report.done += 1
    report.effects.append(outcome)


def sweep(runtime: Runtime, *, batch_size: int | None = None) -> SweepReport:
    """Carry out every row due now, one transaction per batch."""
    now = runtime.clock.now()
    limit = batch_size or runtime.settings.sweep_batch_size
    report = SweepReport()
    # Rows written by this sweep that are already due (a timer's new state may remind at
    # once) are taken by the next batch; stop when a batch finds nothing it can finish.
    while True:
        finished = report.done + report.cancelled + report.skipped + report.failed
        if sweep_batch(runtime, now, limit, report) == 0:
            break
        if report.done + report.cancelled + report.skipped + report.failed == finished:
            break
    return report
