"""The connection a read goes through, from a unit of work of either kind.

Views and lookups of table rows serve both the ORM's units of work (a fired trigger
builds its product's view in its own transaction) and plain connections (``ocop product
show`` reads without importing the ORM); they take either and read through this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def connection_of(unit: Session | Connection) -> Connection:
    """``unit`` itself, or the session's connection once its pending changes are flushed,
    so that rows added in that unit of work are read too."""
    if isinstance(unit, Connection):
        return unit
    unit.flush()
    return unit.connection()
