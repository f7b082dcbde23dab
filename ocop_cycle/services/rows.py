"""A user's and a product's row by their keys, read on a plain connection.

What ``ocop product show`` reads: rows of the tables, not ORM objects, so that showing a
product never imports the ORM (services/lookup.py loads the objects for changes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, bindparam, select

from ocop_cycle.db.connections import connection_of
from ocop_cycle.db.tables import products, users
from ocop_cycle.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_PRODUCT_ROW = select(products).where(products.c.id == bindparam("product_id"))
_USER_ROW = select(users).where(users.c.username == bindparam("username"))


def user_row(unit: Session | Connection, username: str) -> Row[Any]:
    """The user named ``username``, or NotFound saying how to add one."""
    row = connection_of(unit).execute(_USER_ROW, {"username": username}).first()
    if row is None:
        raise no_user(username)
    return row


def product_row(unit: Session | Connection, product_id: int) -> Row[Any]:
    """The product with this id, or NotFound."""
    row = connection_of(unit).execute(_PRODUCT_ROW, {"product_id": product_id}).first()
    if row is None:
        raise no_product(product_id)
    return row


def no_user(username: str) -> NotFound:
    return NotFound(
        f"no user {username!r}; add one with: ocop user add {username} --role …",
        vi=f"Không có tài khoản {username!r}",
    )


def no_product(product_id: int) -> NotFound:
    return NotFound(
        f"no product with id {product_id}; see 'ocop product list'",
        vi=f"Không tìm thấy sản phẩm #{product_id}",
    )
