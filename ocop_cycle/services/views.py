"""Plain-data views of stored rows: what ``--json`` prints and what the CLI renders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Certificate, History, Product, Round, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.views import open_deadlines
from ocop_cycle.workflow.actions.rerating import window as rerating_window
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.engine import allowed_triggers


def unit_ref(session: Session, code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    unit = session.get(AdminUnit, code)
    return {"code": code, "name": unit.name if unit else code}


def history_view(row: History) -> dict[str, Any]:
    return {
        "trigger": row.trigger,
        "from": row.from_state,
        "to": row.to_state,
        "actor": row.actor,
        "role": row.role,
        "at": row.at.isoformat(),
        "comment": row.comment,
        "data": row.data,
        "workflow": row.workflow,
        "workflow_version": row.workflow_version,
        "request_id": row.request_id,
    }


def certificate_view(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.id,
        "number": certificate.number,
        "product_id": certificate.product_id,
        "producer_id": certificate.producer_id,
        "stars": certificate.stars,
        "score": float(certificate.score) if certificate.score is not None else None,
        "rule_set": certificate.rule_set,
        "workflow": certificate.workflow,
        "issuing_level": certificate.issuing_level,
        "issuing_unit_code": certificate.issuing_unit_code,
        "decision_number": certificate.decision_number,
        "decision_date": certificate.decision_date.isoformat(),
        "round_year": certificate.round_year,
        "valid_from": certificate.valid_from.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "status": certificate.status,
        "verification_code": certificate.verification_code,
        "superseded_by_id": certificate.superseded_by_id,
        "revocation_reason": certificate.revocation_reason,
        "revocation_decision": certificate.revocation_decision,
        "revocation_ground": certificate.revocation_ground,
        "valid_until_decision_cap": (
            certificate.valid_until_decision_cap.isoformat()
            if certificate.valid_until_decision_cap
            else None
        ),
    }


def product_view(
    runtime: Runtime, session: Session, product: Product, actor: User | None = None
) -> dict[str, Any]:
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    history = session.scalars(
        select(History).where(History.product_id == product.id).order_by(History.id)
    )
    certificate = session.scalars(
        select(Certificate)
        .where(Certificate.product_id == product.id)
        .order_by(Certificate.id.desc())
        .limit(1)
    ).first()
    producer = product.producer
    return {
        "id": product.id,
        "name": product.name,
        "group": product.product_group,
        "state": product.state,
        "state_label": definition.state_label(product.state),
        "workflow": product.workflow,
        "workflow_version": product.workflow_version,
        "commune": unit_ref(session, product.commune_code),
        "district": unit_ref(session, product.district_code),
        "province": unit_ref(session, product.province_code),
        "producer": {"id": producer.id, "name": producer.name, "type": producer.type},
        "score": float(product.score) if product.score is not None else None,
        "stars": product.stars,
        "version": product.version,
        "allowed_triggers": allowed_triggers(definition, product, actor),
        "open_deadlines": open_deadlines(session, product.id),
        "certificate": certificate_view(certificate) if certificate else None,
        "history": [history_view(row) for row in history],
        "created_at": product.created_at.isoformat(),
        "updated_at": product.updated_at.isoformat(),
        **law_26_2026_view(session, definition, product, certificate),
    }


def law_26_2026_view(
    session: Session, definition: WorkflowDef, product: Product, certificate: Certificate | None
) -> dict[str, Any]:
    """Decision 26/2026's additions: product set and code, round, re-rating window."""
    joined = session.get(Round, product.round_id) if product.round_id is not None else None
    window = (
        rerating_window(definition.rerating, certificate.expires_on)
        if definition.rerating is not None
        and certificate is not None
        and certificate.status == "active"
        else None
    )
    return {
        "product_set": product.product_set,
        "product_code": product.product_code,
        "round": (
            {
                "id": joined.id,
                "level": joined.level,
                "year": joined.year,
                "number": joined.number,
                "hold_by": joined.held_by.isoformat(),
            }
            if joined is not None
            else None
        ),
        "rerating_window": (
            {"opens": window.opens.isoformat(), "closes": window.closes.isoformat()}
            if window is not None
            else None
        ),
    }
