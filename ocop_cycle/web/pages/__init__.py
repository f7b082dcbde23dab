"""The web app's HTML pages; ``create_app`` includes ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from ocop_cycle.web.pages import (
    certificates,
    home,
    inbox,
    language,
    products,
    public,
    register,
    scoresheet,
    signin,
)

router = APIRouter(include_in_schema=False)
for module in (home, language, public, signin, inbox, register, products, scoresheet, certificates):
    router.include_router(module.router)

__all__ = ["router"]
