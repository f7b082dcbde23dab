"""The provincial office imports a CSV or XLSX of existing certificates: upload, see the dry
run (every error as a table, or what would be created), then confirm. The same service as
``ocop import products``; the file waits between the two steps in the storage folder,
under a random name bound to the uploader, and is deleted after the import."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.importing.service import ImportRejected, import_products
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import said
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
PAGE = "/nhap-du-lieu"
SUFFIXES = (".csv", ".xlsx")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
CSRF_MISSING = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"


def _waiting_file(runtime: Runtime, me: ActiveSession, token: str, suffix: str) -> Path:
    folder = runtime.settings.storage_dir / "imports"
    return folder / f"{me.principal.user_id}-{token}{suffix}"


def _page(
    request: Request, me: ActiveSession, context: dict[str, Any], status_code: int = 200
) -> Response:
    values = {
        "me": me,
        "summary": None,
        "errors": [],
        "errors_total": 0,
        "message": None,
        "token": None,
        "suffix": None,
        "done": None,
        **context,
    }
    return render(
        request,
        "imports.html",
        values,
        status_code=status_code,
        user_language=me.principal.language,
    )


def _rejected_page(request: Request, me: ActiveSession, rejected: ImportRejected) -> Response:
    """The file's errors as a table: the first ones listed, all of them counted."""
    rows = [error.as_dict() for error in rejected.errors]
    context = {"errors": rows, "errors_total": rejected.total,
               "message": "Tệp có lỗi; chưa nhập gì."}
    return _page(request, me, context, 422)


@router.get(PAGE, response_class=HTMLResponse)
def import_form(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _page(request, me, {"done": "da" in request.query_params})


@router.post(PAGE, response_class=HTMLResponse)
async def import_upload(request: Request, runtime: RuntimeDep) -> Response:
    form = await request.form()
    sent = form.get("file")
    content = (
        await sent.read(runtime.settings.import_max_bytes + 1)
        if isinstance(sent, UploadFile)
        else b""
    )
    filename = (sent.filename or "") if isinstance(sent, UploadFile) else ""
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_dry_run, request, runtime, values, filename, content)


def _dry_run(
    request: Request, runtime: Runtime, values: dict[str, str], filename: str, content: bytes
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, values.get("csrf_token")):
        return _page(request, me, {"message": CSRF_MISSING}, 403)
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES or not content:
        return _page(request, me, {"message": "Hãy chọn một tệp CSV hoặc XLSX"}, 422)
    token = secrets.token_urlsafe(24)
    path = _waiting_file(runtime, me, token, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        summary = import_products(runtime, path, actor=me.principal.username, dry_run=True)
    except ImportRejected as rejected:
        path.unlink(missing_ok=True)
        return _rejected_page(request, me, rejected)
    except OcopError as error:
        path.unlink(missing_ok=True)
        status, _title = status_of(error)
        return _page(request, me, {"message": said(request, error)}, status)
    return _page(request, me, {"summary": summary, "token": token, "suffix": suffix})


@router.post(PAGE + "/xac-nhan", response_class=HTMLResponse)
async def import_confirm(request: Request, runtime: RuntimeDep) -> Response:
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(_confirm, request, runtime, values)


def _confirm(request: Request, runtime: Runtime, values: dict[str, str]) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, values.get("csrf_token")):
        return _page(request, me, {"message": CSRF_MISSING}, 403)
    token, suffix = values.get("token", ""), values.get("suffix", "")
    path = _waiting_file(runtime, me, token, suffix)
    if not _TOKEN.match(token) or suffix not in SUFFIXES or not path.is_file():
        return _page(request, me, {"message": "Không còn tệp chờ nhập; hãy tải tệp lên lại"}, 422)
    try:
        import_products(runtime, path, actor=me.principal.username)
    except ImportRejected as rejected:
        return _rejected_page(request, me, rejected)
    except OcopError as error:
        status, _title = status_of(error)
        return _page(request, me, {"message": said(request, error)}, status)
    finally:
        path.unlink(missing_ok=True)
    return RedirectResponse(f"{PAGE}?da=1", status_code=303)
