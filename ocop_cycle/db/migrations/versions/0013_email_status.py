"""email status: whether mail reaches a producer's or user's address

Revision ID: 0013_email_status
Revises: 0003_schedule
Create Date: 2026-11-28 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ocop_cycle.db.base

revision: str = "0013_email_status"
down_revision: str | Sequence[str] | None = "0003_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("producers", "users")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(
            table,
            sa.Column("email_status", sa.String(length=20), nullable=False, server_default="ok"),
        )
        op.add_column(table, sa.Column("email_error", sa.Text(), nullable=True))
        op.add_column(
            table,
            sa.Column(
                "email_failed_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True
            ),
        )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("email_failed_at")
            batch.drop_column("email_error")
            batch.drop_column("email_status")
