"""The council member's scoresheet (and the producer's self-assessment) on the option-level
sheets of Decision 26/2026: one radio group per criterion, saved as a whole, beside the
dossier viewer (the product's PDFs and images in a frame of this site's own). The chair
sees the council's tally and the criteria members disagree on, records the discussion and,
for a re-rating by written opinions, closes from here.

Works without JavaScript (full POST, then a redirect); with htmx, saving swaps a small
status fragment and the running total and its star come from the server as options are
ticked (``running_total``: no arithmetic in the browser).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.chair_actions import close_written_opinions
from ocop_cycle.services.documents import list_documents
from ocop_cycle.services.option_sheets import submit_options
from ocop_cycle.services.scoresheet import running_total, scoresheet_for
from ocop_cycle.services.scoring import discuss
from ocop_cycle.web.deps import ProductId, RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.headers import FRAMING_PAGE
from ocop_cycle.web.pages.failures import error_page, said
from ocop_cycle.web.pages.i18n import Formatter
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
CHOICE = "c."
NO_CSRF = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"


def _no_csrf(request: Request) -> str:
    return Formatter(language_of(request)).t(NO_CSRF)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    product_id: int,
    *,
    typed: dict[str, int] | None = None,
    opinion: str | None = None,
    refused: str | None = None,
    close_refused: str | None = None,
    discussion: str | None = None,
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
        "close_refused": close_refused,
        "discussion": discussion or "",
        "saved": "da_luu" in request.query_params,
        "closed": "da_ket_thuc" in request.query_params,
        "documents": documents,
        "running_refused": None,
    }
    return render(
        request,
        "scoresheet.html",
        context,
        status_code=status_code,
        user_language=me.principal.language,
        headers=FRAMING_PAGE,
    )


def _fragment(
    request: Request, me: ActiveSession, template: str, context: dict[str, Any], status_code: int
) -> Response:
    return render(
        request, template, {"me": me, **context}, status_code=status_code,
        user_language=me.principal.language,
    )


@router.get("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
def scoresheet_page(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _page(request, runtime, me, product_id)


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
async def scoresheet_save(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    values = await _form_values(request)
    return await run_in_threadpool(_save, request, runtime, product_id, values)


def _answers(values: dict[str, str]) -> dict[str, object]:
    return {key.removeprefix(CHOICE): value for key, value in values.items() if key.startswith(CHOICE)}


def _save(request: Request, runtime: Runtime, product_id: int, values: dict[str, str]) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    answers = _answers(values)
    typed = {code: int(v) for code, v in answers.items() if isinstance(v, str) and v.isdigit()}
    opinion = values.get("opinion", "").strip() or None
    refused: str | None = None
    status = 200
    view: dict[str, Any] = {}
    if not csrf_ok(me, values.get("csrf_token")):
        refused, status = _no_csrf(request), 403
    else:
        try:
            view = submit_options(
                runtime, product_id, actor=me.principal.username, answers=answers, opinion=opinion
            )
        except OcopError as error:
            refused, status = said(request, error), status_of(error)[0]
    if _is_htmx(request):
        saved = next(
            (s for s in (view.get("evaluation") or {}).get("sheets", [])
             if s["member"] == me.principal.username),
            None,
        )
        own = view.get("self_assessment") if saved is None else saved
        return _fragment(
            request, me, "scoresheet/saved.html",
            {"refused": refused, "saved_at": own and own["updated_at"],
             "total": own and own["total"]},
            status,
        )
    if refused is not None:
        return _page(request, runtime, me, product_id, typed=typed, opinion=opinion,
                     refused=refused, status_code=status)
    return RedirectResponse(f"/san-pham/{product_id}/phieu-cham?da_luu=1", status_code=303)


@router.post("/san-pham/{product_id}/phieu-cham/tong", response_class=HTMLResponse)
async def scoresheet_running_total(
    request: Request, product_id: ProductId, runtime: RuntimeDep
) -> Response:
    """The running total and its star as options are ticked (htmx); nothing is saved."""
    values = await _form_values(request)
    return await run_in_threadpool(_running, request, runtime, product_id, values)


def _running(request: Request, runtime: Runtime, product_id: int, values: dict[str, str]) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, values.get("csrf_token")):
        return _fragment(request, me, "scoresheet/running.html",
                         {"running": None, "running_refused": _no_csrf(request)}, 403)
    try:
        running = running_total(runtime, me.principal.username, product_id, _answers(values))
    except OcopError as error:
        return _fragment(request, me, "scoresheet/running.html",
                         {"running": None, "running_refused": said(request, error)}, status_of(error)[0])
    return _fragment(request, me, "scoresheet/running.html",
                     {"running": running, "running_refused": None}, 200)


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
        return _page(request, runtime, me, product_id, close_refused=_no_csrf(request),
                     discussion=note, status_code=403)
    try:
        discuss(runtime, product_id, actor=me.principal.username, note=note)
    except OcopError as error:
        return _page(request, runtime, me, product_id, close_refused=said(request, error),
                     discussion=note, status_code=status_of(error)[0])
    return RedirectResponse(f"/san-pham/{product_id}/phieu-cham?da_luu=1", status_code=303)


@router.post("/san-pham/{product_id}/phieu-cham/ket-thuc", response_class=HTMLResponse)
def close_evaluation(
    request: Request,
    product_id: ProductId,
    runtime: RuntimeDep,
    note: Annotated[str, Form(max_length=5000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The chair closes a re-rating by written opinions, recording the discussion with it
    when one is given (``ocop score close``'s service); a refusal changes nothing."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, csrf_token):
        return _page(request, runtime, me, product_id, close_refused=_no_csrf(request),
                     discussion=note, status_code=403)
    try:
        close_written_opinions(
            runtime, product_id, actor=me.principal.username, discussion=note.strip() or None
        )
    except OcopError as error:
        return _page(request, runtime, me, product_id, close_refused=said(request, error),
                     discussion=note, status_code=status_of(error)[0])
    return RedirectResponse(f"/san-pham/{product_id}/phieu-cham?da_ket_thuc=1", status_code=303)
