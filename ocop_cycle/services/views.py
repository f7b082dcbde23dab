"""Plain-data views of stored rows: what ``--json`` prints and what the CLI renders.

Statements name the tables, not the mapped classes: the view reads no ORM object, so
``ocop product show`` never imports the ORM (tests/test_cli_startup.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Select, bindparam, select

from ocop_cycle.db.connections import connection_of
from ocop_cycle.db.tables import admin_units, certificates, history, producers, rounds
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.views import open_deadlines
from ocop_cycle.services.rows import product_row, user_row
from ocop_cycle.services.visibility import visible_product_row
from ocop_cycle.workflow.definition import ReratingDef
from ocop_cycle.workflow.forwards import transitions_now
from ocop_cycle.workflow.permissions import transition_problem
from ocop_cycle.workflow.rerating_window import window as rerating_window

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ocop_cycle.db.models import Certificate, History, Product, User

def _unit_name(code: str) -> Any:
    return select(admin_units.c.name).where(admin_units.c.code == bindparam(code)).scalar_subquery()


# A product's view follows every fired trigger, so its queries are built once, and what
# it shows of other rows comes in one statement: the producer, the names of the three
# units, and which certificate (if any) is the latest.
_PRODUCT_SURROUNDINGS = select(
    producers.c.id,
    producers.c.name,
    producers.c.type,
    _unit_name("commune").label("commune"),
    _unit_name("district").label("district"),
    _unit_name("province").label("province"),
    select(certificates.c.id)
    .where(certificates.c.product_id == bindparam("product"))
    .order_by(certificates.c.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("certificate_id"),
).where(producers.c.id == bindparam("producer"))
_CERTIFICATE = select(certificates).where(certificates.c.id == bindparam("certificate"))
_ROUND = select(rounds).where(rounds.c.id == bindparam("round"))
# Typed as rows of any width: history_view takes them as it takes History objects.
_HISTORY: Select[*tuple[Any, ...]] = (
    select(
        history.c.trigger,
        history.c.from_state,
        history.c.to_state,
        history.c.actor,
        history.c.role,
        history.c.at,
        history.c.comment,
        history.c.data,
        history.c.workflow,
        history.c.workflow_version,
        history.c.request_id,
    )
    .where(history.c.product_id == bindparam("product"))
    .order_by(history.c.id)
)


_UNIT_NAME = select(admin_units.c.name).where(admin_units.c.code == bindparam("code"))


def unit_ref(unit: Session | Connection, code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    return _unit(code, connection_of(unit).execute(_UNIT_NAME, {"code": code}).scalar())


def history_view(row: History | Row[Any]) -> dict[str, Any]:
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


def certificate_view(certificate: Certificate | Row[Any]) -> dict[str, Any]:
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


def show_product(runtime: Runtime, product_id: int, actor: str | None = None) -> dict[str, Any]:
    """A product; with ``actor``, only one in their jurisdiction (others are not found).

    Read as rows of the tables on a plain connection: showing a product imports no ORM,
    which would cost the command more than its queries (issue 12, bench/cli.py)."""
    with runtime.reading_rows() as connection:
        if actor:
            user = user_row(connection, actor)
            product = visible_product_row(connection, user, product_id)
            return product_view(runtime, connection, product, user)
        return product_view(runtime, connection, product_row(connection, product_id), None)


def product_view(
    runtime: Runtime,
    unit: Session | Connection,
    product: Product | Row[Any],
    actor: User | Row[Any] | None = None,
) -> dict[str, Any]:
    """What ``--json`` prints of a product: after a change, of the ORM object the unit of
    work holds; when only read (``ocop product show``), of a row of its table, read on a
    plain connection."""
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    in_force = runtime.workflows.for_new_product(
        runtime.clock.today(), runtime.settings.default_workflow
    )
    # Plain statements on the unit of work's connection, once its changes are flushed:
    # the ORM's execution layers cost more than these queries.
    connection = connection_of(unit)
    around = connection.execute(
        _PRODUCT_SURROUNDINGS,
        {
            "producer": product.producer_id,
            "product": product.id,
            "commune": product.commune_code,
            "district": product.district_code,
            "province": product.province_code,
        },
    ).one()
    certificate = (
        connection.execute(_CERTIFICATE, {"certificate": around.certificate_id}).one()
        if around.certificate_id is not None
        else None
    )
    return {
        "id": product.id,
        "name": product.name,
        "group": product.product_group,
        "state": product.state,
        "state_label": definition.state_label(product.state),
        "workflow": product.workflow,
        "workflow_version": product.workflow_version,
        "commune": _unit(product.commune_code, around.commune),
        "district": _unit(product.district_code, around.district),
        "province": _unit(product.province_code, around.province),
        "producer": {"id": around.id, "name": around.name, "type": around.type},
        "score": float(product.score) if product.score is not None else None,
        "stars": product.stars,
        "version": product.version,
        "allowed_triggers": list(dict.fromkeys(
            transition.trigger
            for transition in transitions_now(runtime.workflows, product, in_force)
            if actor is None or transition_problem(actor, product, transition) is None
        )),
        "open_deadlines": open_deadlines(connection, product.id),
        "certificate": certificate_view(certificate) if certificate else None,
        "history": [
            history_view(row) for row in connection.execute(_HISTORY, {"product": product.id})
        ],
        "created_at": product.created_at.isoformat(),
        "updated_at": product.updated_at.isoformat(),
        **law_26_2026_view(
            connection, product, certificate,
            runtime.workflows.in_force(runtime.clock.today()).definition.rerating,
        ),
    }


def _unit(code: str | None, name: str | None) -> dict[str, str] | None:
    """A unit as ``unit_ref`` shows it, from a name already looked up."""
    return None if code is None else {"code": code, "name": name or code}


def law_26_2026_view(
    connection: Connection,
    product: Product | Row[Any],
    certificate: Row[Any] | None,
    rerating_in_force: ReratingDef | None,
) -> dict[str, Any]:
    """Decision 26/2026's additions: product set and code, round, re-rating window (the
    window of the rules in force, whatever rules issued the certificate: Art. 12)."""
    joined = (
        connection.execute(_ROUND, {"round": product.round_id}).one()
        if product.round_id is not None
        else None
    )
    window = (
        rerating_window(rerating_in_force, certificate.expires_on)
        if rerating_in_force is not None
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
