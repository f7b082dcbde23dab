"""Liveness and readiness, for a load balancer or a process supervisor."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ocop_cycle.db import schema
from ocop_cycle.web.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Database unreachable or not migrated"}})
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """The database answers and its schema is at every migration head."""
    try:
        current = schema.current_revisions(runtime.engine)
        heads = schema.head_revisions(runtime.engine)
    except Exception as exc:  # any database failure means "not ready", never a 500
        return JSONResponse(
            {"status": "unavailable", "detail": f"database unreachable: {type(exc).__name__}"},
            status_code=503,
        )
    if current != heads:
        missing = ", ".join(sorted(heads - current))
        return JSONResponse(
            {"status": "unavailable", "detail": f"migrations not applied: {missing}; run ocop init"},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "migrations": sorted(current)})
