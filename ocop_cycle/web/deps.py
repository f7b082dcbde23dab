"""What routes depend on, as typed aliases: the runtime, who is asking, and limits.

A request is made by someone holding either a bearer token (a session opened by
``POST /auth/token`` or an API token) or the browser's session cookie; with the cookie,
unsafe methods must also carry the session's CSRF token in ``X-CSRF-Token`` (or a form's
``csrf_token`` field, for the pages). Deciding what that person may do is the services'.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.identity import service as identity
from ocop_cycle.identity.service import Principal
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.errors import HttpProblem

SESSION_COOKIE = "ocop_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_BEFORE_PASSWORD_CHANGE = frozenset({"/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"})

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ProductId = Annotated[int, Path(gt=0, lt=2**31)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _not_signed_in(detail: str) -> HttpProblem:
    return HttpProblem(401, "not_signed_in", detail, headers={"WWW-Authenticate": "Bearer"})


def current_principal(
    request: Request,
    runtime: RuntimeDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> Principal:
    """The signed-in person, or 401; a cookie session without its CSRF token on an
    unsafe method is refused with 403."""
    if token:
        principal = identity.token_user(runtime, token)
        if principal is None:
            raise _not_signed_in(
                "this token is unknown, expired or revoked, or its user is deactivated; "
                "sign in again (POST /api/v1/auth/token)"
            )
        return _password_changed(request, principal)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise _not_signed_in(
            "sign in first: send 'Authorization: Bearer TOKEN' (POST /api/v1/auth/token)"
        )
    active = identity.session_user(runtime, cookie)
    if active is None:
        raise _not_signed_in("your session has ended (signed out, idle or expired); sign in again")
    if request.method not in SAFE_METHODS and not identity.check_csrf(
        active, request.headers.get(CSRF_HEADER)
    ):
        raise HttpProblem(
            403,
            "csrf_failed",
            f"this request changes data but carries no valid CSRF token; send the session's "
            f"token in the {CSRF_HEADER} header (GET /api/v1/me shows it)",
        )
    request.state.session = active
    return _password_changed(request, active.principal)


def _password_changed(request: Request, principal: Principal) -> Principal:
    """A password set by someone else must be changed before anything else is done."""
    if principal.must_change_password and request.url.path not in _BEFORE_PASSWORD_CHANGE:
        raise HttpProblem(
            403,
            "password_change_required",
            "your password was set by an administrator: change it first "
            "(POST /api/v1/me/password with your current and a new password)",
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]

_OFFICERS = frozenset(
    {
        Role.COMMUNE_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.CENTRAL_OFFICER,
        Role.COUNCIL_MEMBER,
        Role.ADMIN,
    }
)


def officer(principal: PrincipalDep) -> Principal:
    """Officers, council members and admins: not producers."""
    if Role(principal.role) not in _OFFICERS:
        raise HttpProblem(
            403, "permission_denied", f"permission denied: a {principal.role} may not see this"
        )
    return principal


OfficerDep = Annotated[Principal, Depends(officer)]

_PROVINCE_STAFF = frozenset(
    {Role.PROVINCE_OFFICER, Role.CENTRAL_OFFICER, Role.COUNCIL_MEMBER, Role.ADMIN}
)


def province_staff(principal: PrincipalDep) -> Principal:
    """Who works on a province's evaluation rounds: its officers, councils, central, admin."""
    if Role(principal.role) not in _PROVINCE_STAFF:
        raise HttpProblem(
            403,
            "permission_denied",
            f"permission denied: a {principal.role} does not take part in evaluation rounds",
        )
    return principal


ProvinceStaffDep = Annotated[Principal, Depends(province_staff)]


class SlidingWindow:
    """At most ``limit`` requests per key in the last ``window`` seconds, per process."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> int | None:
        """Count one request for ``key``; seconds to wait when it is over the limit."""
        now = time.monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(1, int(seen[0] + self.window - now) + 1)
        seen.append(now)
        if len(self._seen) > 10_000:  # forget idle addresses; memory stays bounded
            for stale in [k for k, v in self._seen.items() if not v]:
                del self._seen[stale]
        return None


def public_rate_limit(request: Request) -> None:
    """Anonymous look-ups: ``OCOP_PUBLIC_RATE_PER_MINUTE`` per client address."""
    limiter: SlidingWindow = request.app.state.public_limiter
    wait = limiter.retry_after(client_address(request))
    if wait is not None:
        raise HttpProblem(
            429,
            "rate_limited",
            f"too many look-ups from your address; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
