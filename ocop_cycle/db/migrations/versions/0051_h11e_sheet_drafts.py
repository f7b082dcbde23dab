"""sheet_drafts: a scoresheet saved half-way, which never counts until it is submitted

Revision ID: 0051h11e
Revises: 0040_option_sheets
Create Date: 2026-11-29 02:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ocop_cycle.db.base

revision: str = "0051h11e"
down_revision: str | Sequence[str] | None = "0040_option_sheets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sheet_drafts",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("answers", _JSON, nullable=False),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("updated_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"],
            name=op.f("fk_sheet_drafts_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sheet_drafts_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sheet_drafts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("product_id", "user_id", name=op.f("pk_sheet_drafts")),
    )
    op.create_index(
        op.f("ix_sheet_drafts_evaluation_id"), "sheet_drafts", ["evaluation_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sheet_drafts_evaluation_id"), table_name="sheet_drafts")
    op.drop_table("sheet_drafts")
