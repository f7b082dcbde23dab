"""Councils, the evaluations they hold and the scoresheets their members submit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ocop_cycle.db.base import Base, JSONData, UTCDateTime


class Council(Base):
    """An evaluation council ("hội đồng đánh giá, phân hạng") of one level and unit.

    The newest active council of a level and unit is the one that evaluates; older ones
    keep the evaluations they held.
    """

    __tablename__ = "councils"
    __table_args__ = (Index("ix_councils_level_unit", "level", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))
    # None for the central council, which serves the whole country.
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CouncilMember(Base):
    """A user sitting on a council; the chair is a member too."""

    __tablename__ = "council_members"

    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class Evaluation(Base):
    """One council's evaluation of one product in one evaluation state.

    Opened when the product enters the state, closed by ``close_evaluation`` (with the
    result and the path it came by), cancelled when the product leaves otherwise.
    """

    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_product_status", "product_id", "status"),
        # A council's open evaluations (is it scoring online?); serves council_id alone too.
        Index("ix_evaluations_council_status", "council_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    workflow: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"))
    # Bound at opening when the level and unit have a council, else at the first sheet.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))
    # "first" (a new product), "renewal" or "upgrade": what the dossier asked for.
    purpose: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "online" (from the sheets) or "paper" (typed by the officer from the minutes).
    path: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    stars: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[str | None] = mapped_column(String(200))
    discussed_note: Mapped[str | None] = mapped_column(Text)
    discussed_by: Mapped[str | None] = mapped_column(String(100))
    discussed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Option-level sheets (26/2026): the star the mean's band gives, and the criteria whose
    # star minimums held the result below it ([{"criterion": "1.5", "stars": 4}, …]).
    band_stars: Mapped[int | None] = mapped_column(Integer)
    held_back: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    # A knock-out ("Hồ sơ bị loại khi"): the condition's code in the set's sheet and why.
    knockout: Mapped[str | None] = mapped_column(String(10))
    knockout_note: Mapped[str | None] = mapped_column(Text)


class ScoreSheet(Base):
    """One member's scores (or the producer's self-assessment) by section.

    A member replaces their own sheet while the evaluation is open; self-assessments
    belong to the product (``evaluation_id`` is None) and are never averaged in. Under
    26/2026 the sheet is option-level: its choices are ``SheetChoice`` rows and
    ``sections`` holds the section totals they add up to.
    """

    __tablename__ = "score_sheets"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "user_id", name="uq_score_sheets_evaluation_user"),
        Index("ix_score_sheets_product_kind", "product_id", "kind"),
        Index("ix_score_sheets_set_submitted", "product_set", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # "member" or "self".
    kind: Mapped[str] = mapped_column(String(10))
    catalogue: Mapped[str] = mapped_column(String(60))
    sections: Mapped[dict[str, Any]] = mapped_column(JSONData)
    total: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    mandatory_failed: Mapped[list[str]] = mapped_column(JSONData, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The 26/2026 product set the sheet was scored on; None for section-level sheets.
    product_set: Mapped[int | None] = mapped_column(Integer)
    # A member's written opinion (re-rating by written opinions, Art. 7.6).
    opinion: Mapped[str | None] = mapped_column(Text)


class SheetChoice(Base):
    """The option a sheet chose for one criterion, with the points it was worth then."""

    __tablename__ = "sheet_choices"

    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("score_sheets.id", ondelete="CASCADE"), primary_key=True
    )
    criterion: Mapped[str] = mapped_column(String(12), primary_key=True)
    option: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)


class SheetDraft(Base):
    """A sheet a member (or the producer) is still filling in: any criteria answered so far.

    Kept apart from ``ScoreSheet`` so that nothing which counts sheets (quorum, mean,
    spread, statistics, the paper path) can ever count a draft; a submitted sheet keeps
    counting while its author edits a draft of the next version. One per person and
    product: submitting deletes it, and a draft for an evaluation no longer open is stale.
    """

    __tablename__ = "sheet_drafts"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # The evaluation the draft is for (a member's), None for a self-assessment.
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"), index=True)
    # {criterion code: option index}, each checked against the set's sheet when saved.
    answers: Mapped[dict[str, int]] = mapped_column(JSONData)
    opinion: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
