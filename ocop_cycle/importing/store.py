"""Reading what the database already holds, and writing a batch's plan in bulk.

SQLAlchemy Core inserts, not one ORM object and flush per row: 100,000 rows must import
in seconds (bench/bulk.py), and the cost per row must not grow with the file. Everything
runs in the caller's transaction, so a failure writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ocop_cycle.db.models import (
    AdminUnit,
    Certificate,
    Producer,
    Product,
)
from ocop_cycle.db.tables import certificates, history, producers, products
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import Conflict
from ocop_cycle.importing.ids import reserve_ids, verification_codes
from ocop_cycle.importing.plan import (
    NewCertificate,
    Plan,
    ProductPlan,
    StoredCertificate,
    StoredProduct,
)
from ocop_cycle.importing.rows import Unit, match_key

BATCH = 2000
PRODUCERS, PRODUCTS, CERTIFICATES, HISTORY = producers, products, certificates, history
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_units(session: Session) -> dict[str, Unit]:
    """Every unit with its district and province, computed from the parent links."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.name, AdminUnit.level, AdminUnit.parent_code)
    ).all()
    parent = {code: parent_code for code, _, _, parent_code in rows}
    level = {code: Level(lvl) for code, _, lvl, _ in rows}
    units: dict[str, Unit] = {}
    for code, name, _, _ in rows:
        district: str | None = None
        province = code
        current: str | None = code
        while current is not None:
            if level.get(current) is Level.DISTRICT:
                district = current
            if level.get(current) is Level.PROVINCE:
                province = current
            current = parent.get(current)
        units[code] = Unit(code, name, level[code], district, province)
    return units


def load_producers(
    session: Session, unit_codes: Iterable[str]
) -> Iterator[tuple[tuple[str, str], int]]:
    """Producers already in the units the file names, by (name key, unit code), lowest id
    first; streamed, since a province may hold many."""
    for codes in chunks(sorted(unit_codes), 500):
        statement = (
            select(Producer.id, Producer.name, Producer.commune_code)
            .where(Producer.commune_code.in_(codes))
            .order_by(Producer.id)
            .execution_options(yield_per=BATCH)
        )
        for producer_id, name, code in session.execute(statement):
            yield (match_key(name), code), producer_id


def load_products(session: Session, producer_ids: set[int]) -> dict[tuple[int, str], StoredProduct]:
    """Those producers' products and their certificates, keyed by (producer, name key)."""
    products: dict[tuple[int, str], StoredProduct] = {}
    by_id: dict[int, StoredProduct] = {}
    for ids in chunks(sorted(producer_ids), 500):
        statement = select(
            Product.id, Product.producer_id, Product.name, Product.state, Product.version
        ).where(Product.producer_id.in_(ids))
        for product_id, producer_id, name, state, version in session.execute(statement):
            stored = StoredProduct(product_id, state, version)
            products.setdefault((producer_id, match_key(name)), stored)
            by_id[product_id] = stored
    for ids in chunks(sorted(by_id), 500):
        certificates = select(
            Certificate.id,
            Certificate.product_id,
            Certificate.decision_number,
            Certificate.round_year,
            Certificate.decision_date,
            Certificate.status,
            Certificate.superseded_by_id,
        ).where(Certificate.product_id.in_(ids))
        for cid, product_id, decision, round_year, decided, status, successor in session.execute(
            certificates
        ):
            by_id[product_id].certificates.append(
                StoredCertificate(cid, match_key(decision), round_year, decided, status, successor)
            )
    return products


def _insert_with_ids(
    session: Session, table: Table, items: Sequence[T], build: Callable[[T], dict[str, Any]]
) -> Sequence[int]:
    """Insert one row per item with reserved ids, returning the ids in order.

    Rows are built batch by batch: a large import never holds all its rows as dicts.
    """
    ids = reserve_ids(session, table, len(items))
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        batch_ids = ids[start : start + BATCH]
        session.execute(
            insert(table),
            [{**build(item), "id": row_id} for item, row_id in zip(batch, batch_ids, strict=True)],
        )
    return ids


def write_plan(
    session: Session,
    plan: Plan,
    *,
    workflow: str,
    workflow_version: int,
    actor: str,
    role: str,
    source: str,
    now: datetime,
) -> dict[tuple[str, str], int]:
    """Carry out ``plan``: producers, products, certificates, supersession links, history.
    Return the ids of the producers it created."""
    new_producers = list(plan.new_producers.items())
    producer_ids = _insert_with_ids(
        session,
        PRODUCERS,
        new_producers,
        lambda item: {
            "name": item[1].producer_name,
            "type": item[1].producer_type,
            "commune_code": item[1].unit.code,
            "email": item[1].producer_email,
            "phone": item[1].producer_phone,
            "tax_code": None,
            "language": "vi",
            "created_at": now,
        },
    )
    created = {key: pid for (key, _), pid in zip(new_producers, producer_ids, strict=True)}
    known = {**plan.producer_ids, **created}
    fresh = [p for p in plan.products if p.stored is None]
    for product in plan.products:
        product.producer_id = known[product.first.producer_key]
    product_ids = _insert_with_ids(
        session, PRODUCTS, fresh, lambda p: _product_row(p, workflow, workflow_version, now)
    )
    for product, product_id in zip(fresh, product_ids, strict=True):
        product.id = product_id
    _update_stored_products(session, plan.products, now)
    _write_certificates(session, plan.products, now)
    for batch in chunks(plan.products):
        session.execute(
            insert(HISTORY),
            [_history_row(p, workflow, workflow_version, actor, role, source, now) for p in batch],
        )
    return created


def _product_row(plan: ProductPlan, workflow: str, version: int, now: datetime) -> dict[str, Any]:
    row = plan.first
    return {
        "name": row.product_name,
        "producer_id": plan.producer_id,
        # The finest unit known: the commune, or the district when only it is known.
        "commune_code": row.unit.code,
        "district_code": row.unit.district_code,
        "province_code": row.unit.province_code,
        "product_group": row.product_group,
        "workflow": workflow,
        "workflow_version": version,
        "state": plan.state,
        "score": plan.score,
        "stars": plan.stars,
        "evaluated_level": plan.latest.row.issuing_level.value
        if isinstance(plan.latest, NewCertificate)
        else None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _update_stored_products(session: Session, plans: list[ProductPlan], now: datetime) -> None:
    """Products already in the database that a newer imported certificate moves on."""
    rows = []
    for plan in plans:
        if plan.stored is None:
            continue
        plan.id = plan.stored.id
        if not isinstance(plan.latest, NewCertificate):
            continue  # only older certificates were added: the product stays as it is
        rows.append(
            {
                "b_id": plan.stored.id,
                "b_version": plan.stored.version,
                "b_state": plan.state,
                "b_stars": plan.stars,
                "b_score": plan.score,
                "b_level": plan.latest.row.issuing_level.value,
                "b_now": now,
                "b_next": plan.stored.version + 1,
            }
        )
    if not rows:
        return
    table = PRODUCTS
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            state=bindparam("b_state"),
            stars=bindparam("b_stars"),
            score=bindparam("b_score"),
            evaluated_level=bindparam("b_level"),
            updated_at=bindparam("b_now"),
            version=bindparam("b_next"),
        )
    )
    result = session.connection().execute(statement, rows)
    if session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
        raise Conflict(
            "products of this file were changed by someone else during the import; nothing "
            "was imported. Import the file again",
            vi="trong lúc nhập, người khác đã thay đổi các sản phẩm của tệp này; chưa nhập gì. "
            "Hãy nhập lại tệp",
        )


def _write_certificates(session: Session, plans: list[ProductPlan], now: datetime) -> None:
    ids = iter(reserve_ids(session, CERTIFICATES, sum(len(plan.new) for plan in plans)))
    pairs = ((plan, cert) for plan in plans for cert in plan.new)
    while batch := list(islice(pairs, BATCH)):
        for (_plan, cert), cid in zip(batch, ids, strict=False):
            cert.id = cid
        codes = verification_codes(len(batch))
        session.execute(
            insert(CERTIFICATES),
            [
                _certificate_row(plan, cert, code, now)
                for (plan, cert), code in zip(batch, codes, strict=True)
            ],
        )
    _link_supersessions(session, plans)


def _certificate_row(
    plan: ProductPlan, cert: NewCertificate, code: str, now: datetime
) -> dict[str, Any]:
    assert plan.id is not None and plan.producer_id is not None
    row = cert.row
    # The certificate's place in the product's timeline numbers it (…-000042-2).
    position = next(i for i, item in enumerate(plan.timeline, start=1) if item is cert)
    unit_code = {
        "district": row.unit.district_code,
        "province": row.unit.province_code,
    }.get(row.issuing_level.value)
    return {
        "id": cert.id,
        "number": f"OCOP-{row.unit.province_code}-{row.decision_date.year}-"
        f"{plan.id:06d}-{position}",
        "product_id": plan.id,
        "producer_id": plan.producer_id,
        "stars": row.stars,
        "score": row.score,
        "rule_set": row.rule_set.name,
        "workflow": "import",
        "issuing_level": row.issuing_level.value,
        "issuing_unit_code": unit_code,
        "decision_number": row.decision_number,
        "decision_date": row.decision_date,
        "round_year": row.round_year,
        "valid_from": row.decision_date,
        "expires_on": cert.expires_on,
        "status": cert.status,
        "verification_code": code,
        "superseded_by_id": None,
        "revocation_reason": None,
        "revocation_decision": None,
        "created_at": now,
    }


def _link_supersessions(session: Session, plans: list[ProductPlan]) -> None:
    """Each certificate but the latest is superseded by the next one in time."""
    links = []
    for plan in plans:
        for older, newer in zip(plan.timeline, plan.timeline[1:], strict=False):
            older_id, newer_id = older.id, newer.id
            assert older_id is not None and newer_id is not None
            if isinstance(older, StoredCertificate) and (
                older.superseded_by_id == newer_id or older.status == "revoked"
            ):
                continue
            links.append({"b_id": older_id, "b_successor": newer_id})
    if not links:
        return
    table = CERTIFICATES
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(superseded_by_id=bindparam("b_successor"), status="superseded")
    )
    session.connection().execute(statement, links)


def _history_row(
    plan: ProductPlan,
    workflow: str,
    version: int,
    actor: str,
    role: str,
    source: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "product_id": plan.id,
        "trigger": "import",
        "from_state": plan.stored.state if plan.stored else None,
        "to_state": plan.state,
        "workflow": workflow,
        "workflow_version": version,
        "actor": actor,
        "role": role,
        "at": now,
        "comment": f"Nhập giấy chứng nhận từ tệp {source} (imported from file {source})",
        "data": {
            "source": "import",
            "file": source,
            "rows": [cert.row.row for cert in plan.new],
            "decisions": [cert.row.decision_number for cert in plan.new],
        },
        "request_id": None,
    }
