"""Keeping a product's deadline, timer and reminder rows in step with its state.

Registered with ``@on_transition``, so the engine calls it in the transaction of every
state change (registration and workflow migration included): leaving a state closes its
deadlines and cancels its pending rows; entering one writes the rows it declares and
the messages it sends. Rows that follow a certificate (its expiry) are written when the
certificate becomes active and cancelled when it stops being so, whatever the state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, case, exists, or_, select, update
from sqlalchemy.orm import Session

from ocop_cycle.db.base import UTCDateTime
from ocop_cycle.db.constants import sql_constant
from ocop_cycle.db.models import Certificate, History, Product, ScheduleItem
from ocop_cycle.db.tables import schedule_items
from ocop_cycle.db.tables.schedule import CANCELLED, CLOSED, DEADLINE, EXPIRY, OPEN, PENDING
from ocop_cycle.mail.outbox import settings_of
from ocop_cycle.scheduling.config import notification_config
from ocop_cycle.scheduling.notices import certificate_context, latest_certificate, notify_producer
from ocop_cycle.scheduling.planner import (
    CertificateFacts,
    ProductFacts,
    certificate_rows,
    rerating_series,
    state_rows,
)
from ocop_cycle.workflow.hooks import FireContext, on_transition

_ROWS = schedule_items
# Built once: leaving a state closes its open deadlines and cancels its pending rows in
# one statement (this runs in most transitions, so its cost is every transition's cost);
# its constants are written in its SQL (db/constants.py).
_LEAVE_STATE = (
    update(_ROWS)
    .where(
        _ROWS.c.product_id == bindparam("leaving_product"),
        or_(
            and_(_ROWS.c.kind == sql_constant(DEADLINE), _ROWS.c.status == sql_constant(OPEN)),
            and_(_ROWS.c.state.is_not(None), _ROWS.c.status == sql_constant(PENDING)),
        ),
    )
    .values(
        status=case(
            (_ROWS.c.status == sql_constant(OPEN), sql_constant(CLOSED)),
            else_=sql_constant(CANCELLED),
        ),
        closed_at=bindparam("left_at", type_=UTCDateTime()),
        outcome=case(
            (_ROWS.c.status == sql_constant(PENDING), sql_constant("the product left the state")),
            else_=_ROWS.c.outcome,
        ),
    )
)


def close_state_rows(session: Session, product_id: int, now: datetime) -> None:
    """Leaving a state: its open deadlines close, its pending rows are cancelled."""
    # Rows added in this unit of work count; the statement then skips the ORM's layers.
    session.flush()
    session.connection().execute(_LEAVE_STATE, {"leaving_product": product_id, "left_at": now})
    # A Core statement leaves loaded rows as they were: expire this product's, so that a
    # sweep holding them (a timer firing) reads the new status.
    for item in list(session.identity_map.values()):
        if isinstance(item, ScheduleItem) and item.product_id == product_id:
            session.expire(item, ["status", "closed_at", "outcome"])


def cancel_rows_of_ended_certificates(session: Session, product_id: int, now: datetime) -> None:
    """A certificate revoked or superseded will not expire: drop its pending rows."""
    ended = select(Certificate.id).where(
        Certificate.product_id == product_id, Certificate.status != "active"
    )
    session.execute(
        update(ScheduleItem)
        .where(
            ScheduleItem.product_id == product_id,
            ScheduleItem.state.is_(None),
            ScheduleItem.status == PENDING,
            ScheduleItem.certificate_id.in_(ended.scalar_subquery()),
        )
        .values(status=CANCELLED, closed_at=now, outcome="the certificate is no longer active")
        .execution_options(synchronize_session="fetch")
    )


def facts(product: Product) -> ProductFacts:
    return ProductFacts(
        id=product.id,
        workflow=product.workflow,
        state=product.state,
        province_code=product.province_code,
        stars=product.stars,
    )


@on_transition
def reschedule(context: FireContext) -> None:
    session, product, now = context.session, context.product, context.now
    settings = settings_of(session)
    config = notification_config(settings.notifications_dir)
    # Skip the queries a transition cannot need: most leave a state without rows and enter
    # one that has nothing to do with certificates.
    certificate_changed = "certificate" in context.effects  # issued, revoked or expired
    if context.from_state is not None:
        left = context.state_left
        if left is None or left.deadlines or left.timers or left.reminders:
            close_state_rows(session, product.id, now)
        if certificate_changed:
            cancel_rows_of_ended_certificates(session, product.id, now)
    entered = context.definition.states[product.state]
    needs_certificate = certificate_changed or bool(
        entered.timers or entered.reminders or entered.notify
    )
    certificate = Certificate.active_for(session, product.id) if needs_certificate else None
    certificate_facts = (
        CertificateFacts(certificate.id, certificate.expires_on) if certificate else None
    )
    rows = state_rows(
        context.definition,
        facts(product),
        certificate_facts,
        entered_at=now,
        config=config,
        now=now,
        reminder_series=_rerating_series_in_force(context),
    )
    if certificate is not None and certificate_facts is not None:
        has_expiry = session.scalar(
            select(
                exists().where(
                    ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == EXPIRY
                )
            )
        )
        if not has_expiry:
            rows.extend(certificate_rows(facts(product), certificate_facts, now))
    for row in rows:
        session.add(ScheduleItem(**row))
    _send_notices(context, certificate)


def _rerating_series_in_force(context: FireContext) -> str | None:
    """Chosen by date, not by the product's rules: from 2026-05-22 every active
    certificate is re-rated under 26/2026 and gets its series (Art. 12)."""
    if context.workflows is None or not context.definition.states[context.product.state].reminders:
        return None
    return rerating_series(context.workflows.in_force(context.today).definition)


def _send_notices(context: FireContext, certificate: Certificate | None) -> None:
    state = context.definition.states[context.product.state]
    if not state.notify:
        return
    session, product = context.session, context.product
    # The transition's place in the product's history makes each notice's key unique.
    sequence = session.scalar(
        select(History.id).where(History.product_id == product.id).order_by(History.id.desc())
    )
    shown = certificate or latest_certificate(session, product.id)
    extra = {
        "comment": context.comment,
        "reason": context.data.get("reason"),
        "decision_number": context.data.get("decision_number"),
        "certificate": certificate_context(shown) if shown is not None else None,
    }
    upgrade = context.effects.get("upgrade")
    kept = "certificate_kept" in context.effects and isinstance(upgrade, dict)
    if kept:
        extra["upgrade"] = upgrade
    for notice in state.notify:
        # An upgrade that earned no more stars issues nothing: no congratulations.
        kind = "certificate_kept" if kept and notice.kind == "certificate_issued" else notice.kind
        notify_producer(session, product, kind, f"after-{sequence or 0}", extra, context.now)
