"""``/councils`` and ``/products/{id}/scores``: councils and their scoresheets, section
by section or, under Decision 26/2026, option by option on the product set's sheet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from ocop_cycle.services import (
    browse,
    chair_actions,
    councils,
    option_sheets,
    rounds,
    scoring,
    sheet_drafts,
)
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


class OptionSheetIn(BaseModel):
    """A sheet of Decision 26/2026: the chosen option's index for every criterion code of
    the product set (``GET /products/{id}/sheet-template`` lists them)."""

    answers: dict[str, int] = Field(max_length=200)
    opinion: str | None = Field(default=None, max_length=4000)
    # A draft may leave criteria out and never counts until submitted without the flag.
    draft: bool = False


class Disqualification(BaseModel):
    knockout: str = Field(min_length=1, max_length=10)
    note: str = Field(min_length=1, max_length=4000)


@router.get("/councils", response_model=list[Council], responses=_PROBLEMS)
def list_councils(runtime: RuntimeDep, principal: OfficerDep) -> Any:
    """The councils the caller may see, as on the councils page: those they sit on, or
    those of their jurisdiction."""
    return councils.councils_seen_by(runtime, principal.username)


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
    return councils.council_seen_by(runtime, principal.username, council_id)


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


@router.get(
    "/products/{product_id}/sheet-template",
    response_class=Response,
    responses={200: {"content": {"text/yaml": {}}}, **_PROBLEMS},
)
def sheet_template(product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    """The product set's sheet to fill in (YAML, the options as Vietnamese comments)."""
    browse.ensure_visible(runtime, principal.username, product_id)
    return Response(
        option_sheets.template_for(runtime, product_id), media_type="text/yaml; charset=utf-8"
    )


@router.post("/products/{product_id}/scores/options", response_model=Open, responses=_PROBLEMS)
def submit_options(
    product_id: ProductId, body: OptionSheetIn, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """Record or replace your option-level sheet: a member's for the open evaluation, or
    the producer's self-assessment (Mẫu 02); with ``draft`` keep the answers so far
    instead (yours alone, never counted). Every problem is listed; nothing is saved."""
    browse.ensure_visible(runtime, principal.username, product_id)
    if body.draft:
        return sheet_drafts.save_draft(
            runtime, product_id, actor=principal.username, answers=body.answers,
            opinion=body.opinion,
        )
    return option_sheets.submit_options(
        runtime, product_id, actor=principal.username, answers=body.answers, opinion=body.opinion
    )


@router.post("/products/{product_id}/disqualification", response_model=Open, responses=_PROBLEMS)
def disqualify(
    product_id: ProductId, body: Disqualification, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """Disqualify the dossier on one of its set's knock-out conditions (the council chair,
    or the provincial officer)."""
    browse.ensure_visible(runtime, principal.username, product_id)
    return chair_actions.disqualify(
        runtime, product_id, actor=principal.username, knockout=body.knockout, note=body.note
    )
