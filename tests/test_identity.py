"""Accounts and sign-in (issue 10 §1): argon2id passwords, the rate limit and lockout,
server-side sessions with idle and absolute timeouts, API tokens, deactivation, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import SignInFailure, User
from ocop_cycle.errors import InvalidInput, PermissionDenied
from ocop_cycle.identity import service as identity
from ocop_cycle.runtime import Runtime
from tests.conftest import ADMIN, World

PASSWORD = "mật khẩu đủ dài 2026"
ADDRESS = "203.0.113.7"


@pytest.fixture
def officer(runtime: Runtime, world: World) -> str:
    identity.add_user(
        runtime, "xa_ductan", actor=ADMIN, role="commune_officer", unit_code=world.commune,
        password=PASSWORD,
    )
    return "xa_ductan"


def kinds(runtime: Runtime) -> list[str]:
    return [event["kind"] for event in reversed(identity.list_events(runtime))]


def test_password_is_stored_as_an_argon2id_hash_never_in_clear(
    runtime: Runtime, officer: str
) -> None:
    with runtime.transaction() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == officer)).one()
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_with_the_right_password_names_the_user_and_is_audited(
    runtime: Runtime, officer: str
) -> None:
    result = identity.authenticate(runtime, officer, PASSWORD, ADDRESS)
    assert result.ok and result.principal is not None
    assert result.principal.username == officer
    assert result.principal.role == "commune_officer"
    # Set by an admin: the officer must choose their own before anything else.
    assert result.principal.must_change_password
    assert kinds(runtime)[-1] == "sign_in"


def test_unknown_user_and_wrong_password_get_the_same_answer(
    runtime: Runtime, officer: str
) -> None:
    unknown = identity.authenticate(runtime, "nobody", PASSWORD, ADDRESS)
    wrong = identity.authenticate(runtime, officer, "not the password", ADDRESS)
    assert unknown == wrong == identity.SignIn(None)
    failures = [e["detail"]["reason"] for e in identity.list_events(runtime, kind="sign_in_failed")]
    assert sorted(failures) == ["unknown_user", "wrong_password"]


def test_five_failures_in_fifteen_minutes_lock_the_user_with_retry_after(
    runtime: Runtime, clock: Clock, officer: str
) -> None:
    for _ in range(5):
        assert not identity.authenticate(runtime, officer, "wrong guess!", ADDRESS).ok
    assert "lockout" in kinds(runtime)
    # Locked: even the right password is refused, with the seconds to wait.
    locked = identity.authenticate(runtime, officer, PASSWORD, "198.51.100.1")
    assert not locked.ok and locked.retry_after == 15 * 60
    assert clock.fixed is not None
    clock.fixed += timedelta(minutes=10)
    assert identity.authenticate(runtime, officer, PASSWORD, ADDRESS).retry_after == 5 * 60
    clock.fixed += timedelta(minutes=5, seconds=1)
    assert identity.authenticate(runtime, officer, PASSWORD, ADDRESS).ok


def test_one_address_guessing_many_usernames_is_limited_too(
    runtime: Runtime, officer: str
) -> None:
    for name in ("a1", "a2", "a3", "a4", "a5"):
        identity.authenticate(runtime, name, "guess guess", ADDRESS)
    assert identity.authenticate(runtime, officer, PASSWORD, ADDRESS).limited
    assert identity.authenticate(runtime, officer, PASSWORD, "198.51.100.9").ok


def test_limits_are_settings(runtime: Runtime, officer: str) -> None:
    strict = replace(
        runtime,
        settings=runtime.settings.replace(signin_max_failures=2, signin_window_minutes=1),
    )
    for _ in range(2):
        identity.authenticate(strict, officer, "wrong guess!", ADDRESS)
    assert identity.authenticate(strict, officer, PASSWORD, ADDRESS).retry_after == 60


def test_success_clears_the_users_failures(runtime: Runtime, officer: str) -> None:
    for _ in range(4):
        identity.authenticate(runtime, officer, "wrong guess!", "198.51.100.2")
    assert identity.authenticate(runtime, officer, PASSWORD, ADDRESS).ok
    with runtime.transaction() as session:
        assert session.scalars(
            select(SignInFailure).where(SignInFailure.username == officer)
        ).all() == []


def sign_in(runtime: Runtime, username: str) -> identity.OpenedSession:
    result = identity.authenticate(runtime, username, PASSWORD, ADDRESS)
    assert result.principal is not None
    return identity.open_session(runtime, result.principal, ADDRESS)


def test_session_ends_after_30_idle_minutes(
    runtime: Runtime, clock: Clock, officer: str
) -> None:
    opened = sign_in(runtime, officer)
    assert clock.fixed is not None
    clock.fixed += timedelta(minutes=29)
    assert identity.session_user(runtime, opened.session_id) is not None
    clock.fixed += timedelta(minutes=29)  # active a moment ago: still alive
    assert identity.session_user(runtime, opened.session_id) is not None
    clock.fixed += timedelta(minutes=30)
    assert identity.session_user(runtime, opened.session_id) is None


def test_session_ends_12_hours_after_sign_in_however_active(
    runtime: Runtime, clock: Clock, officer: str
) -> None:
    opened = sign_in(runtime, officer)
    assert clock.fixed is not None
    for _ in range(11 * 3):
        clock.fixed += timedelta(minutes=20)
        assert identity.session_user(runtime, opened.session_id) is not None
    clock.fixed += timedelta(hours=1)
    assert identity.session_user(runtime, opened.session_id) is None


def test_signed_out_session_stops_at_once_and_the_id_is_not_stored(
    runtime: Runtime, officer: str
) -> None:
    opened = sign_in(runtime, officer)
    with runtime.transaction() as session:
        from ocop_cycle.db.models import UserSession

        stored = session.scalars(select(UserSession.id_hash)).all()
    assert opened.session_id not in stored
    assert identity.close_session(runtime, opened.session_id, ADDRESS)
    assert identity.session_user(runtime, opened.session_id) is None
    assert identity.token_user(runtime, opened.session_id) is None
    assert not identity.close_session(runtime, opened.session_id)


def test_csrf_token_belongs_to_its_session(runtime: Runtime, officer: str) -> None:
    first, second = sign_in(runtime, officer), sign_in(runtime, officer)
    active = identity.session_user(runtime, first.session_id)
    assert active is not None
    assert identity.check_csrf(active, first.csrf_token)
    assert not identity.check_csrf(active, second.csrf_token)
    assert not identity.check_csrf(active, None)
    assert not identity.check_csrf(active, "")


def test_api_token_works_until_revoked(runtime: Runtime, officer: str) -> None:
    created = identity.create_token(runtime, officer, actor=ADMIN, label="cổng tỉnh")
    principal = identity.token_user(runtime, created.token)
    assert principal is not None and principal.username == officer
    listed = identity.list_tokens(runtime, username=officer)
    assert [(t["id"], t["status"]) for t in listed] == [(created.id, "active")]
    assert created.token not in str(listed)
    identity.revoke_token(runtime, created.id, actor=ADMIN)
    assert identity.token_user(runtime, created.token) is None
    assert identity.list_tokens(runtime)[0]["status"] == "revoked"
    assert kinds(runtime)[-2:] == ["token_created", "token_revoked"]


def test_api_token_expires_after_its_days(
    runtime: Runtime, clock: Clock, officer: str
) -> None:
    created = identity.create_token(
        runtime, officer, actor=officer, label="script", expires_days=30
    )
    assert clock.fixed is not None
    clock.fixed += timedelta(days=29, hours=23)
    assert identity.token_user(runtime, created.token) is not None
    clock.fixed += timedelta(hours=1)
    assert identity.token_user(runtime, created.token) is None


def test_only_the_owner_or_an_admin_handles_a_users_tokens(
    runtime: Runtime, officer: str
) -> None:
    with pytest.raises(PermissionDenied):
        identity.create_token(runtime, officer, actor="commune2", label="not mine")
    created = identity.create_token(runtime, officer, actor=officer, label="mine")
    with pytest.raises(PermissionDenied):
        identity.revoke_token(runtime, created.id, actor="province1")


def test_deactivated_user_is_refused_everywhere_at_once(
    runtime: Runtime, officer: str
) -> None:
    opened = sign_in(runtime, officer)
    created = identity.create_token(runtime, officer, actor=ADMIN, label="sync")
    identity.deactivate_user(runtime, officer, actor=ADMIN)
    assert identity.session_user(runtime, opened.session_id) is None
    assert identity.token_user(runtime, created.token) is None
    assert not identity.authenticate(runtime, officer, PASSWORD, ADDRESS).ok
    with pytest.raises(PermissionDenied, match="deactivated"):
        identity.create_token(runtime, "commune1", actor=officer, label="x")
    assert "user_deactivated" in kinds(runtime)


def test_new_password_ends_every_session_and_old_password_stops(
    runtime: Runtime, officer: str
) -> None:
    opened = sign_in(runtime, officer)
    identity.change_password(runtime, officer, current=PASSWORD, new="một mật khẩu mới hẳn")
    assert identity.session_user(runtime, opened.session_id) is None
    assert not identity.authenticate(runtime, officer, PASSWORD, ADDRESS).ok
    fresh = identity.authenticate(runtime, officer, "một mật khẩu mới hẳn", ADDRESS)
    assert fresh.principal is not None and not fresh.principal.must_change_password
    assert "password_changed" in kinds(runtime)


def test_change_password_needs_the_current_one(runtime: Runtime, officer: str) -> None:
    with pytest.raises(PermissionDenied, match="current password"):
        identity.change_password(runtime, officer, current="guess guess", new="whatever 12345")


def test_short_password_is_refused_with_what_to_do(runtime: Runtime, world: World) -> None:
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        identity.add_user(
            runtime, "ngan", actor=ADMIN, role="central_officer", password="ngắn"
        )


def test_first_admin_only_on_an_empty_database(runtime: Runtime) -> None:
    with pytest.raises(PermissionDenied, match="has users already"):
        identity.create_first_admin(runtime, "root2", password=PASSWORD)


def test_outdated_hash_is_replaced_at_sign_in(runtime: Runtime, officer: str) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    weak = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192),)).hash(PASSWORD)
    with runtime.transaction() as session:
        session.scalars(select(User).where(User.username == officer)).one().password_hash = weak
    assert identity.authenticate(runtime, officer, PASSWORD, ADDRESS).ok
    with runtime.transaction() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == officer)).one()
    assert stored != weak and stored is not None and stored.startswith("$argon2id$")


def test_province_officer_adds_users_of_their_province_but_no_admins(
    runtime: Runtime, world: World
) -> None:
    identity.add_user(runtime, "xa_moi", actor="province1", role="commune_officer",
                      unit_code=world.commune)
    with pytest.raises(PermissionDenied, match="only an admin"):
        identity.add_user(runtime, "admin2", actor="province1", role="admin")
    from ocop_cycle.services import units

    units.load_province(runtime, "49", "legacy", actor=ADMIN)
    with pytest.raises(PermissionDenied, match="not province 49"):
        identity.add_user(runtime, "quangnam", actor="province1", role="province_officer",
                          unit_code="49")
    with pytest.raises(PermissionDenied, match="only an admin or a province officer"):
        identity.add_user(runtime, "xa_khac", actor="district1", role="commune_officer",
                          unit_code=world.commune)
