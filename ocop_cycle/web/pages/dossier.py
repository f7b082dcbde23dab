"""Nộp hồ sơ: a producer (or their commune officer) starts a product's dossier, first time,
upgrade or re-rating, with its documents and the self-assessment on the council's sheet.

Which kinds may be started is the service's answer (``services/dossiers.py``); this page
shows it, and a refusal shows the engine's message beside the form, nothing changed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.dossiers import (
    FILE_ITEMS,
    KINDS,
    MISSING,
    DossierIncomplete,
    Problem,
    SentFile,
    dossier_choices,
    start_dossier,
)
from ocop_cycle.services.scoresheet import running_total, scoresheet_for
from ocop_cycle.web.deps import ProductId, RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import error_page, said
from ocop_cycle.web.pages.fields import field_look
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
CHOICE = "c."
CSRF_MISSING = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"
# What a left-out item is called next to its field.
MISSING_TEXT = {
    "mau_01": "Hãy chọn tệp Mẫu 01 (PDF, JPEG hoặc PNG)",
    "mau_02": "Hãy chọn tệp Mẫu 02 (PDF, JPEG hoặc PNG)",
    "evidence": "Nâng hạng cần tài liệu chứng minh những thay đổi",
    "evidence_criterion": "Hãy ghi mã tiêu chí mà tài liệu chứng minh, ví dụ A1.2",
    "upgrade_evidence": "Hãy nêu những thay đổi so với sản phẩm đã được công nhận",
}


def _page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    product_id: int,
    kind: str | None,
    *,
    typed: dict[str, str] | None = None,
    problems: dict[str, Problem] | None = None,
    refused: str | None = None,
    status_code: int = 200,
) -> Response:
    viewer = me.principal.username
    try:
        data = dossier_choices(runtime, viewer, product_id)
        sheet = (
            scoresheet_for(runtime, viewer, product_id)
            if data["self_assessment"] and not data["product_set_missing"]
            else None
        )
    except OcopError as error:
        return error_page(request, error, me=me)
    language = language_of(request, me.principal.language)
    definition = runtime.workflows.get(
        data["product"]["workflow"], data["product"]["workflow_version"]
    ).definition
    kinds = {choice.kind: choice for choice in data["kinds"]}
    if kind not in kinds:
        kind = next((c.kind for c in data["kinds"] if c.available), None)
    chosen = sheet["chosen"] if sheet else {}
    if typed is not None:
        chosen = {
            key.removeprefix(CHOICE): int(value)
            for key, value in typed.items()
            if key.startswith(CHOICE) and value.isdigit()
        }
    running = running_total(runtime, viewer, product_id, chosen) if sheet else None
    return render(
        request,
        "products/dossier.html",
        {
            "me": me,
            **data,
            "kinds": kinds,
            "kind": kind,
            "state_label": definition.state_label(data["product"]["state"], language),
            "states_of": {
                choice.kind: "; ".join(
                    definition.state_label(state, language)
                    for state in choice.values.get("states", [])
                )
                for choice in data["kinds"]
            },
            "sheet": sheet["sheet"] if sheet else None,
            "chosen": chosen,
            "running": running,
            "running_refused": None,
            "opinion": (typed or {}).get("opinion", sheet["opinion"] if sheet else None),
            "typed": typed or {},
            "problems": {
                name: _problem_text(name, text, language) for name, text in (problems or {}).items()
            },
            "refused": refused,
            "look": field_look,
            "status_code": status_code,
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


def _problem_text(name: str, problem: Problem, language: str) -> str:
    if isinstance(problem, OcopError):
        return problem.text(language)
    return MISSING_TEXT.get(name, "Hãy điền vào ô này") if problem == MISSING else problem


@router.get("/san-pham/{product_id}/nop-ho-so", response_class=HTMLResponse)
def dossier_page(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    kind = request.query_params.get("loai")
    return _page(request, runtime, me, product_id, kind if kind in KINDS else None)


@router.post("/san-pham/{product_id}/nop-ho-so", response_class=HTMLResponse)
async def dossier_submit(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    form = await request.form()
    files: dict[str, SentFile] = {}
    for item in FILE_ITEMS:
        sent = form.get(item)
        if isinstance(sent, UploadFile):
            files[item] = SentFile(sent.filename or "", await sent.read())
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_submit, request, runtime, product_id, values, files)


def _submit(
    request: Request,
    runtime: Runtime,
    product_id: int,
    values: dict[str, str],
    files: dict[str, SentFile],
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    kind = values.get("loai", "")
    again: dict[str, Any] = {"kind": kind if kind in KINDS else None, "typed": values}
    if not csrf_ok(me, values.get("csrf_token")):
        return _page(request, runtime, me, product_id, refused=CSRF_MISSING, status_code=403,
                     **again)
    version = values.get("version", "")
    try:
        start_dossier(
            runtime,
            me.principal.username,
            product_id,
            kind,
            files=files,
            evidence_criterion=values.get("evidence_criterion"),
            answers={
                key.removeprefix(CHOICE): value
                for key, value in values.items()
                if key.startswith(CHOICE)
            },
            opinion=values.get("opinion"),
            data={
                key.removeprefix("data."): value
                for key, value in values.items()
                if key.startswith("data.")
            },
            expected_version=int(version) if version.isdigit() else None,
        )
    except DossierIncomplete as incomplete:
        return _page(request, runtime, me, product_id, problems=incomplete.fields,
                     status_code=422, **again)
    except OcopError as error:
        status, _title = status_of(error)
        if status == 404:
            return error_page(request, error, me=me)
        return _page(request, runtime, me, product_id, refused=said(request, error),
                     status_code=status, **again)
    return RedirectResponse(f"/san-pham/{product_id}?da=ho_so", status_code=303)
