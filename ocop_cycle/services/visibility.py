"""Which products a signed-in person may see: the jurisdiction rule for every read.

Existence is private: a product outside the viewer's jurisdiction reads as "not found",
so the API never tells a stranger that a product id exists. Writes are checked by the
engine (``workflow.permissions``); this module only narrows what reads return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Row, false, or_, select, true

from ocop_cycle.db.connections import connection_of
from ocop_cycle.db.tables import admin_units, producers, products
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.errors import NotFound
from ocop_cycle.services.rows import product_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ocop_cycle.db.models import Product, User

# The tables' columns, not the mapped attributes: the conditions also serve reads that
# go around the ORM (``visible_product_row``, ``ocop product show``), which import none.
_UNIT_COLUMN = {
    Role.COMMUNE_OFFICER: products.c.commune_code,
    Role.DISTRICT_OFFICER: products.c.district_code,
    Role.PROVINCE_OFFICER: products.c.province_code,
}
_LEVEL_COLUMN = {
    Level.DISTRICT.value: products.c.district_code,
    Level.PROVINCE.value: products.c.province_code,
}


def visible_products(
    unit: Session | Connection, viewer: User | Row[Any]
) -> ColumnElement[bool]:
    """The condition selecting the products ``viewer`` may see."""
    if not viewer.active:
        return false()
    role = Role(viewer.role)
    if role in _UNIT_COLUMN:
        return _UNIT_COLUMN[role] == viewer.unit_code
    if role is Role.PRODUCER:
        return products.c.producer_id == viewer.producer_id
    if role in (Role.CENTRAL_OFFICER, Role.ADMIN):
        return true()
    if role is Role.COUNCIL_MEMBER:
        # Named here: the scoring tables are registered only for the viewers that need
        # them (db/tables/__init__.py); ``ocop product show`` by others never does.
        from ocop_cycle.db.tables import council_members, councils

        memberships = connection_of(unit).execute(
            select(councils.c.level, councils.c.unit_code)
            .join(council_members, council_members.c.council_id == councils.c.id)
            .where(council_members.c.user_id == viewer.id, councils.c.active.is_(True))
        ).all()
        conditions = [
            true() if level == Level.CENTRAL.value else _LEVEL_COLUMN[level] == unit_code
            for level, unit_code in memberships
            if level == Level.CENTRAL.value or level in _LEVEL_COLUMN
        ]
        return or_(false(), *conditions)
    return false()


def visible_product(session: Session, viewer: User, product_id: int) -> Product:
    """The product, or NotFound when it does not exist or lies outside the jurisdiction."""
    # The ORM's lookup, imported when an object is wanted: this module's conditions and
    # rows serve ``ocop product show``, which imports no ORM.
    from ocop_cycle.services.lookup import get_product

    _check_visible(session, viewer, product_id)
    return get_product(session, product_id)


def visible_product_row(
    unit: Session | Connection, viewer: User | Row[Any], product_id: int
) -> Row[Any]:
    """``visible_product`` as a row of the products table, for reads."""
    _check_visible(unit, viewer, product_id)
    return product_row(unit, product_id)


def _check_visible(unit: Session | Connection, viewer: User | Row[Any], product_id: int) -> None:
    connection = connection_of(unit)
    found = connection.execute(
        select(products.c.id).where(
            products.c.id == product_id, visible_products(connection, viewer)
        )
    ).first()
    if found is None:
        raise NotFound(
            f"no product with id {product_id} in your jurisdiction",
            vi=f"Không tìm thấy sản phẩm #{product_id} trong phạm vi bạn phụ trách",
        )


def visible_producers(viewer: User) -> ColumnElement[bool]:
    """The condition selecting the producers ``viewer`` may see (contact details included)."""
    if not viewer.active:
        return false()
    role = Role(viewer.role)
    if role is Role.PRODUCER:
        return producers.c.id == viewer.producer_id
    if role in (Role.CENTRAL_OFFICER, Role.ADMIN):
        return true()
    if role in _UNIT_COLUMN and viewer.unit_code is not None:
        # Communes are one or two levels below a province (before and after 2025).
        children = select(admin_units.c.code).where(admin_units.c.parent_code == viewer.unit_code)
        grandchildren = select(admin_units.c.code).where(admin_units.c.parent_code.in_(children))
        return or_(
            producers.c.commune_code == viewer.unit_code,
            producers.c.commune_code.in_(children),
            producers.c.commune_code.in_(grandchildren),
        )
    return false()
