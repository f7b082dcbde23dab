"""The web app's HTML pages; ``create_app`` includes ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from ocop_cycle.web.pages import (
    admin,
    certificates,
    councils,
    dashboard,
    dossier,
    home,
    imports,
    inbox,
    language,
    notices,
    products,
    public,
    register,
    revocation,
    scoresheet,
    signin,
    units,
)

router = APIRouter(include_in_schema=False)
# Order matters where paths overlap: /san-pham/dang-ky before /san-pham/{product_id}.
PAGES = (
    home,
    language,
    public,
    signin,
    inbox,
    dashboard,
    register,
    products,
    scoresheet,
    dossier,
    certificates,
    revocation,
    notices,
    imports,
    councils,
    units,
    admin,
)
for module in PAGES:
    router.include_router(module.router)

__all__ = ["router"]
