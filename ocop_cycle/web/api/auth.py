"""``/auth`` and ``/me``: signing in for a bearer token, signing out, who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from ocop_cycle.identity import service as identity
from ocop_cycle.web.deps import (
    SESSION_COOKIE,
    PrincipalDep,
    RuntimeDep,
    bearer_scheme,
    client_address,
)
from ocop_cycle.web.errors import HttpProblem
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str
    expires_at: datetime


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    unit_code: str | None
    producer_id: int | None
    language: str
    must_change_password: bool
    # Present when signed in with the session cookie: send it back in X-CSRF-Token.
    csrf_token: str | None = None


@router.post(
    "/auth/token",
    response_model=Token,
    responses={s: {"model": Problem} for s in (401, 422, 429)},
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    runtime: RuntimeDep,
) -> dict[str, Any]:
    """OAuth2 password flow: a bearer token for a session (idle and absolute timeouts)."""
    address = client_address(request)
    result = identity.authenticate(runtime, form.username[:100], form.password[:1024], address)
    if result.retry_after is not None:
        raise HttpProblem(
            429,
            "rate_limited",
            f"too many failed sign-ins; try again in {result.retry_after} seconds",
            headers={"Retry-After": str(result.retry_after)},
        )
    if result.principal is None:
        raise HttpProblem(
            401,
            "sign_in_failed",
            "wrong username or password (or the account is deactivated)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    opened = identity.open_session(runtime, result.principal, address)
    return {
        "access_token": opened.session_id,
        "token_type": "bearer",
        "expires_at": opened.expires_at,
    }


@router.post(
    "/auth/logout",
    status_code=204,
    responses={s: {"model": Problem} for s in (401, 403)},
)
def logout(
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> Response:
    """End this session at once (bearer session token or session cookie)."""
    session_id = token or request.cookies.get(SESSION_COOKIE)
    if session_id:
        identity.close_session(runtime, session_id, client_address(request))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, responses={401: {"model": Problem}})
def me(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    active = getattr(request.state, "session", None)
    return {
        "username": principal.username,
        "display_name": principal.display_name,
        "role": principal.role,
        "unit_code": principal.unit_code,
        "producer_id": principal.producer_id,
        "language": principal.language,
        "must_change_password": principal.must_change_password,
        "csrf_token": active.csrf_token if active else None,
    }
