"""Certificates for signed-in people: a producer's own, an officer's jurisdiction's, each
with its validity and its re-rating window ("mở từ … đến …", days left)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ocop_cycle.services.dossiers import RERATING, available_kinds
from ocop_cycle.services.rerating_windows import OPEN, certificates_with_windows
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()
PER_PAGE = 20


@router.get("/chung-nhan", response_class=HTMLResponse)
def certificates_page(
    request: Request,
    runtime: RuntimeDep,
    trang: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    result = certificates_with_windows(
        runtime, me.principal.username, page=trang, per_page=PER_PAGE
    )
    result["pages"] = max(1, -(-result["total"] // PER_PAGE))
    for item in result["items"]:
        open_window = item["window"] is not None and item["window"]["phase"] == OPEN
        item["may_rerate"] = open_window and RERATING in available_kinds(
            runtime, me.principal.username, item["product_id"]
        )
    return render(
        request,
        "certificates.html",
        {
            "me": me,
            "result": result,
            "page_link": lambda page: f"/chung-nhan?trang={page}",
        },
        user_language=me.principal.language,
    )
