"""``ocop scheduler replan``: bring reminder rows written under older rules to the law
in force.

Decision 26/2026/QĐ-TTg moved the re-rating filing to 180–120 days before expiry (Art.
7.6), and every active certificate is re-rated under it, so the pending reminders of the
older series (90, 30 and 7 days before expiry: after the window has closed) move to the
series the workflow in force sends while its re-rating window is open. A certificate
whose window has already closed gets no new reminder (its producer must ask the province).
Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Certificate, Product, ScheduleItem
from ocop_cycle.db.tables.schedule import CANCELLED, PENDING, REMINDER
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.carry_over import write_missing_rows
from ocop_cycle.scheduling.config import NotificationConfig, notification_config
from ocop_cycle.scheduling.listener import facts
from ocop_cycle.scheduling.planner import CertificateFacts, reminder_rows, rerating_series
from ocop_cycle.workflow.definition import WorkflowDef

OUTCOME = "moved to the re-rating series of the rules in force (ocop scheduler replan)"


@dataclass
class ReplanReport:
    series: str | None
    moved: list[str] = field(default_factory=list)
    cancelled: int = 0
    written: int = 0
    window_closed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "series": self.series,
            "moved_certificates": self.moved,
            "reminders_cancelled": self.cancelled,
            "reminders_written": self.written,
            "window_closed": self.window_closed,
        }


def replan_reminders(
    session: Session,
    in_force: WorkflowDef,
    config: NotificationConfig,
    today: date,
    now: datetime,
) -> ReplanReport:
    series = rerating_series(in_force)
    report = ReplanReport(series=series)
    if series is None or in_force.rerating is None:
        return report
    schedule = config.schedule(series)
    last_day_before = min(step.days_before for step in schedule.steps)
    stale = session.scalars(
        select(ScheduleItem)
        .where(ScheduleItem.kind == REMINDER, ScheduleItem.status == PENDING)
        .order_by(ScheduleItem.id)
    )
    by_certificate: dict[int, list[ScheduleItem]] = {}
    for row in stale:
        if row.certificate_id is not None and row.rule.get("schedule") != series:
            by_certificate.setdefault(row.certificate_id, []).append(row)
    for certificate_id, rows in by_certificate.items():
        certificate = session.get(Certificate, certificate_id)
        product = session.get(Product, rows[0].product_id)
        if certificate is None or product is None or certificate.status != "active":
            continue
        for row in rows:
            row.status, row.closed_at, row.outcome = CANCELLED, now, OUTCOME
        report.cancelled += len(rows)
        report.moved.append(certificate.number)
        if (certificate.expires_on - today).days < last_day_before:
            report.window_closed.append(certificate.number)
            continue
        planned = reminder_rows(
            facts(product),
            CertificateFacts(certificate.id, certificate.expires_on),
            series,
            schedule,
            today,
            now,
        )
        for values in planned:
            values["state"] = rows[0].state
            session.add(ScheduleItem(**values))
        report.written += len(planned)
    return report


def replan(runtime: Runtime) -> dict[str, object]:
    """Move stale reminder series and write missing Art. 12.2 deadlines, in one unit of work."""
    today, now = runtime.clock.today(), runtime.clock.now()
    in_force = runtime.workflows.in_force(today).definition
    config = notification_config(runtime.settings.notifications_dir)
    with runtime.transaction() as session:
        report = replan_reminders(session, in_force, config, today, now).as_dict()
        rules = in_force.carry_over
        written = (
            write_missing_rows(
                session,
                rules,
                {c.definition.name: c.definition for c in runtime.workflows.all()},
                now,
            )
            if rules is not None
            else []
        )
        return {**report, "rules_in_force": in_force.key, "transition_deadlines_written": written}
