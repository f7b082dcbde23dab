"""Signing in with a username and password, rate limited and audited.

The password is checked outside any transaction (argon2 takes tens of milliseconds and
must not hold the database's write lock); an unknown user costs the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.identity import ratelimit
from ocop_cycle.identity.audit import AuditKind, record
from ocop_cycle.identity.passwords import verify
from ocop_cycle.identity.principal import Principal
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import find_user, get_user


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: who, or why not (``retry_after`` seconds when limited)."""

    principal: Principal | None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.principal is not None

    @property
    def limited(self) -> bool:
        return self.retry_after is not None


def authenticate(runtime: Runtime, username: str, password: str, address: str) -> SignIn:
    """Check a username and password from ``address``; never says which one was wrong."""
    settings = runtime.settings
    now = runtime.clock.now()
    with runtime.transaction() as session:
        wait = ratelimit.retry_after(session, settings, username, address, now)
        if wait is not None:
            record(session, AuditKind.SIGN_IN_FAILED, at=now, actor=None,
                   subject=username[:200], address=address[:64], reason="rate_limited")
            return SignIn(None, retry_after=wait)
        user = find_user(session, username)
        usable = (
            user is not None and user.active and user.role != Role.SYSTEM.value
        )
        stored = user.password_hash if user is not None and usable else None
    ok, new_hash = verify(password, stored)
    with runtime.transaction() as session:
        if ok:
            fresh = get_user(session, username)
            if new_hash is not None:
                fresh.password_hash = new_hash
            ratelimit.forget_failures(session, username)
            record(session, AuditKind.SIGN_IN, at=now, actor=username, subject=username,
                   address=address[:64])
            return SignIn(Principal.of(fresh))
        ratelimit.record_failure(session, username, address, now)
        reason = "unknown_user" if user is None else (
            "deactivated" if not usable else "wrong_password"
        )
        record(session, AuditKind.SIGN_IN_FAILED, at=now, actor=None, subject=username[:200],
               address=address[:64], reason=reason)
        session.flush()
        if ratelimit.retry_after(session, settings, username, address, now) is not None:
            record(session, AuditKind.LOCKOUT, at=now, actor=None, subject=username[:200],
                   address=address[:64],
                   failures=settings.signin_max_failures,
                   window_minutes=settings.signin_window_minutes)
        return SignIn(None)
