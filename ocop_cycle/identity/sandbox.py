"""Sandbox databases: the only ones where commands that change data may use ``--as-of``.

A real register must not be backdated: history, deadlines and certificates would record
acts on days they did not happen. Demos and training need exactly that, so a database
created with ``ocop init --sandbox`` (``ocop demo`` makes one) says so in a flag, and a
backdated runtime refuses every write to any other database (:func:`guard_backdated_writes`
watches the statements themselves, so no write path is forgotten).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DBAPIError

from ocop_cycle.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SANDBOX = "sandbox"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)
REFUSAL = (
    "--as-of makes a command act at another date, and this database is not a sandbox: "
    "commands that change data may not use it (reading with --as-of is fine). Run it "
    "without --as-of, or try it in a sandbox made with 'ocop init --sandbox'"
)
REFUSAL_VI = (
    "Cơ sở dữ liệu này không phải bản thử nghiệm: không được thay đổi dữ liệu khi làm việc "
    "ở một ngày khác (--as-of); chỉ được xem"
)


def is_sandbox(session: Session) -> bool:
    # Imported here: every command imports this module for --as-of; the flags' table is
    # registered only by the commands that read it (db/tables/__init__.py).
    from ocop_cycle.db.tables import database_flags

    flag = session.scalar(select(database_flags.c.value).where(database_flags.c.name == SANDBOX))
    return flag == "true"


def mark_sandbox(session: Session, now: datetime) -> None:
    # Imported here: every command checks --as-of through this module; only init marks.
    from ocop_cycle.db.models import DatabaseFlag

    session.merge(DatabaseFlag(name=SANDBOX, value="true", set_at=now))


def _engine_is_sandbox(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT value FROM database_flags WHERE name = :name"), {"name": SANDBOX}
            ).scalar()
    except DBAPIError:
        return False  # no schema yet: not a sandbox
    return value == "true"


def guard_backdated_writes(engine: Engine) -> None:
    """Refuse every data-changing statement on ``engine`` unless its database is a sandbox.

    Installed by an interface that set the clock with ``--as-of``, before any unit of
    work; the refusal happens before the first write, so the unit of work rolls back with
    nothing changed.
    """
    # Asked once, before any unit of work: on SQLite a second connection opened inside
    # one would wait for the write lock that unit holds.
    if _engine_is_sandbox(engine):
        return

    def _before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if _WRITE.match(statement):
            raise InvalidInput(REFUSAL, vi=REFUSAL_VI)

    event.listen(engine, "before_cursor_execute", _before)
