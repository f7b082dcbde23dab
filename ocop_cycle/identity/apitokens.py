"""API tokens for integrations: printed once, stored hashed, listed and revoked by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ocop_cycle import inputs
from ocop_cycle.db.models import ApiToken, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, NotFound, PermissionDenied
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.identity.audit import AuditKind, record
from ocop_cycle.identity.credentials import held_credential
from ocop_cycle.identity.principal import Principal
from ocop_cycle.identity.tokens import API_TOKEN_PREFIX, digest, new_secret
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user

MAX_DAYS = 3650


@dataclass(frozen=True)
class CreatedToken:
    id: int
    username: str
    label: str
    token: str
    expires_at: datetime | None


def create_token(
    runtime: Runtime, username: str, *, actor: str, label: str, expires_days: int | None = None
) -> CreatedToken:
    """A new token for ``username`` (by an admin, or by the user for themselves)."""
    clean_label = inputs.single_line(label, "label", max_length=100)
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise InvalidInput(
            f"--expires must be between 1 and {MAX_DAYS} days",
            vi=f"Thời hạn của mã truy cập phải từ 1 đến {MAX_DAYS} ngày",
        )
    now = runtime.clock.now()
    secret = new_secret(API_TOKEN_PREFIX)
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        owner = get_user(session, username)
        _check_owner_or_admin(manager, owner, "create a token for")
        if not owner.active or owner.role == Role.SYSTEM.value:
            raise InvalidInput(
                f"user {username} cannot hold tokens (deactivated or system)",
                vi=f"Tài khoản {username} không thể có mã truy cập (đã bị khóa hoặc là tài khoản hệ thống)",
            )
        expires_at = now + timedelta(days=expires_days) if expires_days else None
        token = ApiToken(
            user_id=owner.id, label=clean_label, token_hash=digest(secret), created_at=now,
            expires_at=expires_at,
        )
        session.add(token)
        session.flush()
        record(session, AuditKind.TOKEN_CREATED, at=now, actor=manager.username,
               subject=username, token_id=token.id, label=clean_label)
        return CreatedToken(token.id, owner.username, clean_label, secret, expires_at)


def list_tokens(runtime: Runtime, *, username: str | None = None) -> list[dict[str, Any]]:
    """Tokens (never their secrets), newest first, of one user or of everyone."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        statement = (
            select(ApiToken, User.username)
            .join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.id.desc())
        )
        if username is not None:
            statement = statement.where(User.username == username)
        return [
            {
                "id": token.id,
                "username": owner,
                "label": token.label,
                "created_at": token.created_at.isoformat(),
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "status": _status(token, now),
            }
            for token, owner in session.execute(statement)
        ]


def revoke_token(runtime: Runtime, token_id: int, *, actor: str) -> None:
    now = runtime.clock.now()
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        token = session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(
                f"no API token with id {token_id}; see 'ocop token list'",
                vi=f"Không tìm thấy mã truy cập số {token_id}",
            )
        owner = session.get(User, token.user_id)
        assert owner is not None
        _check_owner_or_admin(manager, owner, "revoke a token of")
        if token.revoked_at is not None:
            raise InvalidInput(
                f"token {token_id} is revoked already",
                vi=f"Mã truy cập số {token_id} đã bị thu hồi từ trước",
            )
        token.revoked_at = now
        record(session, AuditKind.TOKEN_REVOKED, at=now, actor=manager.username,
               subject=owner.username, token_id=token_id)


def api_token_user(runtime: Runtime, secret: str) -> Principal | None:
    """The active user an API token belongs to, or None (unknown, revoked, expired, or
    the user deactivated)."""

    def accept(token: ApiToken, user: User, now: datetime) -> Principal | None:
        if _status(token, now) != "active" or not user.active:
            return None
        return Principal.of(user)

    return held_credential(
        runtime, secret, hash_column=ApiToken.token_hash,
        last_use_column=ApiToken.last_used_at, accept=accept,
    )


def _status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and now >= token.expires_at:
        return "expired"
    return "active"


def _check_owner_or_admin(manager: User, owner: User, action: str) -> None:
    if manager.id != owner.id and manager.role != Role.ADMIN.value:
        raise PermissionDenied(
            f"permission denied: {manager.username} may not {action} {owner.username}; "
            "only the user themselves or an admin may",
            vi=f"Tài khoản {manager.username} không được thực hiện thao tác này với mã truy cập của "
            f"{owner.username}; chỉ chính người đó hoặc quản trị hệ thống được làm",
        )
