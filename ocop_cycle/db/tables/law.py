"""Records Decision 26/2026/QĐ-TTg adds: evaluation rounds (Art. 5) and post-recognition
inspections (Art. 9)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from ocop_cycle.db.base import UTCDateTime, metadata

# A council round: products proposed by ``proposals_until`` are scored by ``held_by``.
# Provincial rounds belong to a province; central rounds (the Ministry's) to none.
rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("level", String(20), nullable=False),
    Column("province_code", ForeignKey("admin_units.code")),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("proposals_until", Date, nullable=False),
    Column("held_by", Date, nullable=False),
    # The legal basis: the decision's article, or the province's regulation for an extra round.
    Column("basis", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("level", "province_code", "year", "number"),
)

# A post-recognition inspection of a certified product and what it found.
inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("certificate_id", ForeignKey("certificates.id")),
    Column("kind", String(20), nullable=False),
    Column("inspected_on", Date, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("findings", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
