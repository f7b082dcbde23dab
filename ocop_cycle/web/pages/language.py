"""The language switch: a cookie that outlasts the session, for signed-in and anonymous alike."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse

from ocop_cycle.web.pages.i18n import LANGUAGE_COOKIE

router = APIRouter()
ONE_YEAR = 365 * 24 * 3600


def local_path(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect), never the Referer."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/ngon-ngu/{language}")
def switch_language(
    language: Literal["vi", "en"],
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> RedirectResponse:
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=ONE_YEAR, httponly=True, samesite="lax", path="/"
    )
    return response
