"""Credentials the client holds as a secret and the database as its hash: sessions and API
tokens are looked up, judged and touched the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from ocop_cycle.db.models import User
from ocop_cycle.identity.tokens import digest
from ocop_cycle.runtime import Runtime

# Activity is recorded at this granularity at most, so that reading pages does not queue
# every request behind a write (idle timeouts are counted in minutes).
TOUCH_EVERY = timedelta(minutes=1)

Accepted = TypeVar("Accepted")


def held_credential(
    runtime: Runtime,
    secret: str,
    *,
    hash_column: InstrumentedAttribute[str],
    last_use_column: InstrumentedAttribute[Any],
    accept: Callable[[Any, User, datetime], Accepted | None],
) -> Accepted | None:
    """What ``accept`` makes of the credential whose hash is ``hash_column`` and its user,
    or None when there is none or ``accept`` refuses it (revoked, expired, deactivated).

    Read without the write lock; the last use is written afterwards, at most once every
    ``TOUCH_EVERY``, and never backwards.
    """
    now = runtime.clock.now()
    model = hash_column.class_
    secret_hash = digest(secret)
    with runtime.reading() as session:
        row = session.execute(
            select(model, User)
            .join(User, User.id == model.user_id)
            .where(hash_column == secret_hash)
        ).first()
        if row is None:
            return None
        stored, user = row
        accepted = accept(stored, user, now)
        if accepted is None:
            return None
        last_use: datetime | None = getattr(stored, last_use_column.key)
        touch = last_use is None or now - last_use >= TOUCH_EVERY
    if touch:
        with runtime.transaction() as session:
            session.execute(
                update(model)
                .where(hash_column == secret_hash)
                .where((last_use_column.is_(None)) | (last_use_column < now))
                .values({last_use_column.key: now})
            )
    return accepted
