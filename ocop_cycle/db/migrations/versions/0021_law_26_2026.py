"""Decision 26/2026/QĐ-TTg: rounds, inspections, product set and code, revocation ground

Revision ID: 0021_law_26_2026
Revises: 0003_schedule
Create Date: 2026-11-28 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ocop_cycle.db.base

revision: str = "0021_law_26_2026"
down_revision: str | Sequence[str] | None = "0003_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=10), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("proposals_until", sa.Date(), nullable=False),
        sa.Column("held_by", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["admin_units.code"], name="fk_rounds_province_code_admin_units"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.UniqueConstraint("level", "province_code", "year", "number", name="uq_rounds_level"),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name="fk_inspections_certificate_id_certificates",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_inspections_product_id_products"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inspections"),
    )
    op.create_index("ix_inspections_product_id", "inspections", ["product_id"])
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("product_set", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("product_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_products_product_code", ["product_code"])
        batch.create_foreign_key("fk_products_round_id_rounds", "rounds", ["round_id"], ["id"])
        batch.create_index("ix_products_round_id", ["round_id"])
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("revocation_ground", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("valid_until_decision_cap", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("valid_until_decision_cap")
        batch.drop_column("revocation_ground")
    with op.batch_alter_table("products") as batch:
        batch.drop_index("ix_products_round_id")
        batch.drop_constraint("fk_products_round_id_rounds", type_="foreignkey")
        batch.drop_constraint("uq_products_product_code", type_="unique")
        batch.drop_column("round_id")
        batch.drop_column("product_code")
        batch.drop_column("product_set")
    op.drop_index("ix_inspections_product_id", table_name="inspections")
    op.drop_table("inspections")
    op.drop_table("rounds")
