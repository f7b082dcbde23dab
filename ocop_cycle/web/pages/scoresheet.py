"""The council member's scoresheet (and the producer's self-assessment) on the option-level
sheets of Decision 26/2026: one radio group per criterion, saved as a whole; the chair sees
the council's tally beside it. Works without JavaScript; a small script adds the running total."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.documents import list_documents
from ocop_cycle.services.option_sheets import submit_options
from ocop_cycle.services.scoresheet import scoresheet_for
from ocop_cycle.services.scoring import discuss
from ocop_cycle.web.deps import ProductId, RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
CHOICE = "c."


def _page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    product_id: int,
    *,
    typed: dict[str, int] | None = None,
    opinion: str | None = None,
    refused: str | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    try:
        data = scoresheet_for(runtime, me.principal.username, product_id)
        documents = list_documents(runtime, me.principal.username, product_id)
    except OcopError as error:
        return error_page(request, error, me=me)
    context: dict[str, Any] = {
        "me": me,
        **data,
        "chosen": typed if typed is not None else data["chosen"],
        "opinion": opinion if opinion is not None else data["opinion"],
        "refused": refused,
        "saved": saved,
        "documents": documents,
    }
    return render(
        request,
        "scoresheet.html",
        context,
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
def scoresheet_page(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _page(request, runtime, me, product_id, saved="da_luu" in request.query_params)


@router.post("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
async def scoresheet_save(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_save, request, runtime, product_id, values)


def _save(request: Request, runtime: Runtime, product_id: int, values: dict[str, str]) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    answers: dict[str, object] = {
        key.removeprefix(CHOICE): value for key, value in values.items() if key.startswith(CHOICE)
    }
    typed = {code: int(v) for code, v in answers.items() if isinstance(v, str) and v.isdigit()}
    opinion = values.get("opinion", "").strip() or None
    if not csrf_ok(me, values.get("csrf_token")):
        return _page(
            request,
            runtime,
            me,
            product_id,
            typed=typed,
            opinion=opinion,
            refused="Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang",
            status_code=403,
        )
    try:
        submit_options(
            runtime, product_id, actor=me.principal.username, answers=answers, opinion=opinion
        )
    except OcopError as error:
        status, _title = status_of(error)
        return _page(
            request,
            runtime,
            me,
            product_id,
            typed=typed,
            opinion=opinion,
            refused=error.message,
            status_code=status,
        )
    return RedirectResponse(f"/san-pham/{product_id}/phieu-cham?da_luu=1", status_code=303)


@router.post("/san-pham/{product_id}/phieu-cham/thao-luan", response_class=HTMLResponse)
def record_discussion(
    request: Request,
    product_id: ProductId,
    runtime: RuntimeDep,
    note: Annotated[str, Form(max_length=5000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The chair records the council's discussion of a wide spread of totals."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, csrf_token):
        return _page(
            request,
            runtime,
            me,
            product_id,
            refused="Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang",
            status_code=403,
        )
    try:
        discuss(runtime, product_id, actor=me.principal.username, note=note)
    except OcopError as error:
        status, _title = status_of(error)
        return _page(request, runtime, me, product_id, refused=error.message, status_code=status)
    return RedirectResponse(f"/san-pham/{product_id}/phieu-cham?da_luu=1", status_code=303)
