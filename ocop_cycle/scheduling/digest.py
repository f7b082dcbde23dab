"""Officers' daily digest: one message per officer listing what is due, overdue and
escalated in their jurisdiction, never one email per item.

A deadline is listed from its ``remind_on`` day (its reminder period) until its state is
left; past its due date it is listed as overdue every day. Escalated deadlines are listed
for the officers of the role they were escalated to. The digest's key is the officer and
the day, so writing it twice the same day (two schedulers, a tick and a run) sends one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import AdminUnit, Certificate, Producer, Product, ScheduleItem, User
from ocop_cycle.db.tables.schedule import DEADLINE, OPEN
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.mail.outbox import enqueue
from ocop_cycle.mail.undeliverable import UNDELIVERABLE
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.officers import unit_of
from ocop_cycle.services.units import ancestry


@dataclass
class DigestReport:
    day: date
    officers: int = 0
    written: int = 0
    items: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "officers": self.officers,
            "written": self.written,
            "items": self.items,
        }


def write_digests(runtime: Runtime) -> DigestReport:
    now = runtime.clock.now()
    today = now.astimezone(LOCAL_TZ).date()
    report = DigestReport(day=today)
    with runtime.transaction() as session:
        rows = session.execute(
            select(ScheduleItem, Product)
            .join(Product, Product.id == ScheduleItem.product_id)
            .where(
                ScheduleItem.status == OPEN,
                ScheduleItem.kind == DEADLINE,
                ScheduleItem.remind_on <= today,
            )
        ).all()
        unreachable = unreachable_producers(session)
        if not rows and not unreachable:
            return report
        communes = {p.commune_code for _, p in rows}
        names = {
            code: name
            for code, name in session.execute(
                select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(communes))
            )
        }
        officers = list(
            session.scalars(
                select(User)
                .where(
                    User.role.in_([r.value for r in Role if r.level is not None]),
                    User.active.is_(True),
                    User.email.is_not(None),
                )
                .order_by(User.id)
            )
        )
        # (role, unit or None for central) → officers
        by_place: dict[tuple[str, str | None], list[User]] = defaultdict(list)
        for officer in officers:
            key_unit = None if officer.role == Role.CENTRAL_OFFICER.value else officer.unit_code
            by_place[(officer.role, key_unit)].append(officer)
        sections: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: {"due": [], "overdue": [], "escalated": [], "unreachable": []}
        )
        for province_code, listed in unreachable.items():
            for officer in by_place.get((Role.PROVINCE_OFFICER.value, province_code), []):
                sections[officer.id]["unreachable"].extend(listed)
        for deadline, product in rows:
            item = {
                "product_id": product.id,
                "product_name": product.name,
                "commune_name": names.get(product.commune_code, product.commune_code),
                "label": deadline.rule.get("label", {"vi": deadline.name, "en": deadline.name}),
                "due_on": deadline.due_on.isoformat(),
                "days_overdue": max((today - deadline.due_on).days, 0),
            }
            section = "overdue" if deadline.due_on < today else "due"
            for officer in _officers_for(by_place, product, deadline.role):
                sections[officer.id][section].append(item)
            escalated_to = deadline.rule.get("escalate_to")
            if deadline.escalated_at is not None and escalated_to:
                for officer in _officers_for(by_place, product, escalated_to):
                    sections[officer.id]["escalated"].append(item)
        by_id = {officer.id: officer for officer in officers}
        for officer_id, content in sections.items():
            officer = by_id[officer_id]
            assert officer.email is not None
            report.officers += 1
            report.items += sum(len(items) for items in content.values())
            report.written += enqueue(
                session,
                recipient=officer.email,
                recipient_name=officer.display_name,
                language=officer.language,
                kind="deadline_digest",
                product_id=None,
                step=today.isoformat(),
                context={
                    "recipient_name": officer.display_name,
                    "day": today.isoformat(),
                    **content,
                },
                now=now,
            )
    return report


def unreachable_producers(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Per province, the producers mail cannot reach: their address was refused for good,
    or they hold an active certificate with no address at all (no reminder will reach
    them before it expires)."""
    certified = (
        select(Certificate.id)
        .join(Product, Product.id == Certificate.product_id)
        .where(Product.producer_id == Producer.id, Certificate.status == "active")
        .exists()
    )
    found = session.execute(
        select(Producer, AdminUnit)
        .join(AdminUnit, AdminUnit.code == Producer.commune_code)
        .where(
            or_(
                and_(Producer.email.is_not(None), Producer.email_status == UNDELIVERABLE),
                and_(Producer.email.is_(None), certified),
            )
        )
        .order_by(Producer.name, Producer.id)
    ).all()
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for producer, commune in found:
        province_code = ancestry(session, commune).get(Level.PROVINCE)
        if province_code is None:
            continue
        by_province[province_code].append(
            {
                "producer_id": producer.id,
                "producer_name": producer.name,
                "commune_name": commune.name,
                "email": producer.email,
                "error": producer.email_error,
            }
        )
    return by_province


def _officers_for(
    by_place: dict[tuple[str, str | None], list[User]], product: Product, role: str | None
) -> list[User]:
    if role is None:
        return []
    parsed = Role(role)
    if parsed is Role.CENTRAL_OFFICER:
        return by_place.get((role, None), [])
    code = unit_of(product, parsed.level)
    return by_place.get((role, code), []) if code else []
