"""Producers and user accounts."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from ocop_cycle.db.models import Producer, User
from ocop_cycle.domain.vocabulary import Level, ProducerType, Role, parse_choice
from ocop_cycle.errors import InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import find_user, get_producer, get_unit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SYSTEM_USERNAME = "system"
# The level of unit an officer of each role must serve.
_ROLE_UNIT_LEVEL = {
    Role.COMMUNE_OFFICER: Level.COMMUNE,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.PROVINCE_OFFICER: Level.PROVINCE,
}


def check_email(email: str | None) -> str | None:
    if email is None or email == "":
        return None
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an email address")
    return email


def add_producer(
    runtime: Runtime,
    *,
    name: str,
    type: str,
    commune_code: str,
    email: str | None = None,
    phone: str | None = None,
    tax_code: str | None = None,
    language: str = "vi",
) -> Producer:
    try:
        producer_type = parse_choice(ProducerType, type, "producer type")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not name.strip():
        raise InvalidInput("a producer needs a name")
    if language not in ("vi", "en"):
        raise InvalidInput(f"language {language!r} is not supported; use vi or en")
    with runtime.transaction() as session:
        unit = get_unit(session, commune_code)
        if unit.level != Level.COMMUNE:
            raise InvalidInput(f"{commune_code} ({unit.name}) is a {unit.level}, not a commune")
        producer = Producer(
            name=name.strip(),
            type=producer_type.value,
            commune_code=commune_code,
            email=check_email(email),
            phone=phone,
            tax_code=tax_code,
            language=language,
            created_at=runtime.clock.now(),
        )
        session.add(producer)
        session.flush()
        return producer


def add_user(
    runtime: Runtime,
    username: str,
    *,
    role: str,
    unit_code: str | None = None,
    producer_id: int | None = None,
    email: str | None = None,
    name: str | None = None,
    language: str = "vi",
) -> User:
    try:
        user_role = parse_choice(Role, role, "role")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{2,100}", username):
        raise InvalidInput(
            f"username {username!r} must be 2–100 letters, digits or . _ - @ without spaces"
        )
    with runtime.transaction() as session:
        if find_user(session, username) is not None:
            raise InvalidInput(f"user {username!r} exists already")
        _check_role_binding(session, user_role, unit_code, producer_id)
        user = User(
            username=username,
            display_name=name or username,
            email=check_email(email),
            role=user_role.value,
            unit_code=unit_code,
            producer_id=producer_id,
            language=language,
            active=True,
        )
        session.add(user)
        session.flush()
        return user


def _check_role_binding(
    session: Session, role: Role, unit_code: str | None, producer_id: int | None
) -> None:
    expected = _ROLE_UNIT_LEVEL.get(role)
    if expected is not None:
        if unit_code is None:
            raise InvalidInput(f"a {role.value} serves a {expected.value}: give --unit CODE")
        unit = get_unit(session, unit_code)
        if unit.level != expected.value:
            raise InvalidInput(
                f"a {role.value} serves a {expected.value}, but {unit_code} ({unit.name}) "
                f"is a {unit.level}"
            )
    elif unit_code is not None:
        raise InvalidInput(f"a {role.value} serves no unit; drop --unit")
    if role is Role.PRODUCER:
        if producer_id is None:
            raise InvalidInput("a producer account must name its producer: give --producer ID")
        get_producer(session, producer_id)
    elif producer_id is not None:
        raise InvalidInput(f"only producer accounts have --producer, not a {role.value}")


def ensure_system_user(runtime: Runtime) -> None:
    """The actor timers fire as; created by ``ocop init``."""
    with runtime.transaction() as session:
        if find_user(session, SYSTEM_USERNAME) is not None:
            return
        session.add(
            User(
                username=SYSTEM_USERNAME,
                display_name="ocop-cycle scheduler",
                role=Role.SYSTEM.value,
                language="vi",
                active=True,
            )
        )
