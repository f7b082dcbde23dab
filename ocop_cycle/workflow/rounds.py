"""Council rounds (Decision 26/2026/QĐ-TTg Art. 5): which round a forwarded product joins.

The yearly rounds come from the workflow file (``rounds:``), so a province's extra rounds
are configuration. A product joins the first round of its level whose proposals have not
closed on the day it is forwarded (the commune forwarding: a provincial round; the
province forwarding a ≥90 result: a central round). Rows are created on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Round, ScheduleItem
from ocop_cycle.db.tables.schedule import DEADLINE, ESCALATION, OPEN, PENDING
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.scheduling.notices import notify_producer
from ocop_cycle.scheduling.planner import PRIORITY, local_midnight
from ocop_cycle.workflow.definition import RoundsDef, WorkflowDef
from ocop_cycle.workflow.evaluations import is_evaluation_state
from ocop_cycle.workflow.hooks import FireContext, action, on_transition

HELD_BY_DEADLINE = "round_held_by"
# Rows of a round's hold-by deadline appear in the digest from this many days before.
_REMIND_DAYS = 14


@dataclass(frozen=True)
class RoundPlan:
    level: Level
    province_code: str | None
    year: int
    number: int
    proposals_until: date
    held_by: date
    basis: str


def planned_rounds(
    rounds: RoundsDef, level: Level, province_code: str | None, year: int
) -> list[RoundPlan]:
    """The rounds of programme ``year`` at ``level`` (and the province's extra ones)."""
    yearly = rounds.province if level is Level.PROVINCE else rounds.central
    plans = []
    for entry in yearly:
        held_year = year + 1 if entry.next_year else year
        plans.append(
            RoundPlan(
                level=level,
                province_code=province_code if level is Level.PROVINCE else None,
                year=year,
                number=entry.number,
                proposals_until=entry.proposals_until.in_year(held_year),
                held_by=entry.held_by.in_year(held_year),
                basis=rounds.source,
            )
        )
    if level is Level.PROVINCE:
        plans.extend(
            RoundPlan(
                level=level,
                province_code=extra.province,
                year=extra.year,
                number=extra.number,
                proposals_until=extra.proposals_until,
                held_by=extra.held_by,
                basis=extra.regulation,
            )
            for extra in rounds.extra
            if extra.province == province_code and extra.year == year
        )
    return plans


def round_for(
    rounds: RoundsDef, level: Level, province_code: str | None, forwarded_on: date
) -> RoundPlan:
    """The first round whose proposals are still open on ``forwarded_on``.

    A proposal on the cut-off day itself is in time (30/4 → round 1; 1/5 → round 2).
    """
    candidates = [
        plan
        for year in (forwarded_on.year - 1, forwarded_on.year, forwarded_on.year + 1)
        for plan in planned_rounds(rounds, level, province_code, year)
        if plan.proposals_until >= forwarded_on
    ]
    return min(candidates, key=lambda plan: (plan.proposals_until, plan.year, plan.number))


def stored_round(session: Session, plan: RoundPlan, now: datetime) -> Round:
    """The round's row, created the first time a product joins it."""
    found = session.scalars(
        select(Round).where(
            Round.level == plan.level.value,
            Round.province_code.is_(None)
            if plan.province_code is None
            else Round.province_code == plan.province_code,
            Round.year == plan.year,
            Round.number == plan.number,
        )
    ).first()
    if found is not None:
        return found
    created = Round(
        level=plan.level.value,
        province_code=plan.province_code,
        year=plan.year,
        number=plan.number,
        proposals_until=plan.proposals_until,
        held_by=plan.held_by,
        basis=plan.basis,
        created_at=now,
    )
    session.add(created)
    session.flush()
    return created


def _forwarded_to(context: FireContext) -> Level:
    """The level the product is now waiting at: the council's level it will meet."""
    state = context.definition.states[context.product.state]
    return state.level or Level.PROVINCE


@action("join_round")
def join_round(context: FireContext) -> None:
    rounds = context.definition.rounds
    if rounds is None:
        return
    level = _forwarded_to(context)
    plan = round_for(rounds, level, context.product.province_code, context.today)
    joined = stored_round(context.session, plan, context.now)
    context.product.round_id = joined.id
    summary = {
        "level": joined.level,
        "year": joined.year,
        "number": joined.number,
        "held_by": joined.held_by.isoformat(),
    }
    context.effects["round"] = summary


@action("notify_forwarded")
def notify_forwarded(context: FireContext) -> None:
    """Tell the producer the dossier went up and which round will score it."""
    joined = (
        context.session.get(Round, context.product.round_id)
        if context.product.round_id is not None
        else None
    )
    if joined is None:
        return
    notify_producer(
        context.session,
        context.product,
        "dossier_forwarded",
        f"round-{joined.id}",
        {
            "round": {
                "level": joined.level,
                "year": joined.year,
                "number": joined.number,
                "held_by": joined.held_by.isoformat(),
            },
            "product_code": context.product.product_code,
        },
        context.now,
    )


@on_transition
def round_deadline(context: FireContext) -> None:
    """Entering the council's state: the round's hold-by date is the officer's deadline."""
    product, definition = context.product, context.definition
    if definition.rounds is None or product.round_id is None:
        return
    if not is_evaluation_state(definition, product.state):
        return
    joined = context.session.get(Round, product.round_id)
    state = definition.states[product.state]
    if joined is None or state.level is None or joined.level != state.level.value:
        return
    context.session.add_all(_held_by_rows(definition, context, joined, state.level))


def _held_by_rows(
    definition: WorkflowDef, context: FireContext, joined: Round, level: Level
) -> list[ScheduleItem]:
    """The hold-by deadline; for a provincial round also its escalation to the centre
    (``rounds.escalate_after_days`` after the date has passed)."""
    role = Role.PROVINCE_OFFICER if level is Level.PROVINCE else Role.CENTRAL_OFFICER
    label = {
        "vi": f"Hội đồng họp đánh giá (đợt {joined.number}/{joined.year})",
        "en": f"Council meets (round {joined.number} of {joined.year})",
    }
    deadline = ScheduleItem(
        product_id=context.product.id,
        certificate_id=None,
        kind=DEADLINE,
        name=HELD_BY_DEADLINE,
        state=context.product.state,
        workflow=definition.name,
        role=role.value,
        step="due",
        due_on=joined.held_by,
        due_at=local_midnight(joined.held_by),
        remind_on=max(context.today, joined.held_by - timedelta(days=_REMIND_DAYS)),
        priority=0,
        rule={
            "label": label,
            "basis": "legal",
            "source": joined.basis,
            "round": {"id": joined.id, "year": joined.year, "number": joined.number},
            "from": context.today.isoformat(),
        },
        status=OPEN,
        created_at=context.now,
    )
    after = definition.rounds.escalate_after_days if definition.rounds else None
    if level is not Level.PROVINCE or after is None:
        return [deadline]
    escalate_on = joined.held_by + timedelta(days=after)
    escalation = ScheduleItem(
        product_id=context.product.id,
        certificate_id=None,
        kind=ESCALATION,
        name=HELD_BY_DEADLINE,
        state=context.product.state,
        workflow=definition.name,
        role=Role.CENTRAL_OFFICER.value,
        step="escalation",
        due_on=escalate_on,
        due_at=local_midnight(escalate_on),
        remind_on=None,
        priority=PRIORITY[ESCALATION],
        rule={
            "label": label,
            "days_after_due": after,
            "due_on": joined.held_by.isoformat(),
        },
        status=PENDING,
        created_at=context.now,
    )
    return [deadline, escalation]


@action("round_year")
def round_year(context: FireContext) -> None:
    """The certificate's programme year is the year of the round that decided it."""
    if context.product.round_id is None:
        return
    joined = context.session.get(Round, context.product.round_id)
    if joined is not None:
        context.data.setdefault("round_year", joined.year)
