"""idempotent_responses: first answers to HTTP requests with an Idempotency-Key (issue 10)

Revision ID: 0012_idempotent_responses
Revises: 0011_documents
Create Date: 2026-11-28 22:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ocop_cycle.db.base

revision: str = "0012_idempotent_responses"
down_revision: str | Sequence[str] | None = "0011_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "idempotent_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("response", _JSON, nullable=False),
        sa.Column("created_at", ocop_cycle.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_responses")),
        sa.UniqueConstraint("username", "key", name=op.f("uq_idempotent_responses_username")),
    )
    op.create_index(
        op.f("ix_idempotent_responses_created_at"),
        "idempotent_responses",
        ["created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotent_responses_created_at"), table_name="idempotent_responses")
    op.drop_table("idempotent_responses")
