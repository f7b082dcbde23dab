"""The ORM's declarative base: the models map onto the Core tables of ``ocop_cycle.db.tables``.

Its ``metadata`` is the tables' own (``ocop_cycle.db.base.metadata``), so the ORM adds no
second schema; only what maps rows to objects lives on this side. Each model declares
``__table__: ClassVar[FromClause]`` as ``DeclarativeBase`` does, so that ``Model.__table__``
keeps the type its callers were written for; code that wants a ``Table`` imports it.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from ocop_cycle.db import base


class Base(DeclarativeBase):
    metadata = base.metadata
