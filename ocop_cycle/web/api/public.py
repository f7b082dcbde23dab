"""``/public``: what anyone may look up without signing in, rate limited per address."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from ocop_cycle.services.certificates import verify
from ocop_cycle.web.deps import RuntimeDep, public_rate_limit
from ocop_cycle.web.schemas.certificates import PublicCertificate
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(prefix="/public", tags=["public"])


@router.get(
    "/certificates/{code}",
    response_model=PublicCertificate,
    dependencies=[Depends(public_rate_limit)],
    responses={status: {"model": Problem} for status in (404, 422, 429)},
)
def verify_certificate(
    code: Annotated[str, Path(min_length=1, max_length=40)], runtime: RuntimeDep
) -> dict[str, Any]:
    """Verify the code under a product's QR label: product, producer, stars, validity."""
    return verify(runtime, code)
