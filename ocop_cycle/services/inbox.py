"""The inbox, "Việc cần làm": everything waiting on one person, soonest deadline first.

Two kinds of work: products in a state where the person's role may act (within their
jurisdiction), and council score sheets they owe. Each item carries its open deadline, if
the workflow set one, and whether that deadline has passed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import CouncilMember, Evaluation, Product, ScheduleItem, ScoreSheet, User
from ocop_cycle.db.tables.schedule import DEADLINE, OPEN
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.visibility import visible_products
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.evaluations import OPEN as EVALUATION_OPEN
from ocop_cycle.workflow.permissions import role_of, transition_problem

LIMIT = 200


def inbox(runtime: Runtime, viewer: str, *, limit: int = LIMIT) -> dict[str, Any]:
    """The viewer's open work, sorted by due date (undated work last), and the total."""
    today = runtime.clock.today()
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        waiting = and_(visible_products(session, user), _actionable_states(runtime, user))
        sheets = _sheets_owed(session, user)
        items = _product_work(runtime, session, user, waiting, limit) + sheets
        items.sort(key=lambda item: (item["due_on"] is None, item["due_on"] or "", item["id"]))
        for item in items:
            item["overdue"] = (
                item["due_on"] is not None and date.fromisoformat(item["due_on"]) < today
            )
        total = (
            session.scalar(select(func.count()).select_from(Product).where(waiting)) or 0
        ) + len(sheets)
        return {"items": items[:limit], "total": total, "today": today.isoformat()}


def waits_on(definition: WorkflowDef, state: str, role: Role) -> bool:
    """Whether a product in ``state`` waits on ``role``: the state belongs to the role's
    level (the workflow says whose desk a state is on) and the role has a move from it.
    A producer's desk is the commune-level states and those that remind the producer
    (the re-rating window); a move they may make any time (an upgrade) is not work."""
    state_def = definition.states.get(state)
    if state_def is None or state_def.final:
        return False
    if not any(role in t.roles and not t.system for t in definition.transitions_from(state)):
        return False
    if role is Role.PRODUCER:
        return state_def.level is Level.COMMUNE or bool(state_def.reminders)
    return state_def.level is not None and state_def.level is role.level


def _actionable_states(runtime: Runtime, user: User) -> ColumnElement[bool]:
    """Products whose workflow puts their current state on the viewer's desk: decided
    from the workflow files alone, so the database is asked one indexed question."""
    role = role_of(user)
    conditions: list[ColumnElement[bool]] = []
    for compiled in runtime.workflows.all():
        definition = compiled.definition
        states = [state for state in definition.states if waits_on(definition, state, role)]
        if states:
            conditions.append(
                and_(
                    Product.workflow == definition.name,
                    Product.workflow_version == definition.version,
                    Product.state.in_(states),
                )
            )
    return or_(*conditions) if conditions else false()


def _product_work(
    runtime: Runtime, session: Session, user: User, waiting: ColumnElement[bool], limit: int
) -> list[dict[str, Any]]:
    """Products with an open deadline, soonest first, then those without one, oldest
    first; both read through indexes, never by ordering every waiting product."""
    open_deadline = and_(
        ScheduleItem.product_id == Product.id,
        ScheduleItem.kind == DEADLINE,
        ScheduleItem.status == OPEN,
        ScheduleItem.state == Product.state,
    )
    due_on = func.min(ScheduleItem.due_on)
    dated = session.execute(
        select(Product, due_on)
        .join(ScheduleItem, open_deadline)
        .where(waiting)
        .group_by(Product.id)
        .order_by(due_on, Product.id)
        .limit(limit)
    ).all()
    rows: list[tuple[Product, date | None]] = [(product, due) for product, due in dated]
    if len(rows) < limit:
        undated = session.scalars(
            select(Product)
            .where(waiting, ~exists().where(open_deadline))
            .order_by(Product.id)
            .limit(limit - len(rows))
        )
        rows += [(product, None) for product in undated]
    items = []
    for product, due in rows:
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        actions = [
            {"vi": transition.label.vi, "en": transition.label.en}
            for transition in definition.transitions_from(product.state)
            if transition_problem(user, product, transition) is None
        ]
        if not actions:
            continue
        items.append(
            {
                "kind": "product",
                "id": product.id,
                "name": product.name,
                "state": product.state,
                "state_label": {
                    language: definition.state_label(product.state, language)
                    for language in ("vi", "en")
                },
                "actions": actions,
                "due_on": due.isoformat() if due else None,
            }
        )
    return items


def _sheets_owed(session: Session, user: User) -> list[dict[str, Any]]:
    """Open council evaluations of the viewer's councils with no sheet of theirs yet."""
    rows = session.execute(
        select(Evaluation, Product.name)
        .join(Product, Product.id == Evaluation.product_id)
        .join(CouncilMember, CouncilMember.council_id == Evaluation.council_id)
        .where(
            CouncilMember.user_id == user.id,
            Evaluation.status == EVALUATION_OPEN,
            ~exists().where(
                ScoreSheet.evaluation_id == Evaluation.id, ScoreSheet.user_id == user.id
            ),
        )
        .order_by(Evaluation.opened_at)
    ).all()
    return [
        {
            "kind": "score_sheet",
            "id": evaluation.product_id,
            "name": name,
            "state": evaluation.state,
            "state_label": {"vi": "Chấm điểm hội đồng", "en": "Council scoring"},
            "actions": [{"vi": "Chấm điểm", "en": "Score"}],
            "due_on": None,
        }
        for evaluation, name in rows
    ]
