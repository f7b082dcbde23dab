"""``/certificates``: certificates of the products in your jurisdiction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from ocop_cycle.services import browse
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.schemas.certificates import Certificate, CertificatePage
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(prefix="/certificates", tags=["certificates"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {s: {"model": Problem} for s in (401, 404, 422)}


@router.get("", response_model=CertificatePage, responses=_PROBLEMS)
def list_certificates(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=browse.MAX_PER_PAGE)] = 20,
) -> dict[str, Any]:
    return browse.certificates_for(
        runtime, principal.username, status=status, page=page, per_page=per_page
    )


@router.get("/{certificate_id}", response_model=Certificate, responses=_PROBLEMS)
def get_certificate(
    certificate_id: Annotated[int, Path(gt=0, lt=2**31)],
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> dict[str, Any]:
    return browse.certificate_for(runtime, principal.username, certificate_id)
