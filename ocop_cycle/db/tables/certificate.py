"""OCOP certificates: the star rank a decision grants a product, valid for a fixed term."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String, Table, Text

from ocop_cycle.db.base import UTCDateTime, metadata

certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("producer_id", ForeignKey("producers.id"), nullable=False, index=True),
    Column("stars", Integer, nullable=False),
    Column("score", Numeric(5, 2)),
    Column("rule_set", String(40), nullable=False),
    Column("workflow", String(60), nullable=False),
    Column("issuing_level", String(20), nullable=False),
    Column("issuing_unit_code", ForeignKey("admin_units.code")),
    Column("decision_number", String(60), nullable=False),
    Column("decision_date", Date, nullable=False),
    # The programme year of the evaluation round; may precede the decision's calendar year.
    Column("round_year", Integer, nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("expires_on", Date, nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("verification_code", String(20), nullable=False, unique=True),
    Column("superseded_by_id", ForeignKey("certificates.id")),
    Column("revocation_reason", Text),
    Column("revocation_decision", String(60)),
    # Decision 26/2026 Art. 8: the ground (a, b, c, d, dd, e) and the conclusion behind it.
    Column("revocation_ground", String(2)),
    # Art. 12.3: a late re-rating filing keeps the certificate valid until the decision,
    # at most until this day (expiry + 180 days).
    Column("valid_until_decision_cap", Date),
    Column("created_at", UTCDateTime, nullable=False),
)
