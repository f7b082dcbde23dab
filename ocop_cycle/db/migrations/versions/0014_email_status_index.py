"""email status index: finding the few refused addresses without reading every producer

Revision ID: 0014_email_status_index
Revises: 0013_email_status
Create Date: 2026-11-28 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_email_status_index"
down_revision: str | Sequence[str] | None = "0013_email_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every message written asks whether its address was refused for good: an index on
    # the status reads the refused rows only, whatever the number of producers.
    op.create_index("ix_producers_email_status", "producers", ["email_status"])
    op.create_index("ix_users_email_status", "users", ["email_status"])


def downgrade() -> None:
    op.drop_index("ix_users_email_status", table_name="users")
    op.drop_index("ix_producers_email_status", table_name="producers")
