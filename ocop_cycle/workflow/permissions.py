"""Who may fire what, where: roles from the definition, jurisdiction from the product.

Enforced in the engine for every interface (architecture decision 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import PermissionDenied, Said, TransitionNotAllowed
from ocop_cycle.workflow.definition import TransitionDef

if TYPE_CHECKING:
    # Types only: showing a product checks permissions on rows, without the ORM.
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

    from ocop_cycle.db.models import Evaluation, Product, User

# What a council's chair fires in the council's name, although council members fire no
# triggers: a knock-out while the council evaluates the dossier (Decision 26/2026,
# Appendix II), and the close of the council's evaluation (its result, from the members'
# sheets, that the council reports: Art. 7.3 d; a re-rating by written opinions, Art. 7.6).
DISQUALIFY = "disqualify"
CLOSE = "close_evaluation"
CHAIR_TRIGGERS = frozenset({DISQUALIFY, CLOSE})
# The purpose of a re-rating's evaluation (workflow.evaluations' purposes).
RERATING = "renewal"


def role_of(user: User | Row[Any]) -> Role:
    return Role(user.role)


def _named(product: Product | Row[Any]) -> str:
    """A product being registered has no id yet: name it by its name instead."""
    return (
        f"product {product.id}" if product.id is not None else f"the new product {product.name!r}"
    )


def _named_vi(product: Product | Row[Any]) -> str:
    return f"sản phẩm #{product.id}" if product.id is not None else f"sản phẩm mới «{product.name}»"


def jurisdiction_problem(user: User | Row[Any], product: Product | Row[Any]) -> Said | None:
    """Why ``user`` may not act on ``product`` at all, or None when they may (either may be
    a row of its table: ``ocop product show`` reads without the ORM)."""
    role = role_of(user)
    where = {
        Role.COMMUNE_OFFICER: ("commune", product.commune_code),
        Role.DISTRICT_OFFICER: ("district", product.district_code),
        Role.PROVINCE_OFFICER: ("province", product.province_code),
    }
    if role in where:
        level, code = where[role]
        if code is None:
            return Said(
                f"{_named(product)} belongs to no {level} (its workflow has no such level)",
                vi=f"{_named_vi(product)} không thuộc đơn vị {label_of('level', level)} nào "
                "(quy trình của sản phẩm không có cấp này)",
            )
        if user.unit_code != code:
            return Said(
                f"{user.username} serves unit {user.unit_code}, but {_named(product)} "
                f"is in {level} {code}",
                vi=f"tài khoản {user.username} phụ trách đơn vị {user.unit_code}, còn "
                f"{_named_vi(product)} thuộc đơn vị {label_of('level', level)} {code}",
            )
        return None
    if role is Role.PRODUCER:
        if user.producer_id != product.producer_id:
            return Said(
                f"{user.username} may act only on their own products",
                vi=f"tài khoản {user.username} chỉ được thao tác trên sản phẩm của chính mình",
            )
        return None
    if role in (Role.CENTRAL_OFFICER, Role.SYSTEM):
        return None
    if role is Role.COUNCIL_MEMBER:
        return Said(
            "council members fire no workflow triggers; they score the products of their "
            "council's level and unit with 'ocop score submit'",
            vi="thành viên hội đồng không thực hiện các bước của quy trình; thành viên chỉ "
            "chấm điểm sản phẩm do hội đồng của mình đánh giá",
        )
    return Said(
        f"role {role.value} does not act on products",
        vi=f"vai trò {label_of('role', role)} không thao tác trên sản phẩm",
    )


def transition_problem(
    user: User | Row[Any], product: Product | Row[Any], transition: TransitionDef
) -> Said | None:
    """Why ``user`` may not fire ``transition`` on ``product``, or None when they may."""
    role = role_of(user)
    if not user.active:
        return Said(
            f"user {user.username} is deactivated",
            vi=f"tài khoản {user.username} đã bị vô hiệu hóa",
        )
    if transition.system:
        if role is not Role.SYSTEM:
            return Said(
                f"{transition.trigger} is fired by the scheduler only, not by people",
                vi=f"bước «{transition.label.vi}» do hệ thống tự động thực hiện",
            )
        return None
    if role is Role.SYSTEM:
        return Said(
            "the system fires timer triggers only",
            vi="hệ thống chỉ tự động thực hiện các bước theo thời hạn",
        )
    if role not in transition.roles:
        allowed = ", ".join(r.value for r in transition.roles)
        return Said(
            f"role {role.value} may not fire {transition.trigger}; allowed roles: {allowed}",
            vi="bước này chỉ dành cho "
            + ", ".join(label_of("role", allowed_role) for allowed_role in transition.roles),
        )
    return jurisdiction_problem(user, product)


def check_transition(user: User, product: Product, transition: TransitionDef) -> Role:
    problem = transition_problem(user, product, transition)
    if problem is not None:
        raise PermissionDenied(
            f"permission denied: {user.username} ({user.role}) may not {transition.trigger} "
            f"{_named(product)}: {problem}",
            vi=f"Tài khoản {user.username} ({label_of('role', user.role)}) không được "
            f"thực hiện bước «{transition.label.vi}» đối với {_named_vi(product)}: {problem.vi}",
        )
    return role_of(user)


def check_fire(session: Session, user: User, product: Product, transition: TransitionDef) -> Role:
    """The role ``user`` fires ``transition`` in, or the refusal: the transition's roles
    and jurisdiction, or, for a council member, the chair's own triggers."""
    if transition.trigger in CHAIR_TRIGGERS and role_of(user) is Role.COUNCIL_MEMBER:
        chaired_evaluation(session, user, product, transition.trigger)
        return Role.COUNCIL_MEMBER
    return check_transition(user, product, transition)


def closes_by_written_opinions(purpose: str, *, option_level: bool) -> bool:
    """Whether an evaluation is a re-rating on the option-level sheets, decided by the
    members' written opinions without a meeting unless their totals differ (Art. 7.6)."""
    return purpose == RERATING and option_level


def chaired_evaluation(session: Session, user: User, product: Product, trigger: str) -> Evaluation:
    """The open evaluation of ``product`` whose council ``user`` chairs, when the chair
    may fire ``trigger`` on it now; otherwise the refusal saying why."""
    # Imported here: the scoring code is needed only when a chair acts, and showing a
    # product (which imports this module) must not load it.
    from ocop_cycle.workflow.evaluations import bind_council, open_evaluation

    if not user.active:
        raise PermissionDenied(
            f"permission denied: user {user.username} is deactivated",
            vi=f"Tài khoản {user.username} đã bị vô hiệu hóa",
        )
    evaluation = open_evaluation(session, product.id, product.state, lock=True)
    if evaluation is None:
        raise TransitionNotAllowed(
            f"product {product.id} is not before a council (state {product.state}): a "
            f"chair may {trigger} only while the council evaluates it",
            vi=f"Sản phẩm #{product.id} không đang được hội đồng đánh giá: Chủ tịch hội đồng "
            "chỉ thực hiện thao tác này trong thời gian hội đồng đánh giá",
        )
    council = bind_council(session, evaluation)
    if council is None or council.chair_id != user.id:
        raise PermissionDenied(
            f"permission denied: only the chair of the council evaluating product "
            f"{product.id} may {trigger} it, not {user.username}",
            vi=f"Chỉ Chủ tịch hội đồng đánh giá sản phẩm #{product.id} mới được thực hiện thao "
            f"tác này; tài khoản {user.username} không phải Chủ tịch hội đồng",
        )
    return evaluation
