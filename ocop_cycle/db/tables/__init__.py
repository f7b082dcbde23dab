"""Every table, as SQLAlchemy Core ``Table`` objects on ``ocop_cycle.db.base.metadata``.

The one definition of the schema: the ORM models (``ocop_cycle.db.models``) map onto
these tables, and a command that only reads can query them without importing
``sqlalchemy.orm`` or configuring a mapper (issue 12). Each module's constants (the
statuses and kinds of its rows) are imported from that module:
``ocop_cycle.db.tables.schedule.PENDING``.

A table is registered when its module is first named: ``from ocop_cycle.db.tables import
products`` loads ``core`` alone. Building a table costs about as much as importing a
module, so ``ocop product show`` registers the four modules it reads and not the
scoring, identity, document and outbox tables (bench/cli.py). :func:`load_all` registers
every table where ``metadata`` must be whole: the migrations compare against it, and
the models map every table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, Table

from ocop_cycle.db.base import metadata

if TYPE_CHECKING:
    from ocop_cycle.db.tables.certificate import certificates
    from ocop_cycle.db.tables.core import admin_units, history, producers, products, users
    from ocop_cycle.db.tables.document import documents, idempotent_responses
    from ocop_cycle.db.tables.identity import (
        api_tokens,
        audit_events,
        database_flags,
        sign_in_failures,
        user_sessions,
        workflow_pins,
    )
    from ocop_cycle.db.tables.law import inspections, rounds
    from ocop_cycle.db.tables.outbox import outbox_messages
    from ocop_cycle.db.tables.schedule import schedule_items
    from ocop_cycle.db.tables.scoring import (
        council_members,
        councils,
        evaluations,
        score_sheets,
        sheet_choices,
        sheet_drafts,
    )

# Each table's name here → the module that defines it.
_MODULE_OF = {
    "admin_units": "core",
    "api_tokens": "identity",
    "audit_events": "identity",
    "certificates": "certificate",
    "council_members": "scoring",
    "councils": "scoring",
    "database_flags": "identity",
    "documents": "document",
    "evaluations": "scoring",
    "history": "core",
    "idempotent_responses": "document",
    "inspections": "law",
    "outbox_messages": "outbox",
    "producers": "core",
    "products": "core",
    "rounds": "law",
    "schedule_items": "schedule",
    "score_sheets": "scoring",
    "sheet_choices": "scoring",
    "sheet_drafts": "scoring",
    "sign_in_failures": "identity",
    "user_sessions": "identity",
    "users": "core",
    "workflow_pins": "identity",
}

# What the type checker sees these names as (they are the keys of ``_MODULE_OF``).
__all__ = [
    "admin_units",
    "api_tokens",
    "audit_events",
    "certificates",
    "council_members",
    "councils",
    "database_flags",
    "documents",
    "evaluations",
    "history",
    "idempotent_responses",
    "inspections",
    "outbox_messages",
    "producers",
    "products",
    "rounds",
    "schedule_items",
    "score_sheets",
    "sheet_choices",
    "sheet_drafts",
    "sign_in_failures",
    "user_sessions",
    "users",
    "workflow_pins",
]


def __getattr__(name: str) -> Table:
    """The table ``name``, registering its module's tables on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    table: Table = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = table
    return table


def load_all() -> MetaData:
    """``metadata`` with every table registered."""
    for module in sorted(set(_MODULE_OF.values())):
        importlib.import_module(f"{__name__}.{module}")
    return metadata
