"""Who serves a product at a level: the officers whose unit covers its place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Product, User
from ocop_cycle.domain.vocabulary import Level, Role


def unit_of(product: Product, level: Level | None) -> str | None:
    return (
        {
            Level.COMMUNE: product.commune_code,
            Level.DISTRICT: product.district_code,
            Level.PROVINCE: product.province_code,
        }.get(level)
        if level is not None
        else None
    )


def officers_over(session: Session, product: Product, role: Role) -> list[User]:
    """Active officers of ``role`` with an email whose jurisdiction includes ``product``."""
    statement = select(User).where(
        User.role == role.value, User.active.is_(True), User.email.is_not(None)
    )
    if role is not Role.CENTRAL_OFFICER:
        code = unit_of(product, role.level)
        if code is None:
            return []
        statement = statement.where(User.unit_code == code)
    return list(session.scalars(statement.order_by(User.id)))
