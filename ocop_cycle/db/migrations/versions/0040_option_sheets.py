"""option-level sheets of Decision 26/2026: choices, product set, opinions, star minimums, knock-outs

Revision ID: 0040_option_sheets
Revises: 0002_scoring
Create Date: 2026-11-28 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0040_option_sheets"
down_revision: str | Sequence[str] | None = "0002_scoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("score_sheets") as batch:
        batch.add_column(sa.Column("product_set", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("opinion", sa.Text(), nullable=True))
    op.create_index(
        "ix_score_sheets_set_submitted", "score_sheets", ["product_set", "submitted_at"]
    )
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("band_stars", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("held_back", _JSON, nullable=True))
        batch.add_column(sa.Column("knockout", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("knockout_note", sa.Text(), nullable=True))
    op.create_table(
        "sheet_choices",
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=12), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["score_sheets.id"],
            name=op.f("fk_sheet_choices_sheet_id_score_sheets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sheet_id", "criterion", name=op.f("pk_sheet_choices")),
    )


def downgrade() -> None:
    op.drop_table("sheet_choices")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("knockout_note")
        batch.drop_column("knockout")
        batch.drop_column("held_back")
        batch.drop_column("band_stars")
    op.drop_index("ix_score_sheets_set_submitted", table_name="score_sheets")
    with op.batch_alter_table("score_sheets") as batch:
        batch.drop_column("opinion")
        batch.drop_column("product_set")
