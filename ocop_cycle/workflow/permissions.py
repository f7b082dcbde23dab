"""Who may fire what, where: roles from the definition, jurisdiction from the product.

Enforced in the engine for every interface (architecture decision 3).
"""

from __future__ import annotations

from ocop_cycle.db.models import Product, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import PermissionDenied
from ocop_cycle.workflow.definition import TransitionDef


def role_of(user: User) -> Role:
    return Role(user.role)


def _named(product: Product) -> str:
    """A product being registered has no id yet: name it by its name instead."""
    return f"product {product.id}" if product.id is not None else f"the new product {product.name!r}"


def jurisdiction_problem(user: User, product: Product) -> str | None:
    """Why ``user`` may not act on ``product`` at all, or None when they may."""
    role = role_of(user)
    where = {
        Role.COMMUNE_OFFICER: ("commune", product.commune_code),
        Role.DISTRICT_OFFICER: ("district", product.district_code),
        Role.PROVINCE_OFFICER: ("province", product.province_code),
    }
    if role in where:
        level, code = where[role]
        if code is None:
            return f"{_named(product)} belongs to no {level} (its workflow has no such level)"
        if user.unit_code != code:
            return (
                f"{user.username} serves unit {user.unit_code}, but {_named(product)} "
                f"is in {level} {code}"
            )
        return None
    if role is Role.PRODUCER:
        if user.producer_id != product.producer_id:
            return f"{user.username} may act only on their own products"
        return None
    if role in (Role.CENTRAL_OFFICER, Role.SYSTEM):
        return None
    if role is Role.COUNCIL_MEMBER:
        return (
            "council members fire no workflow triggers; they score the products of their "
            "council's level and unit with 'ocop score submit'"
        )
    return f"role {role.value} does not act on products"


def transition_problem(user: User, product: Product, transition: TransitionDef) -> str | None:
    """Why ``user`` may not fire ``transition`` on ``product``, or None when they may."""
    role = role_of(user)
    if not user.active:
        return f"user {user.username} is deactivated"
    if transition.system:
        if role is not Role.SYSTEM:
            return f"{transition.trigger} is fired by the scheduler only, not by people"
        return None
    if role is Role.SYSTEM:
        return "the system fires timer triggers only"
    if role not in transition.roles:
        allowed = ", ".join(r.value for r in transition.roles)
        return f"role {role.value} may not fire {transition.trigger}; allowed roles: {allowed}"
    return jurisdiction_problem(user, product)


def check_transition(user: User, product: Product, transition: TransitionDef) -> Role:
    problem = transition_problem(user, product, transition)
    if problem is not None:
        raise PermissionDenied(
            f"permission denied: {user.username} ({user.role}) may not {transition.trigger} "
            f"{_named(product)}: {problem}"
        )
    return role_of(user)
