"""Councils, the evaluations they hold and the scoresheets their members submit."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ocop_cycle.db.base import JSONData, UTCDateTime, metadata

# An evaluation council ("hội đồng đánh giá, phân hạng") of one level and unit. The newest
# active council of a level and unit is the one that evaluates; older ones keep the
# evaluations they held.
councils = Table(
    "councils",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("level", String(20), nullable=False),
    # None for the central council, which serves the whole country.
    Column("unit_code", ForeignKey("admin_units.code")),
    Column("chair_id", ForeignKey("users.id"), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_councils_level_unit", "level", "unit_code"),
)

# A user sitting on a council; the chair is a member too.
council_members = Table(
    "council_members",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)

# One council's evaluation of one product in one evaluation state: opened when the
# product enters the state, closed by ``close_evaluation`` (with the result and the path
# it came by), cancelled when the product leaves otherwise.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("workflow", String(60), nullable=False),
    Column("state", String(60), nullable=False),
    Column("level", String(20), nullable=False),
    Column("unit_code", ForeignKey("admin_units.code")),
    # Bound at opening when the level and unit have a council, else at the first sheet.
    Column("council_id", ForeignKey("councils.id")),
    # "first" (a new product), "renewal" or "upgrade": what the dossier asked for.
    Column("purpose", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    # "online" (from the sheets) or "paper" (typed by the officer from the minutes).
    Column("path", String(10)),
    Column("score", Numeric(5, 2)),
    Column("stars", Integer),
    Column("minutes", String(200)),
    Column("discussed_note", Text),
    Column("discussed_by", String(100)),
    Column("discussed_at", UTCDateTime),
    # Option-level sheets (26/2026): the star the mean's band gives, and the criteria whose
    # star minimums held the result below it ([{"criterion": "1.5", "stars": 4}, …]).
    Column("band_stars", Integer),
    Column("held_back", JSONData),
    # A knock-out ("Hồ sơ bị loại khi"): the condition's code in the set's sheet and why.
    Column("knockout", String(10)),
    Column("knockout_note", Text),
    Index("ix_evaluations_product_status", "product_id", "status"),
    # A council's open evaluations (is it scoring online?); serves council_id alone too.
    Index("ix_evaluations_council_status", "council_id", "status"),
)

# One member's scores (or the producer's self-assessment) by section. A member replaces
# their own sheet while the evaluation is open; self-assessments belong to the product
# (``evaluation_id`` is None) and are never averaged in. Under 26/2026 the sheet is
# option-level: its choices are ``sheet_choices`` rows and ``sections`` holds the section
# totals they add up to.
score_sheets = Table(
    "score_sheets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("evaluation_id", ForeignKey("evaluations.id")),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    # "member" or "self".
    Column("kind", String(10), nullable=False),
    Column("catalogue", String(60), nullable=False),
    Column("sections", JSONData, nullable=False),
    Column("total", Numeric(5, 2), nullable=False),
    Column("mandatory_failed", JSONData, nullable=False, default=list),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The 26/2026 product set the sheet was scored on; None for section-level sheets.
    Column("product_set", Integer),
    # A member's written opinion (re-rating by written opinions, Art. 7.6).
    Column("opinion", Text),
    UniqueConstraint("evaluation_id", "user_id", name="uq_score_sheets_evaluation_user"),
    Index("ix_score_sheets_product_kind", "product_id", "kind"),
    Index("ix_score_sheets_set_submitted", "product_set", "submitted_at"),
)

# The option a sheet chose for one criterion, with the points it was worth then.
sheet_choices = Table(
    "sheet_choices",
    metadata,
    Column("sheet_id", ForeignKey("score_sheets.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion", String(12), primary_key=True),
    Column("option", Integer, nullable=False),
    Column("points", Integer, nullable=False),
)

# A sheet a member (or the producer) is still filling in: any criteria answered so far.
# Kept apart from ``score_sheets`` so that nothing which counts sheets (quorum, mean,
# spread, statistics, the paper path) can ever count a draft; a submitted sheet keeps
# counting while its author edits a draft of the next version. One per person and
# product: submitting deletes it, and a draft for an evaluation no longer open is stale.
sheet_drafts = Table(
    "sheet_drafts",
    metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    # The evaluation the draft is for (a member's), None for a self-assessment.
    Column("evaluation_id", ForeignKey("evaluations.id"), index=True),
    # {criterion code: option index}, each checked against the set's sheet when saved.
    Column("answers", JSONData, nullable=False),
    Column("opinion", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)
