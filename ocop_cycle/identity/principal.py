"""Who is asking: the signed-in user as a plain value the interfaces can pass around."""

from __future__ import annotations

from dataclasses import dataclass

from ocop_cycle.db.models import User


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: str
    unit_code: str | None
    producer_id: int | None
    language: str
    must_change_password: bool

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            unit_code=user.unit_code,
            producer_id=user.producer_id,
            language=user.language,
            must_change_password=user.must_change_password,
        )
