"""Triggers of older rules carried out under the rules in force (Decision 26/2026 Art. 12).

A certificate issued under 148 or 1489 keeps its workflow until a migration moves it, but
its re-rating and upgrade follow the rules in force. A migration map declares which
triggers go forward (``forwards:``, old trigger → new trigger): firing one moves that
product by the whole map, as ``ocop workflow migrate`` would, and fires the new trigger
under the new rules, in the caller's one transaction, so a refusal changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ocop_cycle.db.models import Product, User
from ocop_cycle.services.migration import move_product
from ocop_cycle.workflow.forwards import Forward
from ocop_cycle.workflow.pins import ensure_pinned
from ocop_cycle.workflow.registry import WorkflowRegistry


def carry_forward(
    session: Session,
    workflows: WorkflowRegistry,
    product: Product,
    forward: Forward,
    *,
    fired: str,
    actor: User,
    now: datetime,
) -> None:
    """Move ``product`` by the forward's whole map before its trigger is fired."""
    target = forward.target
    ensure_pinned(session, target.definition, target.content_hash, now)
    move_product(
        session,
        product,
        forward.state_map,
        workflows.get(product.workflow, product.workflow_version).definition,
        target.definition,
        actor=actor,
        now=now,
        data={"map": forward.map_name, "forwarded": f"{fired} → {forward.trigger}"},
    )


