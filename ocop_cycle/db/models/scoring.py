"""Councils, the evaluations they hold and the scoresheets their members submit.

The columns are the tables' (``ocop_cycle.db.tables.scoring``); the annotations type them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import FromClause
from sqlalchemy.orm import Mapped

from ocop_cycle.db.models.base import Base
from ocop_cycle.db.tables.scoring import (
    council_members,
    councils,
    evaluations,
    score_sheets,
    sheet_choices,
    sheet_drafts,
)


class Council(Base):
    """An evaluation council ("hội đồng đánh giá, phân hạng") of one level and unit.

    The newest active council of a level and unit is the one that evaluates; older ones
    keep the evaluations they held.
    """

    __table__: ClassVar[FromClause] = councils

    id: Mapped[int]
    name: Mapped[str]
    level: Mapped[str]
    unit_code: Mapped[str | None]
    chair_id: Mapped[int]
    active: Mapped[bool]
    created_at: Mapped[datetime]


class CouncilMember(Base):
    """A user sitting on a council; the chair is a member too."""

    __table__: ClassVar[FromClause] = council_members

    council_id: Mapped[int]
    user_id: Mapped[int]


class Evaluation(Base):
    """One council's evaluation of one product in one evaluation state.

    Opened when the product enters the state, closed by ``close_evaluation`` (with the
    result and the path it came by), cancelled when the product leaves otherwise.
    """

    __table__: ClassVar[FromClause] = evaluations

    id: Mapped[int]
    product_id: Mapped[int]
    workflow: Mapped[str]
    state: Mapped[str]
    level: Mapped[str]
    unit_code: Mapped[str | None]
    council_id: Mapped[int | None]
    purpose: Mapped[str]
    status: Mapped[str]
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    path: Mapped[str | None]
    score: Mapped[Decimal | None]
    stars: Mapped[int | None]
    minutes: Mapped[str | None]
    discussed_note: Mapped[str | None]
    discussed_by: Mapped[str | None]
    discussed_at: Mapped[datetime | None]
    band_stars: Mapped[int | None]
    held_back: Mapped[list[dict[str, Any]] | None]
    knockout: Mapped[str | None]
    knockout_note: Mapped[str | None]


class ScoreSheet(Base):
    """One member's scores (or the producer's self-assessment) by section.

    A member replaces their own sheet while the evaluation is open; self-assessments
    belong to the product (``evaluation_id`` is None) and are never averaged in. Under
    26/2026 the sheet is option-level: its choices are ``SheetChoice`` rows and
    ``sections`` holds the section totals they add up to.
    """

    __table__: ClassVar[FromClause] = score_sheets

    id: Mapped[int]
    evaluation_id: Mapped[int | None]
    product_id: Mapped[int]
    user_id: Mapped[int]
    kind: Mapped[str]
    catalogue: Mapped[str]
    sections: Mapped[dict[str, Any]]
    total: Mapped[Decimal]
    mandatory_failed: Mapped[list[str]]
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    product_set: Mapped[int | None]
    opinion: Mapped[str | None]


class SheetChoice(Base):
    """The option a sheet chose for one criterion, with the points it was worth then."""

    __table__: ClassVar[FromClause] = sheet_choices

    sheet_id: Mapped[int]
    criterion: Mapped[str]
    option: Mapped[int]
    points: Mapped[int]


class SheetDraft(Base):
    """A sheet a member (or the producer) is still filling in: any criteria answered so far.

    Kept apart from ``ScoreSheet`` so that nothing which counts sheets (quorum, mean,
    spread, statistics, the paper path) can ever count a draft; a submitted sheet keeps
    counting while its author edits a draft of the next version. One per person and
    product: submitting deletes it, and a draft for an evaluation no longer open is stale.
    """

    __table__: ClassVar[FromClause] = sheet_drafts

    product_id: Mapped[int]
    user_id: Mapped[int]
    evaluation_id: Mapped[int | None]
    answers: Mapped[dict[str, int]]
    opinion: Mapped[str | None]
    updated_at: Mapped[datetime]
