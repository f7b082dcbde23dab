"""Reference data every signed-in person may read: units and scoring criteria."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from ocop_cycle.services.criteria import show_catalogue
from ocop_cycle.services.units import list_units
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.schemas.common import Open, Problem, UnitRef

router = APIRouter(tags=["reference"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {s: {"model": Problem} for s in (401, 404, 422)}


class Unit(UnitRef):
    level: str
    parent_code: str | None


@router.get("/units", response_model=list[Unit], responses=_PROBLEMS)
def units(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    parent: Annotated[str | None, Query(max_length=10)] = None,
) -> list[dict[str, Any]]:
    """Provinces loaded, or the units directly under ``parent``."""
    return [
        {"code": u.code, "name": u.name, "level": u.level, "parent_code": u.parent_code}
        for u in list_units(runtime, parent)
    ]


@router.get("/criteria/{catalogue}", response_model=Open, responses=_PROBLEMS)
def criteria(
    catalogue: Annotated[str, Path(min_length=1, max_length=60)],
    runtime: RuntimeDep,
    principal: PrincipalDep,
    group: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """A scoring catalogue (e.g. ``ocop-148``): sections, criteria and options."""
    return show_catalogue(runtime, catalogue, group)
