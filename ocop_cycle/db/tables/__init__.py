"""Every table, as SQLAlchemy Core ``Table`` objects on ``ocop_cycle.db.base.metadata``.

The one definition of the schema: the ORM models (``ocop_cycle.db.models``) map onto
these tables, and a command that only reads can query them without importing
``sqlalchemy.orm`` or configuring a mapper (issue 12). Importing this package registers
every table, so that foreign keys resolve and ``metadata`` is whole (the migrations
compare against it). Each module's constants (the statuses and kinds of its rows) are
imported from that module: ``ocop_cycle.db.tables.schedule.PENDING``.
"""

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
