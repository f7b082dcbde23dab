"""Loading rows by their public keys, with not-found errors that say what to do."""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Producer, Product, User
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import NotFound
from ocop_cycle.services.rows import no_product, no_user

# Built once: every fired trigger looks its actor and its product up (``session.get``
# builds its statement anew each call, which costs more than the query).
_USER_BY_NAME = select(User).where(User.username == bindparam("username"))
_PRODUCT_BY_ID = select(Product).where(Product.id == bindparam("product_id"))


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(_USER_BY_NAME, {"username": username}).first()


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise no_user(username)
    return user


def get_unit(session: Session, code: str) -> AdminUnit:
    unit = session.get(AdminUnit, code)
    if unit is None:
        raise NotFound(
            f"no administrative unit with code {code!r}; load the province with "
            "'ocop units load --province CODE' and see 'ocop units list'",
            vi=f"Không có đơn vị hành chính mã {code!r}; hãy báo quản trị hệ thống nạp danh mục đơn vị "
            "của tỉnh",
        )
    return unit


def get_producer(session: Session, producer_id: int) -> Producer:
    producer = session.get(Producer, producer_id)
    if producer is None:
        raise NotFound(
            f"no producer with id {producer_id}", vi=f"Không tìm thấy chủ thể số {producer_id}"
        )
    return producer


def get_product(session: Session, product_id: int) -> Product:
    product = session.scalars(_PRODUCT_BY_ID, {"product_id": product_id}).first()
    if product is None:
        raise no_product(product_id)
    return product


def products_under(unit: AdminUnit) -> ColumnElement[bool]:
    """The condition selecting products in ``unit``, whatever its level."""
    column = {
        Level.PROVINCE.value: Product.province_code,
        Level.DISTRICT.value: Product.district_code,
        Level.COMMUNE.value: Product.commune_code,
    }[unit.level]
    return column == unit.code


def unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names of the units with these codes, in one query."""
    rows = session.execute(select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(codes)))
    return {code: name for code, name in rows}
