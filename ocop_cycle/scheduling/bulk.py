"""Scheduling many products at once: for imports of existing certificates.

An import (issue 5) brings products straight into a state (``certified``,
``renewal_due`` …) with their certificates; their rows must be exactly those a product
would have got by going through the workflow. ``schedule_products`` plans them with the
same planner the transition listener uses and writes them with one multi-row INSERT per
chunk, so 100,000 products cost a few hundred statements, not 100,000 transactions.
Call it inside the import's own transaction (the session it is given), after the
products and certificates are flushed. It sends no notices: an import is not news.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.db.models import Certificate, Product, ScheduleItem
from ocop_cycle.db.tables import schedule_items
from ocop_cycle.db.tables.schedule import CANCELLED, CLOSED, DEADLINE, OPEN, PENDING
from ocop_cycle.mail.outbox import settings_of
from ocop_cycle.scheduling.config import notification_config
from ocop_cycle.scheduling.planner import (
    CertificateFacts,
    ProductFacts,
    Row,
    certificate_rows,
    rerating_series,
    state_rows,
)
from ocop_cycle.workflow.registry import WorkflowRegistry

CHUNK = 2_000
T = TypeVar("T")


def plan_products(
    session: Session,
    workflows: WorkflowRegistry,
    product_ids: Sequence[int],
    *,
    now: datetime,
    entered_at: datetime | None = None,
) -> Iterator[Row]:
    """The rows ``product_ids`` would have on entering their current state at
    ``entered_at`` (default ``now``), plus the expiry of each active certificate;
    chunk by chunk, so that a large import never holds them all."""
    config = notification_config(settings_of(session).notifications_dir)
    entered = entered_at or now
    # Chosen by date like the listener's: every active certificate's re-rating follows
    # the rules in force (Decision 26/2026 from 2026-05-22), whatever rules issued it.
    series = rerating_series(workflows.in_force(entered.astimezone(LOCAL_TZ).date()).definition)
    for chunk in _chunks(product_ids, CHUNK):
        products = session.execute(
            select(
                Product.id,
                Product.workflow,
                Product.workflow_version,
                Product.state,
                Product.province_code,
                Product.stars,
            ).where(Product.id.in_(chunk))
        ).all()
        certificates: dict[int, CertificateFacts] = {}
        for certificate_id, product_id, expires_on in session.execute(
            select(Certificate.id, Certificate.product_id, Certificate.expires_on)
            .where(Certificate.product_id.in_(chunk), Certificate.status == "active")
            .order_by(Certificate.id)
        ):
            certificates[product_id] = CertificateFacts(certificate_id, expires_on)
        for product_id, workflow, version, state, province_code, stars in products:
            definition = workflows.get(workflow, version).definition
            facts = ProductFacts(product_id, workflow, state, province_code, stars)
            certificate = certificates.get(product_id)
            yield from state_rows(
                definition,
                facts,
                certificate,
                entered_at=entered,
                config=config,
                now=now,
                reminder_series=series,
            )
            if certificate is not None:
                yield from certificate_rows(facts, certificate, now)


def schedule_products(
    session: Session,
    workflows: WorkflowRegistry,
    product_ids: Sequence[int],
    *,
    now: datetime,
    entered_at: datetime | None = None,
    replace: bool = False,
) -> int:
    """Write the rows of ``product_ids``; return how many. With ``replace``, the
    products' existing open rows are closed first (re-running an import)."""
    if replace:
        for chunk in _chunks(product_ids, CHUNK):
            session.execute(
                update(ScheduleItem)
                .where(
                    ScheduleItem.product_id.in_(chunk),
                    ScheduleItem.kind == DEADLINE,
                    ScheduleItem.status == OPEN,
                )
                .values(status=CLOSED, closed_at=now)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(ScheduleItem)
                .where(ScheduleItem.product_id.in_(chunk), ScheduleItem.status == PENDING)
                .values(status=CANCELLED, closed_at=now, outcome="replaced by a re-import")
                .execution_options(synchronize_session=False)
            )
    rows = plan_products(session, workflows, product_ids, now=now, entered_at=entered_at)
    # Core insert on the table: one executemany per chunk. The ORM's bulk insert would
    # split the rows into runs by which values are None, nearly one INSERT per row.
    written = 0
    for batch in _chunks(rows, CHUNK):
        session.execute(insert(schedule_items), batch)
        written += len(batch)
    return written


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
