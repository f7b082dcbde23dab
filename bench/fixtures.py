"""A seeded SQLite database for the engine and command-line benchmarks.

Products are bulk inserted as registration leaves them (state, history row, deadline and
escalation rows), so that building 100,000 takes seconds and measures nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import History, Producer, Product, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.bulk import schedule_products
from ocop_cycle.services import units
from ocop_cycle.services.setup import initialise

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
COMMUNE, DISTRICT, PROVINCE = "21427", "533", "51"
ACTOR = "commune1"
WORKFLOW, VERSION, REGISTERED = "ocop-148", 1, "idea_registered"
# Fired by the commune officer from REGISTERED, needing no data and no comment.
TRIGGER, APPROVED = "approve_idea", "plan_preparation"


def build(path: Path, products: int, clock: Clock | None = None) -> Runtime:
    """A database at ``path`` holding ``products`` products just registered (ids 1…n)
    under ocop-148 in commune 21427 of Quảng Ngãi, and their commune officer."""
    runtime = Runtime.create(Settings(database_url=f"sqlite:///{path}"), clock or Clock(NOW))
    initialise(runtime)
    units.load_province(runtime, PROVINCE, "legacy")
    with runtime.transaction() as session:
        session.add(
            User(
                username=ACTOR,
                display_name="Cán bộ OCOP xã Đức Tân",
                role="commune_officer",
                unit_code=COMMUNE,
                language="vi",
            )
        )
        producer = Producer(
            name="HTX Đức Tân",
            type="cooperative",
            commune_code=COMMUNE,
            language="vi",
            created_at=NOW,
        )
        session.add(producer)
        session.flush()
        producer_id = producer.id
    batch = 20_000
    for start in range(0, products, batch):
        count = min(batch, products - start)
        with runtime.transaction() as session:
            session.execute(
                insert(Product),
                [
                    {
                        "name": f"Sản phẩm {start + i}",
                        "producer_id": producer_id,
                        "commune_code": COMMUNE,
                        "district_code": DISTRICT,
                        "province_code": PROVINCE,
                        "product_group": "food",
                        "workflow": WORKFLOW,
                        "workflow_version": VERSION,
                        "state": REGISTERED,
                        "version": 1,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in range(count)
                ],
            )
            session.execute(
                insert(History),
                [
                    {
                        "product_id": start + i + 1,
                        "trigger": "register",
                        "from_state": None,
                        "to_state": REGISTERED,
                        "workflow": WORKFLOW,
                        "workflow_version": VERSION,
                        "actor": ACTOR,
                        "role": "commune_officer",
                        "at": NOW,
                        "data": {},
                    }
                    for i in range(count)
                ],
            )
            # The deadline and escalation rows registration writes, as the listener would.
            schedule_products(
                session, runtime.workflows, list(range(start + 1, start + count + 1)), now=NOW
            )
    return runtime
