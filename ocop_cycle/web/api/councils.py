"""``/councils`` and ``/products/{id}/scores``: councils and their scoresheets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from ocop_cycle.services import browse, councils, scoring
from ocop_cycle.web.deps import OfficerDep, PrincipalDep, ProductId, RuntimeDep
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


class ScoreSheetIn(BaseModel):
    """A member's scoresheet (or a producer's self-assessment): points per section."""

    sections: dict[str, str] = Field(max_length=20)
    mandatory_failed: list[str] = Field(default_factory=list, max_length=40)


@router.get("/councils", response_model=list[Council], responses=_PROBLEMS)
def list_councils(runtime: RuntimeDep, principal: OfficerDep) -> Any:
    return councils.list_councils(runtime)


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
