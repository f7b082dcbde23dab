"""Moving running products from one workflow definition to another by an explicit map.

Architecture decision 7: a case stays on the definition it started under until a reviewed
state map moves it; a product in a state the map does not name is refused, not guessed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Product, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.definition import Label, TransitionDef, WorkflowDef
from ocop_cycle.workflow.hooks import FireContext
from ocop_cycle.workflow.migration_maps import StateMap, map_problems, read_map, resolve_map
from ocop_cycle.workflow.pins import ensure_pinned

MIGRATE_TRIGGER = "migrate_workflow"


def migrate(
    runtime: Runtime,
    *,
    from_workflow: str,
    to_workflow: str,
    map_path: Path,
    actor: str,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Move every running product of ``from_workflow``; all or nothing."""
    map_path = resolve_map(map_path)
    state_map = read_map(map_path)
    if (state_map.from_workflow, state_map.to_workflow) != (from_workflow, to_workflow):
        raise InvalidInput(
            f"{map_path} maps {state_map.from_workflow} → {state_map.to_workflow}, "
            f"not {from_workflow} → {to_workflow}"
        )
    source = runtime.workflows.get(from_workflow, state_map.from_version).definition
    target = runtime.workflows.get(to_workflow, state_map.to_version).definition
    bad = map_problems(state_map, source, target)
    if bad:
        raise InvalidInput(f"{map_path}: " + "; ".join(bad))
    final_states = [name for name, state in source.states.items() if state.final]
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        require_role(user, (Role.ADMIN,), "migrate workflows")
        for compiled in (
            runtime.workflows.get(from_workflow, state_map.from_version),
            runtime.workflows.get(to_workflow, state_map.to_version),
        ):
            ensure_pinned(session, compiled.definition, compiled.content_hash, now)
        running = list(
            session.scalars(
                select(Product)
                .where(
                    Product.workflow == source.name,
                    Product.workflow_version == source.version,
                    Product.state.not_in([*final_states, *state_map.keep]),
                )
                .order_by(Product.id)
            )
        )
        unmapped = [p for p in running if p.state not in state_map.states]
        if unmapped:
            listed = ", ".join(f"#{p.id} ({p.state})" for p in unmapped[:50])
            more = f" and {len(unmapped) - 50} more" if len(unmapped) > 50 else ""
            states = sorted({p.state for p in unmapped})
            raise InvalidInput(
                f"nothing was migrated: {len(unmapped)} running products are in states the map "
                f"does not name ({', '.join(states)}): {listed}{more}. Add those states to "
                f"{map_path}"
            )
        moves = Counter(f"{p.state} → {state_map.states[p.state]}" for p in running)
        summary = {
            "from": source.key,
            "to": target.key,
            "products": len(running),
            "moves": dict(sorted(moves.items())),
            "dry_run": dry_run,
        }
        if dry_run:
            session.rollback()
            return summary
        for product in running:
            move_product(
                session, product, state_map, source, target, actor=user, now=now,
                data={"map": map_path.name},
            )
        return summary


def move_product(
    session: Session,
    product: Product,
    state_map: StateMap,
    source: WorkflowDef,
    target: WorkflowDef,
    *,
    actor: User,
    now: datetime,
    data: dict[str, Any],
) -> None:
    """Move one product to its mapped state of ``target``: its deadlines, timers and
    reminders are re-planned and a ``migrate_workflow`` history row records the switch."""
    old_state = product.state
    product.workflow, product.workflow_version = target.name, target.version
    product.state = state_map.states[old_state]
    product.updated_at = now
    context = FireContext(
        session=session,
        product=product,
        actor=actor,
        role=Role(actor.role),
        definition=target,
        transition=TransitionDef(
            trigger=MIGRATE_TRIGGER,
            source=[old_state],
            dest=product.state,
            label=Label(vi="Chuyển quy trình", en="Workflow migration"),
            roles=[Role(actor.role)],
        ),
        now=now,
        from_state=old_state,
        from_definition=source,
        data={"from_workflow": source.key, "to_workflow": target.key, **data},
    )
    engine.settle(context, request_id=None)
