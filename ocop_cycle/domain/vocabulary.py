"""The closed vocabularies of the programme: roles, levels, producer types, product groups."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Level(StrEnum):
    COMMUNE = "commune"
    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"

    @property
    def rank(self) -> int:
        """Higher is further up the administration: commune 0 … central 3."""
        return list(Level).index(self)


class Role(StrEnum):
    COMMUNE_OFFICER = "commune_officer"
    DISTRICT_OFFICER = "district_officer"
    PROVINCE_OFFICER = "province_officer"
    CENTRAL_OFFICER = "central_officer"
    PRODUCER = "producer"
    # Sits on an evaluation council; scores only for the councils they belong to.
    COUNCIL_MEMBER = "council_member"
    ADMIN = "admin"
    SYSTEM = "system"

    @property
    def level(self) -> Level | None:
        """The administrative level an officer role acts at; None for the others."""
        return _ROLE_LEVEL.get(self)


_ROLE_LEVEL = {
    Role.COMMUNE_OFFICER: Level.COMMUNE,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.PROVINCE_OFFICER: Level.PROVINCE,
    Role.CENTRAL_OFFICER: Level.CENTRAL,
}


class ProducerType(StrEnum):
    ENTERPRISE = "enterprise"
    COOPERATIVE = "cooperative"
    COOPERATIVE_GROUP = "cooperative_group"
    HOUSEHOLD = "household"


class ProductGroup(StrEnum):
    FOOD = "food"
    DRINKS = "drinks"
    HERBAL = "herbal"
    HANDICRAFTS = "handicrafts"
    ORNAMENTAL = "ornamental"
    TOURISM = "tourism"


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], value: str, what: str) -> E:
    """Turn user text into an enum member, or explain which values are accepted."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown {what} {value!r}; use one of: {allowed}") from None
