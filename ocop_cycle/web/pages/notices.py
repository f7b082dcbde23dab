"""The notices sent about my products ("Thông báo"): a producer reads what the system told them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ocop_cycle.services.notices_inbox import notices_for
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()


@router.get("/thong-bao", response_class=HTMLResponse)
def notices_page(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return render(
        request,
        "notices.html",
        {"me": me, "notices": notices_for(runtime, me.principal.username)},
        user_language=me.principal.language,
    )
