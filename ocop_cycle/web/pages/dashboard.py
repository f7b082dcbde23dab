"""The officers' dashboard ("Tổng quan"): their jurisdiction at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ocop_cycle.errors import OcopError
from ocop_cycle.services.dashboard import dashboard
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()


@router.get("/tong-quan", response_class=HTMLResponse)
def dashboard_page(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    try:
        data = dashboard(runtime, me.principal.username)
    except OcopError as error:
        return error_page(request, error, me=me)
    return render(
        request,
        "dashboard.html",
        {"me": me, "d": data},
        user_language=me.principal.language,
    )
