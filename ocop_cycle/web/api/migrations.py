"""``POST /workflow-migrations``: ``ocop workflow migrate`` over HTTP, by a shipped map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ocop_cycle.resources import data_dir
from ocop_cycle.services.migration import migrate
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.schemas.admin import MigrationRequest, MigrationSummary
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(tags=["workflows"])


@router.post(
    "/workflow-migrations",
    response_model=MigrationSummary,
    response_model_by_alias=True,
    responses={s: {"model": Problem} for s in (401, 403, 422)},
)
def migrate_workflow(
    body: MigrationRequest, runtime: RuntimeDep, principal: PrincipalDep
) -> Any:
    """Move every running product of one workflow to another; all or nothing.

    Only maps shipped in ``workflows/migrations/`` are named here: a path on the server
    is not something a caller should choose.
    """
    return migrate(
        runtime,
        from_workflow=body.from_workflow,
        to_workflow=body.to_workflow,
        map_path=data_dir("workflows") / "migrations" / f"{body.map}.yaml",
        actor=principal.username,
        dry_run=body.dry_run,
    )
