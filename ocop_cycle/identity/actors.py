"""Who is acting: every write names an active user; ``system`` only acts on its own path.

Interfaces only say who is asking (``--actor``, a session, a token); the services call
:func:`acting_user` and the rules below, so there is one permission check per action.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Product, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, PermissionDenied
from ocop_cycle.services.lookup import get_product, get_unit, get_user

SYSTEM_USERNAME = "system"
# Built once: every fired trigger loads its actor and its product.
# (One row of each table: the join condition is the two keys themselves.)
_ACTOR_AND_PRODUCT = select(User, Product).join_from(
    User,
    Product,
    (User.username == bindparam("username")) & (Product.id == bindparam("product_id")),
)


def acting_user(session: Session, username: str | None) -> User:
    """The active user named as the actor of a write, or a refusal saying why not."""
    return may_act(get_user(session, nameable(username)), username)


def acting_user_and_product(
    session: Session, username: str | None, product_id: int
) -> tuple[User, Product]:
    """``acting_user`` and ``get_product`` in one statement: every fired trigger loads
    both, and one round trip through the ORM costs less than two. A missing one is looked
    up alone, so the refusal names what is missing as those functions do."""
    found = session.execute(
        _ACTOR_AND_PRODUCT, {"username": nameable(username), "product_id": product_id}
    ).first()
    if found is None:
        return acting_user(session, username), get_product(session, product_id)
    user, product = found
    return may_act(user, username), product


def nameable(username: str | None) -> str:
    """``username`` if anyone may name it as the actor of a write."""
    if username is None or not username.strip():
        raise InvalidInput(
            "this command changes data: name who is acting with --actor USER (or set OCOP_ACTOR)",
            vi="Thao tác này thay đổi dữ liệu: cần ghi rõ người thực hiện",
        )
    if username == SYSTEM_USERNAME:
        raise PermissionDenied(
            "permission denied: 'system' is not a user anyone can name; only the scheduler "
            "acts as system. Name yourself with --actor USER",
            vi="Không ai được nhân danh tài khoản 'system'; chỉ bộ lập lịch của hệ thống dùng tài khoản này",
        )
    return username


def may_act(user: User, username: str | None) -> User:
    """``user`` if their account may act: not the scheduler's, not deactivated."""
    if user.role == Role.SYSTEM.value:
        raise PermissionDenied(
            f"permission denied: {username} is the scheduler's account",
            vi=f"Tài khoản {username} là tài khoản của bộ lập lịch hệ thống",
        )
    if not user.active:
        raise PermissionDenied(
            f"permission denied: user {username} is deactivated and can do nothing",
            vi=f"Tài khoản {username} đã bị khóa và không thể thực hiện thao tác nào",
        )
    return user


def system_user(session: Session) -> User:
    """The scheduler's own account: for timers fired by ``ocop scheduler`` only."""
    return get_user(session, SYSTEM_USERNAME)


def require_role(user: User, roles: Iterable[Role], action: str) -> Role:
    """Refuse unless ``user`` has one of ``roles``."""
    allowed = tuple(roles)
    role = Role(user.role)
    if role not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise PermissionDenied(
            f"permission denied: {user.username} ({user.role}) may not {action}; "
            f"allowed roles: {names}",
            vi=f"Tài khoản {user.username} ({label_of('role', user.role)}) không được thực hiện thao tác "
            f"này; vai trò được phép: {', '.join(label_of('role', role) for role in allowed)}",
        )
    return role


def require_province(user: User, province_code: str, action: str) -> None:
    """An admin acts everywhere; a province officer only in their own province."""
    role = require_role(user, (Role.ADMIN, Role.PROVINCE_OFFICER), action)
    if role is Role.PROVINCE_OFFICER and user.unit_code != province_code:
        raise PermissionDenied(
            f"permission denied: {user.username} serves province {user.unit_code} and may "
            f"not {action} for province {province_code}",
            vi=f"Tài khoản {user.username} phụ trách tỉnh {user.unit_code}, không được thực hiện thao tác "
            f"này cho tỉnh {province_code}",
        )


def require_over_unit(session: Session, user: User, unit_code: str, action: str) -> None:
    """An admin or central officer acts everywhere; an officer only in and under their
    own unit (a commune officer in their commune, a district officer in their district…)."""
    role = require_role(
        user,
        (Role.ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER,
         Role.COMMUNE_OFFICER),
        action,
    )
    if role in (Role.ADMIN, Role.CENTRAL_OFFICER):
        return
    if user.unit_code not in _unit_and_above(session, unit_code):
        raise PermissionDenied(
            f"permission denied: {user.username} serves unit {user.unit_code}, which does not "
            f"include {unit_code}; they may not {action}",
            vi=f"Tài khoản {user.username} phụ trách đơn vị {user.unit_code}, không bao gồm đơn vị "
            f"{unit_code}; không được thực hiện thao tác này",
        )


def _unit_and_above(session: Session, unit_code: str) -> set[str]:
    codes: set[str] = set()
    current: AdminUnit | None = get_unit(session, unit_code)
    while current is not None:
        codes.add(current.code)
        current = session.get(AdminUnit, current.parent_code) if current.parent_code else None
    return codes
