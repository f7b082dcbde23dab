"""schedule: deadlines, reminders, escalations, timers; the mail outbox

Revision ID: 0003_schedule
Revises: 0001_core
Create Date: 2026-11-28 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ocop_cycle.db.base

revision: str = "0003_schedule"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "schedule_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=60), nullable=True),
        sa.Column("workflow", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("rule", _JSON, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_schedule_items_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_schedule_items_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_items")),
    )
    op.create_index(
        "ix_schedule_items_due",
        "schedule_items",
        ["due_at"],
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_schedule_items_open_deadlines",
        "schedule_items",
        ["remind_on"],
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_schedule_items_product_status", "schedule_items", ["product_id", "status"])
    op.create_index(op.f("ix_schedule_items_certificate_id"), "schedule_items", ["certificate_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("recipient_name", sa.String(length=300), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("context", _JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_outbox_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    op.create_index(
        "ix_outbox_ready",
        "outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'sending')"),
        sqlite_where=sa.text("status IN ('pending', 'sending')"),
    )
    op.create_index("ix_outbox_status_id", "outbox", ["status", "id"])
    op.create_index(op.f("ix_outbox_product_id"), "outbox", ["product_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_product_id"), table_name="outbox")
    op.drop_index("ix_outbox_status_id", table_name="outbox")
    op.drop_index("ix_outbox_ready", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_schedule_items_certificate_id"), table_name="schedule_items")
    op.drop_index("ix_schedule_items_product_status", table_name="schedule_items")
    op.drop_index("ix_schedule_items_open_deadlines", table_name="schedule_items")
    op.drop_index("ix_schedule_items_due", table_name="schedule_items")
    op.drop_table("schedule_items")
