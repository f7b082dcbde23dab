"""Administration: accounts (add, deactivate, set a password) through IDENTITY's services,
which decide who may manage whom; and the workflow definitions in use with their hashes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import OcopError
from ocop_cycle.identity import service as identity
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.browse import users_for
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
USERS = "/quan-tri/nguoi-dung"
ROLES = [role.value for role in Role if role is not Role.SYSTEM]
CSRF_MISSING = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"
Username = Annotated[str, Path(min_length=1, max_length=100)]


def _users_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    *,
    typed: dict[str, str] | None = None,
    refused: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        users = users_for(runtime, me.principal.username)
    except OcopError as error:
        return error_page(request, error, me=me)
    context: dict[str, Any] = {
        "me": me,
        "users": users,
        "roles": ROLES,
        "typed": typed or {},
        "refused": refused or {},
        "done": request.query_params.get("da"),
    }
    return render(
        request,
        "admin/users.html",
        context,
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get(USERS, response_class=HTMLResponse)
def users_page(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _users_page(request, runtime, me)


@router.post(USERS, response_class=HTMLResponse)
def add_user(
    request: Request,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    unit_code: Annotated[str, Form(max_length=20)] = "",
    producer_id: Annotated[str, Form(max_length=20)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    typed = {
        "username": username,
        "name": name,
        "role": role,
        "unit_code": unit_code,
        "producer_id": producer_id,
        "email": email,
    }
    if not csrf_ok(me, csrf_token):
        return _users_page(
            request, runtime, me, typed=typed, refused={"add": CSRF_MISSING}, status_code=403
        )
    if producer_id.strip() and not producer_id.strip().isdigit():
        return _users_page(
            request,
            runtime,
            me,
            typed=typed,
            refused={"add": "Mã chủ thể là một số"},
            status_code=422,
        )
    try:
        identity.add_user(
            runtime,
            username.strip(),
            actor=me.principal.username,
            role=role,
            unit_code=unit_code.strip() or None,
            producer_id=int(producer_id) if producer_id.strip() else None,
            email=email.strip() or None,
            name=name.strip() or None,
            password=password or None,
        )
    except OcopError as error:
        status, _title = status_of(error)
        return _users_page(
            request, runtime, me, typed=typed, refused={"add": error.message}, status_code=status
        )
    return RedirectResponse(f"{USERS}?da=them", status_code=303)


@router.post(USERS + "/{username}/ngung", response_class=HTMLResponse)
def deactivate(
    request: Request,
    username: Username,
    runtime: RuntimeDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, csrf_token):
        return _users_page(request, runtime, me, refused={username: CSRF_MISSING}, status_code=403)
    try:
        identity.deactivate_user(runtime, username, actor=me.principal.username)
    except OcopError as error:
        status, _title = status_of(error)
        return _users_page(
            request, runtime, me, refused={username: error.message}, status_code=status
        )
    return RedirectResponse(f"{USERS}?da=ngung", status_code=303)


@router.post(USERS + "/{username}/mat-khau", response_class=HTMLResponse)
def reset_password(
    request: Request,
    username: Username,
    runtime: RuntimeDep,
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    if not csrf_ok(me, csrf_token):
        return _users_page(request, runtime, me, refused={username: CSRF_MISSING}, status_code=403)
    try:
        identity.set_password(runtime, username, actor=me.principal.username, password=password)
    except OcopError as error:
        status, _title = status_of(error)
        return _users_page(
            request, runtime, me, refused={username: error.message}, status_code=status
        )
    return RedirectResponse(f"{USERS}?da=mat_khau", status_code=303)


@router.get("/quan-tri/quy-trinh", response_class=HTMLResponse)
def workflows_page(request: Request, runtime: RuntimeDep) -> Response:
    """The workflow definitions this server knows: name, version, dates, pinned hash."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    workflows = [
        {
            "name": compiled.definition.name,
            "version": compiled.definition.version,
            "title": compiled.definition.title,
            "effective_from": compiled.definition.effective_from.isoformat(),
            "effective_until": (
                compiled.definition.effective_until.isoformat()
                if compiled.definition.effective_until
                else None
            ),
            "states": len(compiled.definition.states),
            "transitions": len(compiled.definition.transitions),
            "hash": compiled.content_hash,
        }
        for compiled in runtime.workflows.all()
    ]
    return render(
        request,
        "admin/workflows.html",
        {"me": me, "workflows": workflows},
        user_language=me.principal.language,
    )
