"""evaluations(council_id, status): whether a council is scoring online, found by index

The composite index replaces the one on council_id alone, which is its prefix.

Revision ID: 0050h12c
Revises: 0002_scoring
Create Date: 2026-11-29 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0050h12c"
down_revision: str | Sequence[str] | None = "0002_scoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_evaluations_council_status", "evaluations", ["council_id", "status"]
    )
    op.drop_index("ix_evaluations_council_id", table_name="evaluations")


def downgrade() -> None:
    op.create_index("ix_evaluations_council_id", "evaluations", ["council_id"])
    op.drop_index("ix_evaluations_council_status", table_name="evaluations")
