"""``/councils`` and ``/products/{id}/scores``: councils and their scoresheets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from ocop_cycle.services import browse, councils, rounds, scoring
from ocop_cycle.web.deps import (
    OfficerDep,
    PrincipalDep,
    ProductId,
    ProvinceStaffDep,
    RuntimeDep,
)
from ocop_cycle.web.schemas.common import Open, Problem

router = APIRouter(tags=["councils and scores"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem} for s in (401, 403, 404, 409, 422)
}


class Council(Open):
    id: int
    name: str
    level: str
    chair: str
    active: bool


class NewCouncil(BaseModel):
    level: str = Field(min_length=1, max_length=20)
    unit_code: str | None = Field(default=None, max_length=10)
    chair: str = Field(min_length=1, max_length=100)
    members: list[str] = Field(min_length=1, max_length=40)
    name: str | None = Field(default=None, max_length=300)


class Discussion(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


class ScoreSheetIn(BaseModel):
    """A member's scoresheet (or a producer's self-assessment): points per section."""

    sections: dict[str, str] = Field(max_length=20)
    mandatory_failed: list[str] = Field(default_factory=list, max_length=40)


@router.get("/councils", response_model=list[Council], responses=_PROBLEMS)
def list_councils(runtime: RuntimeDep, principal: OfficerDep) -> Any:
    return councils.list_councils(runtime)


@router.post("/councils", status_code=201, response_model=Council, responses=_PROBLEMS)
def create_council(body: NewCouncil, runtime: RuntimeDep, principal: OfficerDep) -> Any:
    """Set up a council (by its level's or the level above's officer, or an admin)."""
    return councils.create_council(
        runtime,
        actor=principal.username,
        level=body.level,
        unit_code=body.unit_code,
        chair=body.chair,
        members=body.members,
        name=body.name,
    )


@router.get("/rounds", response_model=list[Open], responses=_PROBLEMS)
def list_rounds(
    runtime: RuntimeDep,
    principal: ProvinceStaffDep,
    level: Annotated[str | None, Query(max_length=20)] = None,
    year: Annotated[int | None, Query(ge=2018, le=2100)] = None,
) -> Any:
    """Evaluation rounds (đợt đánh giá) with their status."""
    return rounds.list_rounds(runtime, level=level, year=year)


@router.get("/rounds/{round_id}", response_model=Open, responses=_PROBLEMS)
def show_round(
    round_id: Annotated[int, Path(gt=0, lt=2**31)], runtime: RuntimeDep, principal: ProvinceStaffDep
) -> Any:
    """A round with its products and which are still to be scored."""
    return rounds.show_round(runtime, round_id)


@router.get("/councils/{council_id}", response_model=Council, responses=_PROBLEMS)
def get_council(
    council_id: Annotated[int, Path(gt=0, lt=2**31)], runtime: RuntimeDep, principal: OfficerDep
) -> Any:
    return councils.show_council(runtime, council_id)


@router.get("/products/{product_id}/scores", response_model=Open, responses=_PROBLEMS)
def show_scores(product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """The council's sheets, totals and spread, and the producer's self-assessment."""
    browse.ensure_visible(runtime, principal.username, product_id)
    return scoring.show_scores(runtime, product_id)


@router.post("/products/{product_id}/scores", response_model=Open, responses=_PROBLEMS)
def submit_scores(
    product_id: ProductId, body: ScoreSheetIn, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """Record or replace your scoresheet for the product's open evaluation."""
    browse.ensure_visible(runtime, principal.username, product_id)
    return scoring.submit_sheet(
        runtime,
        product_id,
        actor=principal.username,
        sections=body.sections,
        mandatory_failed=body.mandatory_failed,
    )


@router.post(
    "/products/{product_id}/scores/discussion", response_model=Open, responses=_PROBLEMS
)
def discuss(
    product_id: ProductId, body: Discussion, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """The chair records the council's discussion before closing the evaluation."""
    browse.ensure_visible(runtime, principal.username, product_id)
    return scoring.discuss(runtime, product_id, actor=principal.username, note=body.note)
