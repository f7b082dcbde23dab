"""Turning a template and plain values into an HTML response, in the reader's language."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ocop_cycle.web.pages.i18n import LANGUAGE_COOKIE, Formatter, pick_language


@cache
def environment() -> Environment:
    """One Jinja environment per process; templates autoescape, unknown names fail loudly."""
    return Environment(
        loader=PackageLoader("ocop_cycle.web", "templates"),
        autoescape=select_autoescape(("html", "xml")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language_of(request: Request, user_language: str | None = None) -> str:
    """The switch (a cookie) wins over the account's setting (given, or noted when the
    viewer was signed in); Vietnamese otherwise."""
    noted = getattr(request.state, "user_language", None)
    return pick_language(request.cookies.get(LANGUAGE_COOKIE), user_language or noted)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    user_language: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    language = language_of(request, user_language)
    page = (
        environment()
        .get_template(template)
        .render(
            f=Formatter(language),
            lang=language,
            path=request.url.path,
            **context,
        )
    )
    return HTMLResponse(page, status_code=status_code, headers=headers)
