"""scoring: councils, their members, evaluations and scoresheets

Revision ID: 0002_scoring
Revises: 0001_core
Create Date: 2026-11-28 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ocop_cycle.db.base

revision: str = "0002_scoring"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "councils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=10), nullable=True),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["users.id"], name=op.f("fk_councils_chair_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_units.code"], name=op.f("fk_councils_unit_code_admin_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
    )
    op.create_index("ix_councils_level_unit", "councils", ["level", "unit_code"])

    op.create_table(
        "council_members",
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_members_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_council_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("council_id", "user_id", name=op.f("pk_council_members")),
    )
    op.create_index(
        op.f("ix_council_members_user_id"), "council_members", ["user_id"], unique=False
    )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=10), nullable=True),
        sa.Column("council_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("path", sa.String(length=10), nullable=True),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.String(length=200), nullable=True),
        sa.Column("discussed_note", sa.Text(), nullable=True),
        sa.Column("discussed_by", sa.String(length=100), nullable=True),
        sa.Column("discussed_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_evaluations_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_evaluations_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_units.code"], name=op.f("fk_evaluations_unit_code_admin_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    op.create_index("ix_evaluations_product_status", "evaluations", ["product_id", "status"])
    op.create_index(op.f("ix_evaluations_council_id"), "evaluations", ["council_id"])

    op.create_table(
        "score_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("catalogue", sa.String(length=60), nullable=False),
        sa.Column("sections", _JSON, nullable=False),
        sa.Column("total", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("mandatory_failed", _JSON, nullable=False),
        sa.Column("submitted_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_score_sheets_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_score_sheets_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_score_sheets_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheets")),
        sa.UniqueConstraint("evaluation_id", "user_id", name="uq_score_sheets_evaluation_user"),
    )
    op.create_index("ix_score_sheets_product_kind", "score_sheets", ["product_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_score_sheets_product_kind", table_name="score_sheets")
    op.drop_table("score_sheets")
    op.drop_index(op.f("ix_evaluations_council_id"), table_name="evaluations")
    op.drop_index("ix_evaluations_product_status", table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_index(op.f("ix_council_members_user_id"), table_name="council_members")
    op.drop_table("council_members")
    op.drop_index("ix_councils_level_unit", table_name="councils")
    op.drop_table("councils")
