"""What the interfaces call: sign-in, sessions, tokens, accounts and the audit trail.

Interfaces (the CLI, the HTTP API in ``ocop_cycle.web``, the web pages) only say who is
asking; every permission decision is made here and in the services and the engine.

Signing in (HTTP ``POST /api/v1/auth/token``, the sign-in page)::

    result = authenticate(runtime, username, password, address)   # -> SignIn
    if result.limited:   -> 429, Retry-After: result.retry_after
    if not result.ok:    -> 401 (never says whether the user exists)
    opened = open_session(runtime, result.principal, address)     # -> OpenedSession
    # opened.session_id: cookie value or bearer token; opened.csrf_token; opened.expires_at
    # result.principal.must_change_password: send the user to change_password first

Every request::

    active = session_user(runtime, session_id)      # -> ActiveSession | None (touched)
    check_csrf(active, form_or_header_token)        # -> bool, on unsafe methods (cookie)
    principal = token_user(runtime, bearer)         # -> Principal | None: API tokens and
                                                    #    session ids alike
    close_session(runtime, session_id, address)     # sign out, revoked at once

Accounts and tokens (``actor`` is the username of who is asking)::

    create_first_admin(runtime, username, password=...)       # empty database only
    add_user(runtime, username, actor=..., role=..., unit_code=..., password=...)
    set_password(runtime, username, actor=..., password=...)  # must change at sign-in
    change_password(runtime, username, current=..., new=..., address=...)
    deactivate_user(runtime, username, actor=...)             # sessions, tokens stop
    list_users(runtime) ; user_view(user)
    create_token(runtime, username, actor=..., label=..., expires_days=None) -> CreatedToken
    list_tokens(runtime, username=None) ; revoke_token(runtime, token_id, actor=...)
    list_events(runtime, kind=None, limit=200)                # the audit trail

A deactivated user is refused everywhere: ``session_user`` and ``token_user`` return None
and ``acting_user`` (used by every writing service) refuses them.
"""

from __future__ import annotations

from ocop_cycle.identity.accounts import (
    add_user,
    change_password,
    create_first_admin,
    deactivate_user,
    list_users,
    set_password,
    user_view,
)
from ocop_cycle.identity.apitokens import (
    CreatedToken,
    api_token_user,
    create_token,
    list_tokens,
    revoke_token,
)
from ocop_cycle.identity.audit import AuditKind, list_events
from ocop_cycle.identity.principal import Principal
from ocop_cycle.identity.sessions import (
    ActiveSession,
    OpenedSession,
    check_csrf,
    close_session,
    open_session,
    session_user,
)
from ocop_cycle.identity.signin import SignIn, authenticate
from ocop_cycle.identity.tokens import API_TOKEN_PREFIX
from ocop_cycle.runtime import Runtime


def token_user(runtime: Runtime, bearer: str) -> Principal | None:
    """The user behind an ``Authorization: Bearer`` value: an API token (``ocop_…``) or
    a session id handed out at sign-in; None when unknown, revoked, expired or the user
    is deactivated."""
    if bearer.startswith(API_TOKEN_PREFIX):
        return api_token_user(runtime, bearer)
    active = session_user(runtime, bearer)
    return active.principal if active is not None else None


__all__ = [
    "ActiveSession",
    "AuditKind",
    "CreatedToken",
    "OpenedSession",
    "Principal",
    "SignIn",
    "add_user",
    "authenticate",
    "change_password",
    "check_csrf",
    "close_session",
    "create_first_admin",
    "create_token",
    "deactivate_user",
    "list_events",
    "list_tokens",
    "list_users",
    "open_session",
    "revoke_token",
    "session_user",
    "set_password",
    "token_user",
    "user_view",
]
