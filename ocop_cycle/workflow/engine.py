"""Firing triggers on products: permission → data → guards → state change → history.

The engine works inside a session the caller opened (one unit of work); it never commits.
Any exception it raises leaves the caller to roll back, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ocop_cycle.db.models import History, Product, User
from ocop_cycle.db.tables import history, products
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import GuardFailed, InvalidInput, TransitionNotAllowed
from ocop_cycle.workflow.definition import Label, TransitionDef, WorkflowDef
from ocop_cycle.workflow.hook_names import load_hooks
from ocop_cycle.workflow.hooks import (
    ACTIONS,
    DATA_FIELDS,
    GUARDS,
    STEPS,
    TRANSITION_LISTENERS,
    FireContext,
)
from ocop_cycle.workflow.permissions import check_fire, transition_problem
from ocop_cycle.workflow.registry import CompiledWorkflow, WorkflowRegistry

REGISTER = "register"
# History is append-only and never read back in the unit of work: a Core insert, built
# once, skips the ORM's identity bookkeeping and the statement's construction.
_APPEND_HISTORY = insert(history)
_PRODUCT_COLUMNS = frozenset(products.c.keys())  # the mapped attributes are named alike
# The state change is written by hand rather than by the ORM's flush (a third of a fired
# trigger's time went into that bookkeeping), with the same optimistic lock: the row
# changes only if it is still at the version loaded. The SET clause is the parameters'.
_WRITE_PRODUCT = update(products).where(
    products.c.id == bindparam("product_id"),
    products.c.version == bindparam("loaded_version"),
)


def registration(definition: WorkflowDef) -> TransitionDef:
    """Registration as a transition from nothing to the initial state."""
    return TransitionDef(
        trigger=REGISTER,
        source=[],
        dest=definition.initial,
        label=Label(vi="Đăng ký ý tưởng sản phẩm", en="Register a product idea"),
        roles=definition.register_roles,
    )


def parse_data(
    transition: TransitionDef,
    raw: Mapping[str, str],
    accepted: frozenset[str],
    supplied: Collection[str] = (),
) -> dict[str, Any]:
    """Check the data given against the transition's keys, the registered parsers and the
    transition's needs.

    ``accepted`` is what the transition requires or its hooks read: anything else would
    be stored in history unread. Fields in ``supplied`` may come from the transition's
    steps instead of the actor.
    """
    parsed: dict[str, Any] = {}
    errors = []
    # The same problems for a reader of the pages, naming the fields by their labels.
    errors_vi = []
    for key, text in raw.items():
        if key not in accepted:
            taken = ", ".join(sorted(accepted))
            errors.append(f"{transition.trigger} takes no --data {key}; it takes: {taken or 'no data'}")
            taken_vi = ", ".join(f"«{label_of('data_field', name)}»" for name in sorted(accepted))
            errors_vi.append(
                f"bước «{transition.label.vi}» không nhận trường «{label_of('data_field', key)}»; "
                + (f"bước này nhận: {taken_vi}" if taken else "bước này không nhận dữ liệu nào")
            )
            continue
        parser = DATA_FIELDS.get(key)
        if parser is None:
            parsed[key] = text
            continue
        try:
            parsed[key] = parser(text)
        except ValueError as exc:
            errors.append(str(exc))
            errors_vi.append(f"giá trị «{text}» của trường «{label_of('data_field', key)}» không hợp lệ")
    for key in transition.requires:
        if key not in raw and key not in supplied:
            errors.append(f"{transition.trigger} needs {key}: give --data {key}=…")
            errors_vi.append(f"bước «{transition.label.vi}» cần trường «{label_of('data_field', key)}»")
    if errors:
        raise InvalidInput("; ".join(errors), vi="Dữ liệu chưa đúng: " + "; ".join(errors_vi))
    return parsed


def fire(
    session: Session,
    compiled: CompiledWorkflow,
    product: Product,
    actor: User,
    trigger: str,
    *,
    now: datetime,
    comment: str | None = None,
    data: Mapping[str, str] | None = None,
    request_id: str | None = None,
    workflows: WorkflowRegistry | None = None,
    default_workflow: str | None = None,
    forwarded_from: str | None = None,
) -> None:
    """Fire ``trigger`` on ``product`` as ``actor``, writing its history row.

    ``workflows`` and ``default_workflow`` let actions move a product to the rules now
    in force (a renewal); without them the product stays on its own workflow.
    ``forwarded_from``: the older rules' trigger the actor fired, recorded in the history
    row (``services/forwarding.py``).
    """
    load_hooks()
    definition = compiled.definition
    transition = definition.transition(trigger, product.state)
    if transition is None:
        raise TransitionNotAllowed(
            _not_allowed_message(definition, product, trigger, actor),
            vi=_not_allowed_vi(definition, product, trigger),
        )
    role = check_fire(session, actor, product, transition)
    comment = comment.strip() if comment else None
    if transition.comment_required and not comment:
        raise InvalidInput(
            f"{trigger} needs a comment saying why: give --comment TEXT",
            vi=f"Bước «{transition.label.vi}» cần ghi rõ lý do: hãy nhập ý kiến",
        )
    context = FireContext(
        session=session,
        product=product,
        actor=actor,
        role=role,
        definition=definition,
        transition=transition,
        now=now,
        from_state=product.state,
        comment=comment,
        data=parse_data(
            transition,
            data or {},
            compiled.accepted_data(transition),
            supplied=[key for name in transition.steps for key in STEPS[name].supplies],
        ),
        workflows=workflows,
        default_workflow=default_workflow,
    )
    if forwarded_from is not None:
        context.effects["forwarded_from"] = forwarded_from
    for name in transition.steps:
        STEPS[name].run(context)
    for name in transition.guards:
        GUARDS[name](context)
    moved = compiled.machine.events[trigger].trigger(product, context=context)
    if not moved:
        raise GuardFailed(
            f"no route of {trigger} from {product.state} accepts this data",
            vi=f"Không thể thực hiện bước «{transition.label.vi}» với dữ liệu đã nhập khi sản "
            f"phẩm đang ở trạng thái «{definition.state_label(product.state)}»",
        )
    product.updated_at = now
    for name in transition.actions:
        ACTIONS[name](context)
    write_product(session, product)
    settle(context, request_id)


def write_product(session: Session, product: Product) -> None:
    """Store the product's changed columns in one version-checked UPDATE, and tell the
    ORM they are stored. A change only the ORM can store (a relationship set) is left to
    its flush, which checks the version the same way."""
    state = inspect(product)
    changed = state.committed_state  # attributes changed since loaded or last flushed
    if (
        not state.persistent
        or not changed
        or not changed.keys() <= _PRODUCT_COLUMNS
        or "version" in changed
    ):
        return
    values = {key: getattr(product, key) for key in changed}
    version = product.version
    stored = session.connection().execute(
        _WRITE_PRODUCT,
        {**values, "version": version + 1, "product_id": product.id, "loaded_version": version},
    )
    if stored.rowcount != 1:
        raise StaleDataError(f"product {product.id} is no longer at version {version}")
    set_committed_value(product, "version", version + 1)
    # Mark every attribute stored, as the ORM does after its own flush: otherwise the next
    # flush walks its whole unit-of-work machinery to find nothing left to write.
    state._commit_all(state.dict, session.identity_map)


def settle(context: FireContext, request_id: str | None) -> None:
    """After a state change (registration and migration included): run the listeners that
    follow from entering and leaving states, then append the history row."""
    load_hooks()
    for listener in TRANSITION_LISTENERS:
        listener(context)
    append_history(
        context.session,
        context.product,
        trigger=context.transition.trigger,
        from_state=context.from_state,
        actor=context.actor.username,
        role=context.role.value,
        at=context.now,
        comment=context.comment,
        data={**context.data, **context.effects},
        request_id=request_id,
    )


def append_history(
    session: Session,
    product: Product,
    *,
    trigger: str,
    from_state: str | None,
    actor: str,
    role: str,
    at: datetime,
    data: dict[str, Any],
    comment: str | None = None,
    request_id: str | None = None,
) -> None:
    """Append one history row recording the product's current state and workflow."""
    # Straight to the connection: nothing pending needs flushing before an insert that
    # depends on no other row of this unit of work but the (already stored) product.
    session.connection().execute(
        _APPEND_HISTORY,
        {
            "product_id": product.id,
            "trigger": trigger,
            "from_state": from_state,
            "to_state": product.state,
            "workflow": product.workflow,
            "workflow_version": product.workflow_version,
            "actor": actor,
            "role": role,
            "at": at,
            "comment": comment,
            "data": data,
            "request_id": request_id,
        },
    )


def allowed_triggers(
    definition: WorkflowDef, product: Product, actor: User | None = None
) -> list[str]:
    """Triggers that may be fired now: all of the state's, or those ``actor`` may fire."""
    names = []
    for transition in definition.transitions_from(product.state):
        if actor is not None and transition_problem(actor, product, transition) is not None:
            continue
        if transition.trigger not in names:
            names.append(transition.trigger)
    return names


def replayed_request(session: Session, request_id: str, product_id: int, trigger: str) -> bool:
    """Whether this request was already carried out; refuse a reuse for something else."""
    earlier = session.scalars(select(History).where(History.request_id == request_id)).first()
    if earlier is None:
        return False
    # A trigger carried forward to newer rules is recorded under its new name.
    fired = (earlier.trigger, (earlier.data or {}).get("forwarded_from"))
    if earlier.product_id != product_id or trigger not in fired:
        raise InvalidInput(
            f"request id {request_id!r} was already used for {earlier.trigger} on product "
            f"{earlier.product_id}; use a new request id",
            vi=f"Mã yêu cầu {request_id!r} đã được dùng cho sản phẩm #{earlier.product_id}; "
            "hãy tải lại trang rồi thực hiện lại",
        )
    return True


def _not_allowed_vi(definition: WorkflowDef, product: Product, trigger: str) -> str:
    """The refusal as a page says it: with the state's and the steps' labels, not codes."""
    state = definition.state_label(product.state)
    allowed = [t.label.vi for t in definition.transitions_from(product.state)]
    offered = ", ".join(f"«{label}»" for label in dict.fromkeys(allowed)) or "không còn bước nào"
    if not definition.has_trigger(trigger):
        return (
            f"Quy trình {definition.key} không có bước {trigger!r}; từ trạng thái «{state}» "
            f"có thể thực hiện: {offered}"
        )
    return (
        f"Không thể thực hiện bước này khi sản phẩm #{product.id} đang ở trạng thái «{state}»; "
        f"các bước có thể thực hiện: {offered}"
    )


def _not_allowed_message(
    definition: WorkflowDef, product: Product, trigger: str, actor: User
) -> str:
    allowed = ", ".join(allowed_triggers(definition, product)) or "none (final state)"
    if not definition.has_trigger(trigger):
        return (
            f"{trigger!r} is not a trigger of workflow {definition.key}; "
            f"from {product.state} the allowed triggers are: {allowed}"
        )
    return (
        f"{trigger} is not allowed while product {product.id} is in state {product.state}; "
        f"allowed triggers from there: {allowed}"
    )
