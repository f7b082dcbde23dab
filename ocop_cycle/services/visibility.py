"""Which products a signed-in person may see: the jurisdiction rule for every read.

Existence is private: a product outside the viewer's jurisdiction reads as "not found",
so the API never tells a stranger that a product id exists. Writes are checked by the
engine (``workflow.permissions``); this module only narrows what reads return.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Council, CouncilMember, Producer, Product, User
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.errors import NotFound
from ocop_cycle.services.lookup import get_product

_UNIT_COLUMN = {
    Role.COMMUNE_OFFICER: Product.commune_code,
    Role.DISTRICT_OFFICER: Product.district_code,
    Role.PROVINCE_OFFICER: Product.province_code,
}
_LEVEL_COLUMN = {
    Level.DISTRICT.value: Product.district_code,
    Level.PROVINCE.value: Product.province_code,
}


def visible_products(session: Session, viewer: User) -> ColumnElement[bool]:
    """The condition selecting the products ``viewer`` may see."""
    if not viewer.active:
        return false()
    role = Role(viewer.role)
    if role in _UNIT_COLUMN:
        return _UNIT_COLUMN[role] == viewer.unit_code
    if role is Role.PRODUCER:
        return Product.producer_id == viewer.producer_id
    if role in (Role.CENTRAL_OFFICER, Role.ADMIN):
        return true()
    if role is Role.COUNCIL_MEMBER:
        councils = session.execute(
            select(Council.level, Council.unit_code)
            .join(CouncilMember, CouncilMember.council_id == Council.id)
            .where(CouncilMember.user_id == viewer.id, Council.active.is_(True))
        ).all()
        conditions = [
            true() if level == Level.CENTRAL.value else _LEVEL_COLUMN[level] == unit_code
            for level, unit_code in councils
            if level == Level.CENTRAL.value or level in _LEVEL_COLUMN
        ]
        return or_(false(), *conditions)
    return false()


def visible_product(session: Session, viewer: User, product_id: int) -> Product:
    """The product, or NotFound when it does not exist or lies outside the jurisdiction."""
    found = session.scalars(
        select(Product.id).where(Product.id == product_id, visible_products(session, viewer))
    ).first()
    if found is None:
        raise NotFound(
            f"no product with id {product_id} in your jurisdiction",
            vi=f"Không tìm thấy sản phẩm #{product_id} trong phạm vi bạn phụ trách",
        )
    return get_product(session, product_id)


def visible_producers(viewer: User) -> ColumnElement[bool]:
    """The condition selecting the producers ``viewer`` may see (contact details included)."""
    if not viewer.active:
        return false()
    role = Role(viewer.role)
    if role is Role.PRODUCER:
        return Producer.id == viewer.producer_id
    if role in (Role.CENTRAL_OFFICER, Role.ADMIN):
        return true()
    if role in _UNIT_COLUMN and viewer.unit_code is not None:
        # Communes are one or two levels below a province (before and after 2025).
        children = select(AdminUnit.code).where(AdminUnit.parent_code == viewer.unit_code)
        grandchildren = select(AdminUnit.code).where(AdminUnit.parent_code.in_(children))
        return or_(
            Producer.commune_code == viewer.unit_code,
            Producer.commune_code.in_(children),
            Producer.commune_code.in_(grandchildren),
        )
    return false()
