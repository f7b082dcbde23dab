"""The contexts messages are rendered with, and writing them to the outbox for a product.

Contexts hold plain JSON values (dates as ISO text) because they are stored on the
outbox row and rendered later, possibly by another process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Certificate, Product
from ocop_cycle.mail.addresses import address_problem
from ocop_cycle.mail.outbox import enqueue


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.id,
        "number": certificate.number,
        "stars": certificate.stars,
        "decision_number": certificate.decision_number,
        "decision_date": certificate.decision_date.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "verification_code": certificate.verification_code,
        "status": certificate.status,
    }


def unit_name(session: Session, code: str | None) -> str:
    if code is None:
        return ""
    unit = session.get(AdminUnit, code)
    return unit.name if unit is not None else code


def product_context(session: Session, product: Product) -> dict[str, Any]:
    return {
        "product": {"id": product.id, "name": product.name, "state": product.state},
        "producer_name": product.producer.name,
        "recipient_name": product.producer.name,
        "commune_name": unit_name(session, product.commune_code),
    }


def latest_certificate(session: Session, product_id: int) -> Certificate | None:
    return session.scalars(
        select(Certificate)
        .where(Certificate.product_id == product_id)
        .order_by(Certificate.id.desc())
        .limit(1)
    ).first()


def notify_producer(
    session: Session,
    product: Product,
    kind: str,
    step: str,
    extra: dict[str, Any],
    now: datetime,
) -> str:
    """Write one message to the producer; say what happened (for the row's outcome)."""
    producer = product.producer
    if not producer.email:
        return f"{kind} not sent: producer {producer.id} has no email address"
    problem = address_problem(producer.email)
    if problem is not None:
        return f"{kind} not sent: producer {producer.id}'s address {producer.email!r}: {problem}"
    written = enqueue(
        session,
        recipient=producer.email,
        recipient_name=producer.name,
        language=producer.language,
        kind=kind,
        product_id=product.id,
        step=step,
        context={**product_context(session, product), **extra},
        now=now,
    )
    return f"#{product.id}: {kind} to {producer.email}" + ("" if written else " (already written)")
