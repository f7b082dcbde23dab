"""User accounts: the first admin, adding users, passwords, deactivation, listing.

Who may manage whom: an admin manages every account; a province officer manages the
non-admin accounts of their own province (officers, producers there, council members).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import ApiToken, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Level, Role, parse_choice
from ocop_cycle.errors import InvalidInput, PermissionDenied
from ocop_cycle.identity.actors import SYSTEM_USERNAME, acting_user
from ocop_cycle.identity.audit import AuditKind, record
from ocop_cycle.identity.passwords import check_new_password, hash_password, verify
from ocop_cycle.identity.sessions import revoke_user_sessions
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import find_user, get_producer, get_unit, get_user
from ocop_cycle.services.units import ancestry

# The level of unit an officer of each role must serve.
_ROLE_UNIT_LEVEL = {
    Role.COMMUNE_OFFICER: Level.COMMUNE,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.PROVINCE_OFFICER: Level.PROVINCE,
}
# Roles a province officer may give, within their province.
_PROVINCE_MAY_ADD = (
    Role.COMMUNE_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.PRODUCER,
    Role.COUNCIL_MEMBER,
)
LANGUAGES = ("vi", "en")


def human_users(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role != Role.SYSTEM.value)
    ) or 0


def create_first_admin(
    runtime: Runtime,
    username: str,
    *,
    password: str | None,
    name: str | None = None,
    email: str | None = None,
) -> User:
    """The first account of an empty database: an admin with their own password (none:
    an operator's account that acts only through the command line)."""
    inputs.username(username)
    password_hash = None
    if password is not None:
        password_hash = hash_password(check_new_password(password, username))
    display = inputs.single_line(name, "name") if name else username
    address = inputs.email(email)
    with runtime.transaction() as session:
        if human_users(session):
            raise PermissionDenied(
                "permission denied: this database has users already; an admin adds more with "
                "'ocop user add NAME --role R --actor ADMIN'",
                vi="Cơ sở dữ liệu đã có tài khoản; quản trị hệ thống thêm tài khoản mới",
            )
        user = User(
            username=username, display_name=display, email=address, role=Role.ADMIN.value,
            language="vi", active=True, password_hash=password_hash,
            must_change_password=False,
        )
        session.add(user)
        session.flush()
        record(session, AuditKind.ADMIN_CREATED, at=runtime.clock.now(), actor=None,
               subject=username)
        return user


def add_user(
    runtime: Runtime,
    username: str,
    *,
    actor: str,
    role: str,
    unit_code: str | None = None,
    producer_id: int | None = None,
    email: str | None = None,
    name: str | None = None,
    language: str = "vi",
    password: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Add an account; a password set here must be changed at the first sign-in (unless
    ``must_change_password`` is false: the demo's known passwords)."""
    try:
        user_role = parse_choice(Role, role, "role")
    except ValueError as exc:
        raise InvalidInput(
            str(exc),
            vi=f"Vai trò {role!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('role', item) for item in Role if item is not Role.SYSTEM)}",
        ) from None
    if user_role is Role.SYSTEM:
        raise InvalidInput(
            "the system account exists already and there is only one",
            vi="Tài khoản hệ thống đã có và chỉ có một",
        )
    inputs.username(username)
    if username == SYSTEM_USERNAME:
        raise InvalidInput(
            "'system' is reserved for the scheduler",
            vi="Tên 'system' dành riêng cho bộ lập lịch của hệ thống",
        )
    display = inputs.single_line(name, "name") if name else username
    address = inputs.email(email)
    if language not in LANGUAGES:
        raise InvalidInput(
            f"language {language!r} is not supported; use vi or en",
            vi=f"Ngôn ngữ {language!r} không được hỗ trợ; hãy chọn tiếng Việt (vi) hoặc tiếng Anh (en)",
        )
    password_hash = None
    if password is not None:
        password_hash = hash_password(check_new_password(password, username))
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        if find_user(session, username) is not None:
            raise InvalidInput(
                f"user {username!r} exists already", vi=f"Tài khoản {username!r} đã có"
            )
        province = _check_role_binding(session, user_role, unit_code, producer_id)
        _check_may_manage(manager, user_role, province, f"add user {username}")
        user = User(
            username=username,
            display_name=display,
            email=address,
            role=user_role.value,
            unit_code=unit_code,
            producer_id=producer_id,
            language=language,
            active=True,
            password_hash=password_hash,
            must_change_password=password_hash is not None and must_change_password,
        )
        session.add(user)
        session.flush()
        record(session, AuditKind.USER_ADDED, at=runtime.clock.now(), actor=manager.username,
               subject=username, role=user_role.value, unit=unit_code, producer=producer_id)
        return user


def set_password(runtime: Runtime, username: str, *, actor: str, password: str) -> None:
    """An admin (or the user themselves) sets a password; set by another, it must be
    changed at the next sign-in. Every session of the user ends."""
    check_new_password(password, username)
    password_hash = hash_password(password)
    now = runtime.clock.now()
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        user = _managed_user(session, manager, username, "set the password of")
        user.password_hash = password_hash
        user.must_change_password = manager.id != user.id
        revoke_user_sessions(session, user.id, now)
        record(session, AuditKind.PASSWORD_SET, at=now, actor=manager.username,
               subject=username)


def change_password(
    runtime: Runtime, username: str, *, current: str, new: str, address: str | None = None
) -> None:
    """A signed-in user changes their own password (the web page). Other sessions end."""
    check_new_password(new, username)
    with runtime.transaction() as session:
        user = find_user(session, username)
        stored = user.password_hash if user is not None and user.active else None
    ok, _ = verify(current, stored)
    if not ok or user is None:
        raise PermissionDenied(
            "permission denied: the current password is wrong", vi="Mật khẩu hiện tại không đúng"
        )
    if current == new:
        raise InvalidInput(
            "the new password must differ from the current one",
            vi="Mật khẩu mới phải khác mật khẩu hiện tại",
        )
    password_hash = hash_password(new)
    now = runtime.clock.now()
    with runtime.transaction() as session:
        fresh = get_user(session, username)
        fresh.password_hash = password_hash
        fresh.must_change_password = False
        revoke_user_sessions(session, fresh.id, now)
        record(session, AuditKind.PASSWORD_CHANGED, at=now, actor=username, subject=username,
               address=address)


def deactivate_user(runtime: Runtime, username: str, *, actor: str) -> None:
    """The user can do nothing from now on: sessions and tokens stop at once."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        user = _managed_user(session, manager, username, "deactivate")
        if user.id == manager.id:
            raise InvalidInput(
                "you cannot deactivate yourself; ask another admin",
                vi="Bạn không thể tự khóa tài khoản của mình; hãy nhờ một quản trị viên khác",
            )
        if not user.active:
            raise InvalidInput(
                f"user {username} is deactivated already",
                vi=f"Tài khoản {username} đã bị khóa từ trước",
            )
        user.active = False
        revoke_user_sessions(session, user.id, now)
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
        record(session, AuditKind.USER_DEACTIVATED, at=now, actor=manager.username,
               subject=username)


def list_users(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.transaction() as session:
        return [
            user_view(user)
            for user in session.scalars(
                select(User).where(User.role != Role.SYSTEM.value).order_by(User.username)
            )
        ]


def user_view(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "unit": user.unit_code,
        "producer_id": user.producer_id,
        "email": user.email,
        "language": user.language,
        "active": user.active,
        "has_password": user.password_hash is not None,
        "must_change_password": user.must_change_password,
    }


def user_province(session: Session, user: User) -> str | None:
    """The province an account belongs to, if any (through its unit or its producer)."""
    if user.unit_code is not None:
        return ancestry(session, get_unit(session, user.unit_code)).get(Level.PROVINCE)
    if user.producer_id is not None:
        commune = get_producer(session, user.producer_id).commune_code
        return ancestry(session, get_unit(session, commune)).get(Level.PROVINCE)
    return None


def _managed_user(session: Session, manager: User, username: str, action: str) -> User:
    user = get_user(session, username)
    if user.role == Role.SYSTEM.value:
        raise PermissionDenied(
            "permission denied: the system account is not managed by people",
            vi="Tài khoản hệ thống không do người quản lý",
        )
    if user.id != manager.id:
        _check_may_manage(
            manager, Role(user.role), user_province(session, user), f"{action} {username}"
        )
    return user


def _check_may_manage(manager: User, role: Role, province: str | None, action: str) -> None:
    manager_role = Role(manager.role)
    if manager_role is Role.ADMIN:
        return
    if manager_role is Role.PROVINCE_OFFICER:
        if role not in _PROVINCE_MAY_ADD:
            raise PermissionDenied(
                f"permission denied: {manager.username} (province_officer) may not {action}: "
                f"only an admin manages {role.value} accounts",
                vi=f"Tài khoản {manager.username} (Cán bộ cấp tỉnh) không được thực hiện thao tác này: chỉ "
                f"quản trị hệ thống quản lý tài khoản {label_of('role', role)}",
            )
        if province is not None and province != manager.unit_code:
            raise PermissionDenied(
                f"permission denied: {manager.username} serves province {manager.unit_code}, "
                f"not province {province}; they may not {action}",
                vi=f"Tài khoản {manager.username} phụ trách tỉnh {manager.unit_code}, không phải tỉnh "
                f"{province}; không được thực hiện thao tác này",
            )
        return
    raise PermissionDenied(
        f"permission denied: {manager.username} ({manager.role}) may not {action}; "
        "only an admin or a province officer manages accounts",
        vi=f"Tài khoản {manager.username} ({label_of('role', manager.role)}) không được thực hiện thao "
        "tác này; chỉ quản trị hệ thống hoặc cán bộ cấp tỉnh quản lý tài khoản",
    )


def _check_role_binding(
    session: Session, role: Role, unit_code: str | None, producer_id: int | None
) -> str | None:
    """Check the unit or producer an account is bound to; return its province."""
    province: str | None = None
    expected = _ROLE_UNIT_LEVEL.get(role)
    if expected is not None:
        if unit_code is None:
            raise InvalidInput(
                f"a {role.value} serves a {expected.value}: give --unit CODE",
                vi=f"Tài khoản {label_of('role', role)} phải gắn với một đơn vị {label_of('level', expected)}: "
                "hãy chọn đơn vị",
            )
        unit = get_unit(session, unit_code)
        if unit.level != expected.value:
            raise InvalidInput(
                f"a {role.value} serves a {expected.value}, but {unit_code} ({unit.name}) "
                f"is a {unit.level}",
                vi=f"Tài khoản {label_of('role', role)} phải gắn với một đơn vị {label_of('level', expected)}, "
                f"nhưng {unit_code} ({unit.name}) là đơn vị {label_of('level', unit.level)}",
            )
        province = ancestry(session, unit).get(Level.PROVINCE)
    elif unit_code is not None:
        raise InvalidInput(
            f"a {role.value} serves no unit; drop --unit",
            vi=f"Tài khoản {label_of('role', role)} không gắn với đơn vị nào; hãy bỏ chọn đơn vị",
        )
    if role is Role.PRODUCER:
        if producer_id is None:
            raise InvalidInput(
                "a producer account must name its producer: give --producer ID",
                vi="Tài khoản chủ thể sản xuất phải gắn với một chủ thể: hãy chọn chủ thể",
            )
        commune = get_producer(session, producer_id).commune_code
        province = ancestry(session, get_unit(session, commune)).get(Level.PROVINCE)
    elif producer_id is not None:
        raise InvalidInput(
            f"only producer accounts have --producer, not a {role.value}",
            vi=f"Chỉ tài khoản chủ thể sản xuất mới gắn với chủ thể, tài khoản {label_of('role', role)} thì "
            "không",
        )
    return province
