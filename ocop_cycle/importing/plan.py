"""What an import will do with a batch of products, decided before it is written.

The plan groups a batch's rows by product (product + producer), matches them with what
the database holds, orders each product's certificates in time, and decides the product's
stars, state and the fate of every earlier certificate. ``--dry-run`` adds the batches'
plans up (``Tally``); the writer carries each one out in bulk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ocop_cycle.importing.lifecycle import (
    IMPORT_STATES,
    certificate_status,
    expiry,
)
from ocop_cycle.importing.row_errors import RowError
from ocop_cycle.importing.rows import ImportRow

SUPERSEDED = "superseded"


@dataclass(slots=True)
class StoredCertificate:
    id: int
    decision_key: str
    round_year: int
    decision_date: date
    status: str
    superseded_by_id: int | None


@dataclass(slots=True)
class StoredProduct:
    id: int
    state: str
    version: int
    certificates: list[StoredCertificate] = field(default_factory=list)


@dataclass(slots=True)
class NewCertificate:
    row: ImportRow
    expires_on: date
    status: str = "active"
    id: int | None = None


@dataclass(slots=True)
class ProductPlan:
    """One product of the file: new certificates to add, and where it ends up."""

    product_key: object
    first: ImportRow
    stored: StoredProduct | None
    new: list[NewCertificate]
    state: str = ""
    stars: int = 0
    score: Decimal | None = None
    # (certificate or new certificate) in time order, oldest first.
    timeline: list[StoredCertificate | NewCertificate] = field(default_factory=list)
    changed_state: bool = False
    id: int | None = None
    producer_id: int | None = None

    @property
    def latest(self) -> StoredCertificate | NewCertificate:
        return self.timeline[-1]


@dataclass(slots=True)
class Plan:
    products: list[ProductPlan]
    new_producers: dict[tuple[str, str], ImportRow]
    producer_ids: dict[tuple[str, str], int]
    skipped_rows: list[int]
    errors: list[RowError]

    @property
    def new_certificates(self) -> int:
        return sum(len(plan.new) for plan in self.products)


@dataclass
class Tally:
    """What the plans of one file's batches add up to: the import's summary."""

    counts: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)

    def add(self, plan: Plan) -> None:
        self.counts["producers_created"] += len(plan.new_producers)
        for product in plan.products:
            key = "products_created" if product.stored is None else "products_updated"
            self.counts[key] += 1
            self.states[product.state] += 1
        self.counts["certificates_created"] += plan.new_certificates
        self.counts["rows_already_imported"] += len(plan.skipped_rows)

    def summary(self) -> dict[str, object]:
        keys = ("producers_created", "products_created", "products_updated",
                "certificates_created", "rows_already_imported")
        return {
            **{key: self.counts[key] for key in keys},
            "states": dict(sorted(self.states.items())),
        }


def _order(item: StoredCertificate | NewCertificate) -> tuple[int, date, int]:
    if isinstance(item, NewCertificate):
        return (item.row.round_year, item.row.decision_date, 1)
    return (item.round_year, item.decision_date, 0)


def make_plan(
    rows: list[ImportRow],
    producer_ids: dict[tuple[str, str], int],
    stored_products: dict[tuple[int, str], StoredProduct],
    today: date,
    state_on: Callable[[date], str],
    planned: Set[tuple[str, str]] = frozenset(),
) -> Plan:
    """Decide everything; ``stored_products`` is keyed by (producer id, product name key);
    ``state_on`` gives the state a product reaches today with a certificate expiring then;
    ``planned`` are producers an earlier batch of a dry run would create."""
    by_product: dict[object, ProductPlan] = {}
    new_producers: dict[tuple[str, str], ImportRow] = {}
    skipped: list[int] = []
    errors: list[RowError] = []
    for row in rows:
        producer_id = producer_ids.get(row.producer_key)
        if producer_id is None and row.producer_key not in planned:
            new_producers.setdefault(row.producer_key, row)
        plan = by_product.get(row.product_key)
        if plan is None:
            stored = None
            if producer_id is not None:
                stored = stored_products.get((producer_id, row.product_key[1]))
            plan = ProductPlan(row.product_key, row, stored, [], producer_id=producer_id)
            by_product[row.product_key] = plan
        stored = plan.stored
        if stored is not None:
            decision = row.natural_key[1]
            if any(c.decision_key == decision for c in stored.certificates):
                skipped.append(row.row)
                continue
            if stored.state not in IMPORT_STATES:
                errors.append(
                    RowError(
                        row.row,
                        "product_name",
                        f"product #{stored.id} exists and is in state {stored.state!r}; "
                        f"certificates can be imported only for products in "
                        f"{', '.join(IMPORT_STATES)}",
                        reason_vi=f"sản phẩm #{stored.id} đã có và đang ở trạng thái "
                        f"{stored.state!r}; chỉ nhập được giấy chứng nhận cho sản phẩm ở trạng "
                        f"thái {', '.join(IMPORT_STATES)}",
                    )
                )
                continue
        plan.new.append(NewCertificate(row, expiry(row.decision_date, row.rule_set)))
    plans = [plan for plan in by_product.values() if plan.new]
    for plan in plans:
        _settle(plan, today, state_on)
    return Plan(plans, new_producers, dict(producer_ids), skipped, errors)


def _settle(plan: ProductPlan, today: date, state_on: Callable[[date], str]) -> None:
    """Order the certificates; the latest one decides stars and state, the rest are
    superseded by their successor."""
    stored = plan.stored.certificates if plan.stored else []
    timeline: list[StoredCertificate | NewCertificate] = [*stored, *plan.new]
    if len(timeline) > 1:
        timeline.sort(key=_order)
    plan.timeline = timeline
    latest = timeline[-1]
    if isinstance(latest, NewCertificate):
        plan.stars, plan.score = latest.row.stars, latest.row.score
        plan.state = state_on(latest.expires_on)
        latest.status = certificate_status(latest.expires_on, today)
    else:
        assert plan.stored is not None
        plan.state = plan.stored.state
    for item in timeline[:-1]:
        if isinstance(item, NewCertificate):
            item.status = SUPERSEDED
    plan.changed_state = plan.stored is None or plan.stored.state != plan.state
