"""Administration: accounts (add, deactivate, set a password) through IDENTITY's services,
which decide who may manage whom; and the workflow definitions in use with their hashes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field
from starlette.datastructures import FormData

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import OcopError
from ocop_cycle.identity import service as identity
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.browse import users_for
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.forms import (
    FormSchema,
    MaybeInt,
    MaybeText,
    NoFields,
    PostedForm,
    Refused,
    handle,
    see_other,
    typed,
)
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()
USERS = "/quan-tri/nguoi-dung"
ROLES = [role.value for role in Role if role is not Role.SYSTEM]
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


class NewUser(FormSchema):
    username: str = Field(max_length=200)
    name: MaybeText = Field(default=None, max_length=400)
    role: str = Field(default="", max_length=40)
    unit_code: MaybeText = Field(default=None, max_length=20)
    producer_id: MaybeInt = Field(default=None, gt=0, lt=2**31)
    email: MaybeText = Field(default=None, max_length=400)
    password: MaybeText = Field(default=None, max_length=1000)


class NewPassword(FormSchema):
    password: str = Field(default="", max_length=1000)


def _refused_on(
    request: Request, runtime: Runtime, me: ActiveSession, form: FormData
) -> Refused:
    def refused(errors: dict[str, str], status: int) -> Response:
        return _users_page(
            request, runtime, me, typed=typed(form), refused=errors, status_code=status
        )

    return refused


@router.post(USERS, response_class=HTMLResponse)
def add_user(request: Request, runtime: RuntimeDep, form: PostedForm) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def add(new: NewUser) -> None:
        identity.add_user(
            runtime,
            new.username,
            actor=me.principal.username,
            role=new.role,
            unit_code=new.unit_code,
            producer_id=new.producer_id,
            email=new.email,
            name=new.name,
            password=new.password,
        )

    return handle(
        request, me, form, NewUser, add, key="add",
        refused=_refused_on(request, runtime, me, form),
        done=lambda _: see_other(f"{USERS}?da=them"),
    )


@router.post(USERS + "/{username}/ngung", response_class=HTMLResponse)
def deactivate(
    request: Request, username: Username, runtime: RuntimeDep, form: PostedForm
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return handle(
        request, me, form, NoFields,
        lambda _: identity.deactivate_user(runtime, username, actor=me.principal.username),
        key=f"user:{username}",
        refused=_refused_on(request, runtime, me, form),
        done=lambda _: see_other(f"{USERS}?da=ngung"),
    )


@router.post(USERS + "/{username}/mat-khau", response_class=HTMLResponse)
def reset_password(
    request: Request, username: Username, runtime: RuntimeDep, form: PostedForm
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return handle(
        request, me, form, NewPassword,
        lambda new: identity.set_password(
            runtime, username, actor=me.principal.username, password=new.password
        ),
        key=f"user:{username}",
        refused=_refused_on(request, runtime, me, form),
        done=lambda _: see_other(f"{USERS}?da=mat_khau"),
    )


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
