"""What rows a product gets on entering a state: plain functions over plain values.

No database here, so the listener (one product, one transition) and the bulk importer
(100,000 products at once) plan exactly the same rows, and tests check the dates without
a session. Every row is a dict of ``ScheduleItem`` columns, ready for ``insert``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ocop_cycle.clock import LOCAL_TZ, local_instant
from ocop_cycle.db.tables.schedule import (
    DEADLINE,
    ESCALATION,
    EXPIRY,
    OPEN,
    PENDING,
    REMINDER,
    TIMER,
)
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.scheduling.calendar import WorkingCalendar
from ocop_cycle.scheduling.config import NotificationConfig
from ocop_cycle.workflow.definition import DeadlineDef, WorkflowDef

# Among rows due at the same instant: tell people before the state changes under them.
PRIORITY = {REMINDER: 0, ESCALATION: 1, TIMER: 2, EXPIRY: 3}
SYSTEM_ROLE = Role.SYSTEM.value

Row = dict[str, Any]


@dataclass(frozen=True)
class ProductFacts:
    """The little of a product that decides its rows."""

    id: int
    workflow: str
    state: str
    province_code: str
    stars: int | None = None


@dataclass(frozen=True)
class CertificateFacts:
    id: int
    expires_on: date


def local_midnight(day: date) -> datetime:
    """The instant a local (Vietnam) day begins, in UTC: when rows of that day fall due."""
    return local_instant(day)


def officer_role(level: Level) -> Role:
    return next(role for role in Role if role.level is level)


def acting_role(definition: WorkflowDef, deadline: DeadlineDef, stars: int | None) -> Role | None:
    """The deadline's role; "certifying" becomes the officers of the level certifying
    ``stars`` (None when the stars are not known yet)."""
    if isinstance(deadline.role, Role):
        return deadline.role
    level = definition.scoring.certifying_level.get(stars) if stars is not None else None
    return officer_role(level) if level is not None else None


def certificate_rows(
    product: ProductFacts, certificate: CertificateFacts, now: datetime
) -> list[Row]:
    """Rows that follow a certificate whatever state its product is in: its expiry."""
    return [
        _row(
            product,
            kind=EXPIRY,
            name="expire",
            state=None,
            role=SYSTEM_ROLE,
            step="expiry",
            due_on=certificate.expires_on,
            certificate_id=certificate.id,
            rule={"relative_to": "certificate_expiry", "days_before": 0},
            now=now,
        )
    ]


def rerating_series(in_force: WorkflowDef) -> str | None:
    """The reminder series the rules in force send while a re-rating window is open
    (Decision 26/2026: every active certificate, whatever rules issued it)."""
    if in_force.rerating is None:
        return None
    for state in in_force.states.values():
        for reminder in state.reminders:
            return reminder.schedule
    return None


def state_rows(
    definition: WorkflowDef,
    product: ProductFacts,
    certificate: CertificateFacts | None,
    *,
    entered_at: datetime,
    config: NotificationConfig,
    now: datetime,
    reminder_series: str | None = None,
) -> list[Row]:
    """The deadlines, escalations, timers and reminders of ``product.state``;
    ``reminder_series`` (the rules in force's re-rating series) replaces the state's own."""
    state = definition.states[product.state]
    entered_on = entered_at.astimezone(LOCAL_TZ).date()
    calendar = WorkingCalendar.for_province(config.calendar, product.province_code)
    rows: list[Row] = []
    for deadline in state.deadlines:
        rows.extend(_deadline_rows(definition, product, deadline, entered_on, calendar, now))
    if certificate is None:
        return rows
    for reminder in state.reminders:
        name = reminder_series or reminder.schedule
        rows.extend(
            _reminder_rows(product, certificate, name, config.schedule(name), entered_on, now)
        )
    for timer in state.timers:
        due_on = certificate.expires_on - timedelta(days=timer.days_before)
        rows.append(
            _row(
                product,
                kind=TIMER,
                name=timer.trigger,
                state=product.state,
                role=SYSTEM_ROLE,
                step=f"{timer.days_before}d",
                due_on=due_on,
                certificate_id=certificate.id,
                rule={
                    "relative_to": timer.at,
                    "days_before": timer.days_before,
                    "expires_on": certificate.expires_on.isoformat(),
                },
                now=now,
            )
        )
    return rows


def _deadline_rows(
    definition: WorkflowDef,
    product: ProductFacts,
    deadline: DeadlineDef,
    entered_on: date,
    calendar: WorkingCalendar,
    now: datetime,
) -> list[Row]:
    role = acting_role(definition, deadline, product.stars)
    if deadline.working_days is not None:
        due_on = calendar.add_working_days(entered_on, deadline.working_days)
        period = {"working_days": deadline.working_days}
    else:
        assert deadline.days is not None
        due_on = entered_on + timedelta(days=deadline.days)
        period = {"days": deadline.days}
    remind_on = max(entered_on, calendar.subtract_working_days(due_on, deadline.remind_before))
    rule = {
        "label": deadline.label.model_dump(),
        "basis": deadline.basis,
        "source": deadline.source,
        **period,
        "from": entered_on.isoformat(),
        "calendar": calendar.describe(),
    }
    row = _row(
        product,
        kind=DEADLINE,
        name=deadline.name,
        state=product.state,
        role=role.value if role else None,
        step="due",
        due_on=due_on,
        rule=rule,
        now=now,
        status=OPEN,
    )
    row["remind_on"] = remind_on
    rows = [row]
    escalate_to = deadline.escalation_role(definition.levels, role) if role else None
    if deadline.escalate_after is not None and escalate_to is not None:
        rule["escalate_to"] = escalate_to.value
    if deadline.escalate_after is not None and escalate_to is not None:
        escalate_on = calendar.add_working_days(due_on, deadline.escalate_after)
        rows.append(
            _row(
                product,
                kind=ESCALATION,
                name=deadline.name,
                state=product.state,
                role=escalate_to.value,
                step="escalation",
                due_on=escalate_on,
                rule={
                    "label": deadline.label.model_dump(),
                    "working_days_after_due": deadline.escalate_after,
                    "due_on": due_on.isoformat(),
                    "calendar": calendar.describe(),
                },
                now=now,
            )
        )
    return rows


def _reminder_rows(
    product: ProductFacts,
    certificate: CertificateFacts,
    name: str,
    schedule: Any,
    entered_on: date,
    now: datetime,
) -> list[Row]:
    """One row per step; steps already past on entering collapse into one sent now, so a
    late entry gives one notice instead of a burst of stale ones."""
    steps = sorted(schedule.steps, key=lambda step: step.days_before, reverse=True)
    dated = [(step, certificate.expires_on - timedelta(days=step.days_before)) for step in steps]
    past = [(step, day) for step, day in dated if day < entered_on]
    future = [(step, day) for step, day in dated if day >= entered_on]
    keep = future + ([past[-1]] if past else [])
    return [
        _row(
            product,
            kind=REMINDER,
            name=schedule.kind,
            state=product.state,
            role=Role.PRODUCER.value,
            step=f"{step.days_before}d",
            due_on=day,
            certificate_id=certificate.id,
            rule={
                "schedule": name,
                "relative_to": schedule.relative_to,
                "days_before": step.days_before,
                "basis": step.basis,
                "source": step.source,
                "expires_on": certificate.expires_on.isoformat(),
                "late": day < entered_on,
            },
            now=now,
        )
        for step, day in keep
    ]


def _row(
    product: ProductFacts,
    *,
    kind: str,
    name: str,
    state: str | None,
    role: str | None,
    step: str,
    due_on: date,
    rule: dict[str, Any],
    now: datetime,
    certificate_id: int | None = None,
    status: str = PENDING,
) -> Row:
    return {
        "product_id": product.id,
        "certificate_id": certificate_id,
        "kind": kind,
        "name": name,
        "state": state,
        "workflow": product.workflow,
        "role": role,
        "step": step,
        "due_on": due_on,
        "due_at": local_midnight(due_on),
        "remind_on": None,
        "priority": PRIORITY.get(kind, 0),
        "rule": rule,
        "status": status,
        "created_at": now,
    }


def reminder_rows(
    product: ProductFacts,
    certificate: CertificateFacts,
    name: str,
    schedule: Any,
    entered_on: date,
    now: datetime,
) -> list[Row]:
    """The rows of reminder series ``name`` from ``entered_on``, as entering a state
    writes them; ``scheduler replan`` writes a new series the same way."""
    return _reminder_rows(product, certificate, name, schedule, entered_on, now)
