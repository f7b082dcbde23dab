"""``POST /units/load`` and ``POST /units/convert``: the administrator's unit commands."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ocop_cycle.services import unit_conversion, units
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.schemas.admin import (
    UnitsConverted,
    UnitsConvertRequest,
    UnitsLoaded,
    UnitsLoadRequest,
)
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(tags=["units"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {s: {"model": Problem} for s in (401, 403, 422)}


@router.post("/units/load", response_model=UnitsLoaded, responses=_PROBLEMS)
def load_units(body: UnitsLoadRequest, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """Load a province's units from the vietnamadminunits package (safe to repeat)."""
    counts = units.load_province(runtime, body.province, body.scheme, actor=principal.username)
    return {"province": body.province, "scheme": body.scheme, "loaded": counts}


@router.post("/units/convert", response_model=UnitsConverted, responses=_PROBLEMS)
def convert_units(
    body: UnitsConvertRequest, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """Move products, producers and users on legacy communes to their 2025 communes."""
    return unit_conversion.convert_to_2025(
        runtime, actor=principal.username, dry_run=body.dry_run
    )
