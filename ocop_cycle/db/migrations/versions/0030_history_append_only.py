"""history is append-only in the database itself: UPDATE and DELETE are refused

Revision ID: 0030_history_append_only
Revises: 0001_core
Create Date: 2026-11-28 22:50:00

The engine never changes a history row; these triggers make sure nothing else does either
(a hand-run SQL statement, a faulty script), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0030_history_append_only"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "history is append-only: its rows are never updated or deleted"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history "
            "FOR EACH ROW EXECUTE FUNCTION history_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER history_no_{event.lower()} BEFORE {event} ON history "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} ({event} refused)'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER history_append_only ON history")
        op.execute("DROP FUNCTION history_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER history_no_{event}")
