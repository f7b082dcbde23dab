"""Issuing, revoking and expiring certificates as a product moves through its workflow."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, select

from ocop_cycle.db.models import Certificate
from ocop_cycle.domain.validity import add_months
from ocop_cycle.workflow.evaluations import unit_for_level
from ocop_cycle.workflow.guards import certifying_level
from ocop_cycle.workflow.hooks import FireContext, action

# No 0/O or 1/I/L: the code is read off a package and typed by a consumer.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    """Ten characters from 31 symbols: about 8·10^14 codes, not guessable by trying."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


@action("issue_certificate")
def issue_certificate(context: FireContext) -> None:
    product = context.product
    assert product.stars is not None  # the guard actor_certifies_stars made sure
    decision_date = date.fromisoformat(context.data["decision_date"])
    level = certifying_level(context)
    issued_before = context.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.product_id == product.id)
    )
    unit_code = unit_for_level(product, level)
    previous = Certificate.active_for(context.session, context.product.id)
    certificate = Certificate(
        number=f"OCOP-{product.province_code}-{decision_date.year}-"
        f"{product.id:06d}-{(issued_before or 0) + 1}",
        product_id=product.id,
        producer_id=product.producer_id,
        stars=product.stars,
        score=product.score,
        rule_set=context.definition.rule_set,
        workflow=context.definition.name,
        issuing_level=level.value,
        issuing_unit_code=unit_code,
        decision_number=context.data["decision_number"],
        decision_date=decision_date,
        round_year=context.data.get("round_year", decision_date.year),
        valid_from=decision_date,
        expires_on=add_months(decision_date, context.definition.scoring.validity_months),
        status="active",
        verification_code=new_verification_code(),
        created_at=context.now,
    )
    context.session.add(certificate)
    context.session.flush()
    if previous is not None:
        previous.status = "superseded"
        previous.superseded_by_id = certificate.id
    context.effects["certificate"] = certificate.number


@action("revoke_certificate")
def revoke_certificate(context: FireContext) -> None:
    certificate = Certificate.active_for(context.session, context.product.id)
    if certificate is None:
        return
    certificate.status = "revoked"
    certificate.revocation_reason = context.data["reason"]
    certificate.revocation_decision = context.data.get("decision_number")
    context.effects["certificate"] = certificate.number


@action("expire_certificate")
def expire_certificate(context: FireContext) -> None:
    certificate = Certificate.active_for(context.session, context.product.id)
    if certificate is None:
        return
    certificate.status = "expired"
    context.effects["certificate"] = certificate.number
