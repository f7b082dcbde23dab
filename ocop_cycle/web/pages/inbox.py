"""The inbox, "Việc cần làm": where a signed-in person lands."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ocop_cycle.services.inbox import inbox
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()


@router.get("/viec-can-lam", response_class=HTMLResponse)
def inbox_page(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    work = inbox(runtime, me.principal.username)
    return render(
        request, "inbox.html", {"me": me, "work": work}, user_language=me.principal.language
    )
