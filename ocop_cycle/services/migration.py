"""Moving running products from one workflow definition to another by an explicit map.

Architecture decision 7: a case stays on the definition it started under until a reviewed
state map moves it; a product in a state the map does not name is refused, not guessed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Product, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.resources import data_dir
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.definition import Label, TransitionDef, WorkflowDef
from ocop_cycle.workflow.hooks import FireContext
from ocop_cycle.workflow.pins import ensure_pinned

MIGRATE_TRIGGER = "migrate_workflow"


class StateMap(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_workflow: str = Field(alias="from")
    from_version: int | None = None
    to_workflow: str = Field(alias="to")
    to_version: int | None = None
    states: dict[str, str]
    # States whose products stay on the old workflow (e.g. dossiers that finish under the
    # old rules, Decision 26/2026 Art. 12); with ``states`` a complete map names every
    # state a product can be running in.
    keep: list[str] = Field(default_factory=list)
    # Triggers fired on a product still on ``from`` once ``to`` is in force: the product
    # moves by this map and the named trigger of ``to`` is fired under its rules (Decision
    # 26/2026 Art. 12: a certificate of the older rules is re-rated under 26/2026).
    forwards: dict[str, str] = Field(default_factory=dict)


def resolve_map(path: Path) -> Path:
    """A map file, or the name of one shipped in ``workflows/migrations/``."""
    if path.exists():
        return path
    shipped = data_dir("workflows") / "migrations" / f"{path.name.removesuffix('.yaml')}.yaml"
    if shipped.exists():
        return shipped
    raise InvalidInput(f"no map file {path}, and no shipped map named {path.name}")


def read_map(path: Path) -> StateMap:
    import yaml  # here: ``ocop product`` commands import this module and read no map

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return StateMap.model_validate(raw)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the map: {exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidInput(f"{path}: {details}") from None


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


def map_problems(state_map: StateMap, source: WorkflowDef, target: WorkflowDef) -> list[str]:
    """Every state and trigger the map names that its workflows do not have."""
    return [
        f"{old!r} is not a state of {source.key}"
        for old in state_map.states
        if old not in source.states
    ] + [
        f"{new!r} (for {old}) is not a state of {target.key}"
        for old, new in state_map.states.items()
        if new not in target.states
    ] + [
        f"kept state {kept!r} is not a state of {source.key}"
        for kept in state_map.keep
        if kept not in source.states
    ] + [
        f"{both!r} is both moved and kept" for both in set(state_map.keep) & set(state_map.states)
    ] + [
        f"forwards: {new!r} (for {old}) is not a trigger of {target.key}"
        for old, new in state_map.forwards.items()
        if not target.has_trigger(new)
    ]


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
