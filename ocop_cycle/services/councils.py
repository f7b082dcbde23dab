"""Setting up evaluation councils: a level, a unit, a chair and members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import Council, CouncilMember
from ocop_cycle.domain.unit_names import in_sentence
from ocop_cycle.domain.vocabulary import Level, Role, parse_choice
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_unit, get_user
from ocop_cycle.services.views import unit_ref
from ocop_cycle.workflow.evaluations import council_members

# Councils sit at these levels (Decision 148; the commune has none).
COUNCIL_LEVELS = (Level.DISTRICT, Level.PROVINCE, Level.CENTRAL)
_DEFAULT_NAME = {
    Level.DISTRICT: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp huyện",
    Level.PROVINCE: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp tỉnh",
    Level.CENTRAL: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp Trung ương",
}


def default_name(level: Level, unit_name: str) -> str:
    """"… OCOP huyện Mộ Đức": the unit's own prefix replaces "cấp huyện", once."""
    if not unit_name:
        return _DEFAULT_NAME[level]
    base, _, level_word = _DEFAULT_NAME[level].rpartition(" cấp ")
    return f"{base} {in_sentence(unit_name, level_word)}"


def create_council(
    runtime: Runtime,
    *,
    level: str,
    unit_code: str | None,
    chair: str,
    members: list[str],
    name: str | None = None,
) -> dict[str, Any]:
    """Set up a council; it becomes the current council of its level and unit."""
    try:
        council_level = parse_choice(Level, level, "council level")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if council_level not in COUNCIL_LEVELS:
        allowed = ", ".join(item.value for item in COUNCIL_LEVELS)
        raise InvalidInput(f"councils sit at {allowed} level, not {council_level.value}")
    usernames = list(dict.fromkeys([chair, *(m.strip() for m in members if m.strip())]))
    with runtime.transaction() as session:
        unit_name = _check_unit(session, council_level, unit_code)
        users = [get_user(session, username) for username in usernames]
        wrong = [
            f"{user.username} ({user.role})"
            for user in users
            if user.role != Role.COUNCIL_MEMBER.value or not user.active
        ]
        if wrong:
            raise InvalidInput(
                f"council members must be active users with the role council_member: "
                f"{', '.join(wrong)} are not; add them with 'ocop user add NAME --role "
                "council_member'"
            )
        council = Council(
            name=(name or "").strip() or default_name(council_level, unit_name),
            level=council_level.value,
            unit_code=unit_code,
            chair_id=users[0].id,
            active=True,
            created_at=runtime.clock.now(),
        )
        session.add(council)
        session.flush()
        session.add_all(CouncilMember(council_id=council.id, user_id=user.id) for user in users)
        session.flush()
        return council_view(session, council)


def show_council(runtime: Runtime, council_id: int) -> dict[str, Any]:
    with runtime.reading() as session:
        return council_view(session, get_council(session, council_id))


def list_councils(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.reading() as session:
        return [
            council_view(session, council)
            for council in session.scalars(select(Council).order_by(Council.id))
        ]


def get_council(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"no council with id {council_id}; see 'ocop council list'")
    return council


def council_view(session: Session, council: Council) -> dict[str, Any]:
    members = council_members(session, council)
    chair = next(member for member in members if member.id == council.chair_id)
    return {
        "id": council.id,
        "name": council.name,
        "level": council.level,
        "unit": unit_ref(session, council.unit_code),
        "chair": chair.username,
        "members": [
            {"username": member.username, "name": member.display_name} for member in members
        ],
        "active": council.active,
        "created_at": council.created_at.isoformat(),
    }


def _check_unit(session: Session, level: Level, unit_code: str | None) -> str:
    if level is Level.CENTRAL:
        if unit_code is not None:
            raise InvalidInput("the central council serves the whole country: drop --unit")
        return ""
    if unit_code is None:
        raise InvalidInput(f"a {level.value} council serves one {level.value}: give --unit CODE")
    unit = get_unit(session, unit_code)
    if unit.level != level.value:
        raise InvalidInput(
            f"a {level.value} council serves a {level.value}, but {unit_code} ({unit.name}) "
            f"is a {unit.level}"
        )
    return unit.name
