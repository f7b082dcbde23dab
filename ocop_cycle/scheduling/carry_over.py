"""Dossiers still running under older rules (Decision 26/2026/QĐ-TTg Art. 12.2).

A product on a workflow the rules in force replace, whose dossier was filed before those
rules began and that is not yet ranked, must be decided by a fixed date (60 days from
2026-05-22 for a first ranking or an upgrade, 30 days for a re-rating). The date is an
open deadline of the province's officers while the product waits in a dossier or
evaluation state: written again on entering each such state (a listener), and for
products already waiting by ``ocop scheduler replan``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import History, Product, ScheduleItem
from ocop_cycle.db.tables.schedule import CLOSED, DEADLINE, OPEN
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.scheduling.planner import local_midnight
from ocop_cycle.workflow.definition import CarryOverDef, WorkflowDef
from ocop_cycle.workflow.evaluations import dossier_purpose, is_evaluation_state
from ocop_cycle.workflow.hooks import FireContext, on_transition

NAME = "carry_over"
# States a filed dossier waits in before it is ranked (evaluation states are found from
# the definition: those a council's score routes leave).
_DOSSIER_STATES = ("dossier_submitted", "dossier_returned", "province_review")
_FILED_BY = ("submit_dossier", "submit_renewal", "request_upgrade", "resubmit_dossier")


def awaiting_ranking(definition: WorkflowDef, state: str) -> bool:
    return state in _DOSSIER_STATES or is_evaluation_state(definition, state)


def carry_over_row(
    session: Session,
    rules: CarryOverDef,
    definition: WorkflowDef,
    product: Product,
    now: datetime,
) -> ScheduleItem | None:
    """The deadline row ``product`` should have now, or None when Art. 12.2 does not apply."""
    if product.workflow not in rules.replaces or not awaiting_ranking(definition, product.state):
        return None
    filed_at = session.scalar(
        select(History.at)
        .where(History.product_id == product.id, History.trigger.in_(_FILED_BY))
        .order_by(History.id.desc())
        .limit(1)
    )
    if filed_at is None or filed_at.astimezone(LOCAL_TZ).date() >= rules.filed_before:
        return None
    purpose = dossier_purpose(session, product.id)
    due_on = rules.finish_by.get(purpose)  # type: ignore[call-overload]
    if due_on is None:
        return None
    label = {
        "vi": "Hoàn thành đánh giá hồ sơ nộp trước 22/05/2026 (chuyển tiếp)",
        "en": "Finish the dossier filed before 22/05/2026 (transition)",
    }
    return ScheduleItem(
        product_id=product.id,
        certificate_id=None,
        kind=DEADLINE,
        name=NAME,
        state=product.state,
        workflow=product.workflow,
        role=Role.PROVINCE_OFFICER.value,
        step="due",
        due_on=due_on,
        due_at=local_midnight(due_on),
        remind_on=min(due_on, now.astimezone(LOCAL_TZ).date()),
        priority=0,
        rule={"label": label, "basis": rules.basis, "source": rules.source, "purpose": purpose},
        status=OPEN,
        created_at=now,
    )


def has_open_row(session: Session, product_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ScheduleItem.product_id == product_id,
                    ScheduleItem.name == NAME,
                    ScheduleItem.kind == DEADLINE,
                    ScheduleItem.status == OPEN,
                )
            )
        )
    )


def close_open_rows(session: Session, product_id: int, now: datetime) -> None:
    session.execute(
        update(ScheduleItem)
        .where(
            ScheduleItem.product_id == product_id,
            ScheduleItem.name == NAME,
            ScheduleItem.kind == DEADLINE,
            ScheduleItem.status == OPEN,
        )
        .values(status=CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )


@on_transition
def carry_over_deadline(context: FireContext) -> None:
    """Keep the Art. 12.2 deadline open while an older-rules dossier awaits its ranking."""
    definition, product = context.definition, context.product
    if context.workflows is None or context.from_state is None or definition.rerating:
        return
    rules = context.workflows.in_force(context.today).definition.carry_over
    if rules is None or definition.name not in rules.replaces:
        return
    left = context.state_left
    left_definition = context.from_definition or definition
    if (
        left is not None
        and not (left.deadlines or left.timers or left.reminders)
        and awaiting_ranking(left_definition, context.from_state)
    ):
        # The generic leaving-state statement did not run: close this row here.
        close_open_rows(context.session, product.id, context.now)
    row = carry_over_row(context.session, rules, definition, product, context.now)
    if row is not None:
        context.session.add(row)


def write_missing_rows(
    session: Session, rules: CarryOverDef, definitions: dict[str, WorkflowDef], now: datetime
) -> list[int]:
    """For ``scheduler replan``: products already waiting that have no open row yet."""
    written = []
    for product in session.scalars(
        select(Product).where(Product.workflow.in_(rules.replaces)).order_by(Product.id)
    ):
        definition = definitions.get(product.workflow)
        if definition is None or has_open_row(session, product.id):
            continue
        row = carry_over_row(session, rules, definition, product, now)
        if row is not None:
            session.add(row)
            written.append(product.id)
    return written
