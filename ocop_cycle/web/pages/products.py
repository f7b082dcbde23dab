"""Products for signed-in people: the search of what they may see, and the product page
with the actions they may take now, each a plain form built from the workflow's data needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ocop_cycle.domain.labels import LABELS, label_of
from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import browse, products
from ocop_cycle.services.documents import list_documents, upload
from ocop_cycle.services.dossiers import available_kinds, kind_filed_by
from ocop_cycle.web.deps import ProductId, RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.diagram import outline
from ocop_cycle.web.pages.failures import error_page, field_errors, said
from ocop_cycle.web.pages.fields import field_look
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in
from ocop_cycle.workflow import engine

router = APIRouter()
PER_PAGE = 20


class SearchForm(BaseModel):
    q: str | None = Field(default=None, max_length=100)
    trang_thai: str | None = Field(default=None, max_length=60)
    don_vi: str | None = Field(default=None, max_length=10)
    trang: int = Field(default=1, ge=1, le=100_000)


@router.get("/san-pham", response_class=HTMLResponse)
def search(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    raw = {k: v for k, v in request.query_params.items() if k in SearchForm.model_fields and v}
    errors: dict[str, str] = {}
    try:
        form = SearchForm.model_validate(raw)
    except ValidationError as invalid:
        errors = field_errors(invalid)
        form = SearchForm()
    result: dict[str, Any] = {"items": [], "total": 0, "page": 1, "per_page": PER_PAGE}
    try:
        result = browse.search_products(
            runtime,
            me.principal.username,
            state=form.trang_thai,
            unit_code=form.don_vi,
            query=form.q,
            page=form.trang,
            per_page=PER_PAGE,
        )
    except OcopError as error:
        errors["don_vi"] = said(request, error)
    result["pages"] = max(1, -(-result["total"] // PER_PAGE))
    language = language_of(request, me.principal.language)
    for item in result["items"]:
        definition = runtime.workflows.get(item["workflow"]).definition
        item["state_label"] = definition.state_label(item["state"], language)

    def link(page: int) -> str:
        values = {**form.model_dump(exclude_none=True), "trang": page}
        return "/san-pham?" + urlencode(values)

    return render(
        request,
        "products/search.html",
        {"me": me, "form": raw, "errors": errors, "result": result, "page_link": link},
        status_code=422 if errors else 200,
        user_language=me.principal.language,
    )


def _product_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    product_id: int,
    *,
    refused: dict[str, Any] | None = None,
    upload_error: dict[str, str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    viewer = me.principal.username
    try:
        product = browse.product_for(runtime, viewer, product_id)
        actions = browse.triggers_for(runtime, viewer, product_id)
        documents = list_documents(runtime, viewer, product_id)
        dossier_kinds = available_kinds(runtime, viewer, product_id)
        sets = products.sets_to_record(runtime, viewer, product_id)
    except OcopError as error:
        return error_page(request, error, me=me)
    language = language_of(request, me.principal.language)
    definition = runtime.workflows.get(product["workflow"], product["workflow_version"]).definition
    _name_history(runtime, product["history"], language)
    for action in actions:
        # A dossier is filed with its documents on its own page, which also says why a
        # kind cannot be filed now: an unavailable kind links there without choosing it.
        kind = kind_filed_by(action["trigger"])
        action["filing_page"] = (
            None
            if kind is None
            else f"/san-pham/{product_id}/nop-ho-so"
            + (f"?loai={kind}" if kind in dossier_kinds else "")
        )
        transition = definition.transition(action["trigger"], product["state"])
        # A step (the council's result from its scoresheets) may supply required data:
        # then the field is asked for, but may stay empty.
        optional = bool(transition and transition.steps)
        action["fields"] = [
            {"name": name, "look": field_look(name), "required": not optional}
            for name in action["requires"]
        ]
    return render(
        request,
        "products/page.html",
        {
            "me": me,
            "p": product,
            "actions": actions,
            "documents": documents,
            "diagram": outline(definition, product["state"], language),
            "state_label": definition.state_label(product["state"], language),
            "refused": refused,
            "upload_error": upload_error or {},
            "kinds": DOCUMENT_KINDS,
            "sets": sets,
            "done": done,
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


def _name_history(runtime: Runtime, history: list[dict[str, Any]], language: str) -> None:
    """Each row's action and states by the labels of the workflow version it happened under."""
    for row in history:
        definition = runtime.workflows.get(row["workflow"], row["workflow_version"]).definition
        transition = (
            definition.transition(row["trigger"], row["from"])
            if row["from"]
            else engine.registration(definition)
        )
        row["action_label"] = (
            transition.label.in_language(language)
            if transition
            else label_of("history_action", row["trigger"], language)
        )
        row["from_label"] = definition.state_label(row["from"], language) if row["from"] else None
        row["to_label"] = definition.state_label(row["to"], language)


@router.get("/san-pham/{product_id}", response_class=HTMLResponse)
def product_page(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _product_page(request, runtime, me, product_id, done=request.query_params.get("da"))


@router.post("/san-pham/{product_id}/thao-tac/{trigger}", response_class=HTMLResponse)
async def product_action(
    request: Request, product_id: ProductId, trigger: str, runtime: RuntimeDep
) -> Response:
    """Fire one trigger from its form; a refusal shows the engine's message and changes nothing."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_fire, request, runtime, product_id, trigger, values)


def _fire(
    request: Request, runtime: Runtime, product_id: int, trigger: str, values: dict[str, str]
) -> Response:
    data = {
        key.removeprefix("data."): value.strip()
        for key, value in values.items()
        if key.startswith("data.") and value.strip()
    }

    def act(viewer: str, version: int | None) -> None:
        browse.fire_as(
            runtime,
            viewer,
            product_id,
            trigger,
            comment=values.get("comment", "").strip() or None,
            data=data,
            expected_version=version,
        )

    return _posted(request, runtime, product_id, trigger, values, act)


@router.post("/san-pham/{product_id}/bo-san-pham", response_class=HTMLResponse)
async def record_set(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    """Record the product set of a product moved from the older rules (its form on the
    product page); a refusal shows why and changes nothing."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}

    def act(viewer: str, version: int | None) -> None:
        products.record_product_set(
            runtime, product_id, values.get("product_set", ""), actor=viewer,
            expected_version=version,
        )

    return await run_in_threadpool(
        _posted, request, runtime, product_id, products.RECORD_SET, values, act
    )


def _posted(
    request: Request,
    runtime: Runtime,
    product_id: int,
    action: str,
    values: dict[str, str],
    act: Callable[[str, int | None], None],
) -> Response:
    """A form of the product page posted: ``act`` as the signed-in viewer, at the version
    the page showed, then back to the page; a refusal (a missing CSRF token included)
    shows the page again with why, beside the form of ``action``, nothing changed."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, values.get("csrf_token")):
        message = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"
        refused = {"trigger": action, "message": message, "typed": values}
        return _product_page(request, runtime, me, product_id, refused=refused, status_code=403)
    version = values.get("version", "")
    try:
        act(me.principal.username, int(version) if version.isdigit() else None)
    except OcopError as error:
        status, _title = status_of(error)
        refused = {"trigger": action, "message": said(request, error), "typed": values}
        return _product_page(request, runtime, me, product_id, refused=refused, status_code=status)
    return RedirectResponse(f"/san-pham/{product_id}?da={action}", status_code=303)


# The dossier's items, as the commune officer and the producer know them.
DOCUMENT_KINDS = LABELS["document_kind"]


@router.post("/san-pham/{product_id}/tai-lieu", response_class=HTMLResponse)
async def product_upload(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    """Add a file to the dossier: the same service and checks as the API's upload."""
    form = await request.form()
    sent = form.get("file")
    content = await sent.read() if isinstance(sent, UploadFile) else b""
    filename = (sent.filename or "") if isinstance(sent, UploadFile) else ""
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_upload, request, runtime, product_id, values, filename, content)


def _upload(
    request: Request,
    runtime: Runtime,
    product_id: int,
    values: dict[str, str],
    filename: str,
    content: bytes,
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, values.get("csrf_token")):
        error = {"message": "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"}
        return _product_page(request, runtime, me, product_id, upload_error=error, status_code=403)
    if not content:
        error = {"message": "Hãy chọn một tệp PDF, JPEG hoặc PNG", "field": "file"}
        return _product_page(request, runtime, me, product_id, upload_error=error, status_code=422)
    try:
        upload(
            runtime,
            me.principal.username,
            product_id,
            kind=values.get("kind", ""),
            criterion=values.get("criterion") or None,
            filename=filename,
            content=content,
        )
    except OcopError as error:
        status, _title = status_of(error)
        refused = {"message": said(request, error), "field": "file"}
        return _product_page(
            request, runtime, me, product_id, upload_error=refused, status_code=status
        )
    return RedirectResponse(f"/san-pham/{product_id}?da=tai_lieu", status_code=303)
