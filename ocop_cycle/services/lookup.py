"""Loading rows by their public keys, with not-found errors that say what to do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Producer, Product, User
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import NotFound

# Built once: every fired trigger looks its actor and its product up (``session.get``
# builds its statement anew each call, which costs more than the query).
_USER_BY_NAME = select(User).where(User.username == bindparam("username"))
_PRODUCT_BY_ID = select(Product).where(Product.id == bindparam("product_id"))
# The same rows read through their tables, not the ORM: a command that only reads
# (``ocop product show``) then never configures the mappers, which costs more than it.
_PRODUCTS, _USERS = Product.__table__, User.__table__
_PRODUCT_ROW = select(_PRODUCTS).where(_PRODUCTS.c.id == bindparam("product_id"))
_USER_ROW = select(_USERS).where(_USERS.c.username == bindparam("username"))


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(_USER_BY_NAME, {"username": username}).first()


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise _no_user(username)
    return user


def user_row(session: Session, username: str) -> Row[Any]:
    """``get_user`` as a row of the users table, for reads."""
    row = session.connection().execute(_USER_ROW, {"username": username}).first()
    if row is None:
        raise _no_user(username)
    return row


def _no_user(username: str) -> NotFound:
    return NotFound(
        f"no user {username!r}; add one with: ocop user add {username} --role …",
        vi=f"Không có tài khoản {username!r}",
    )


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
        raise _no_product(product_id)
    return product


def product_row(session: Session, product_id: int) -> Row[Any]:
    """``get_product`` as a row of the products table, for reads."""
    row = session.connection().execute(_PRODUCT_ROW, {"product_id": product_id}).first()
    if row is None:
        raise _no_product(product_id)
    return row


def _no_product(product_id: int) -> NotFound:
    return NotFound(
        f"no product with id {product_id}; see 'ocop product list'",
        vi=f"Không tìm thấy sản phẩm #{product_id}",
    )


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
