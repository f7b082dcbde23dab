"""Who is looking at a page: the browser's session (IDENTITY's), read once per request.

Pages answer "sign in first" with a redirect to the sign-in form rather than a 401, and
check the CSRF token that every unsafe form carries as its ``csrf_token`` field.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from ocop_cycle.identity import sessions
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.deps import SESSION_COOKIE


def signed_in(request: Request, runtime: Runtime) -> ActiveSession | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    active = sessions.session_user(runtime, cookie) if cookie else None
    if active is not None:
        # The account's language, for what is said without a template (a refusal: ``said``).
        request.state.user_language = active.principal.language
    return active


def to_sign_in(request: Request) -> RedirectResponse:
    """Back to the page asked for after signing in (a path on this site only)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/dang-nhap?next={quote(target, safe='')}", status_code=303)


def csrf_ok(active: ActiveSession, form_token: object) -> bool:
    return isinstance(form_token, str) and sessions.check_csrf(active, form_token)
