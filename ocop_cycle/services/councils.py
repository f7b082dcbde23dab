"""Setting up evaluation councils: a level, a unit, a chair and members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import (
    AdminUnit,
    Council,
    CouncilMember,
    Evaluation,
    Product,
    Round,
    ScoreSheet,
    SheetDraft,
    User,
)
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.unit_names import in_sentence
from ocop_cycle.domain.vocabulary import Level, Role, parse_choice
from ocop_cycle.errors import InvalidInput, NotFound, PermissionDenied
from ocop_cycle.identity.actors import acting_user, require_over_unit, require_role
from ocop_cycle.identity.audit import AuditKind, record
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_unit, get_user
from ocop_cycle.services.views import unit_ref
from ocop_cycle.workflow.evaluations import MEMBER_SHEET, OPEN, council_members, current_council

# Councils sit at these levels (Decision 148; the commune has none).
COUNCIL_LEVELS = (Level.DISTRICT, Level.PROVINCE, Level.CENTRAL)
_DEFAULT_NAME = {
    Level.DISTRICT: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp huyện",
    Level.PROVINCE: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp tỉnh",
    Level.CENTRAL: "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp Trung ương",
}


def default_name(level: Level, unit_name: str) -> str:
    """ "… OCOP huyện Mộ Đức": the unit's own prefix replaces "cấp huyện", once."""
    if not unit_name:
        return _DEFAULT_NAME[level]
    base, _, level_word = _DEFAULT_NAME[level].rpartition(" cấp ")
    return f"{base} {in_sentence(unit_name, level_word)}"


def create_council(
    runtime: Runtime,
    *,
    actor: str,
    level: str,
    unit_code: str | None,
    chair: str,
    members: list[str],
    name: str | None = None,
) -> dict[str, Any]:
    """Set up a council; it becomes the current council of its level and unit.

    Members are distinct, at least the workflow files' ``min_members``, the chair among
    them; the council is set up by an officer of its level or the level above (or an
    admin), never by one of its own members, and the act is audited.
    """
    try:
        council_level = parse_choice(Level, level, "council level")
    except ValueError as exc:
        raise InvalidInput(
            str(exc),
            vi=f"Cấp hội đồng {level!r} không hợp lệ; hãy chọn cấp huyện, cấp tỉnh hoặc Trung ương",
        ) from None
    if council_level not in COUNCIL_LEVELS:
        allowed = ", ".join(item.value for item in COUNCIL_LEVELS)
        raise InvalidInput(
            f"councils sit at {allowed} level, not {council_level.value}",
            vi=f"Hội đồng chỉ được thành lập ở {', '.join(label_of('level', item) for item in COUNCIL_LEVELS)}"
            f", không ở {label_of('level', council_level)}",
        )
    usernames = _member_names(runtime, chair, members)
    title = inputs.single_line(name, "council name") if name else None
    now = runtime.clock.now()
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        unit_name = _check_unit(session, council_level, unit_code)
        _check_may_set_up(session, manager, council_level, unit_code)
        if manager.username in usernames:
            raise PermissionDenied(
                f"permission denied: {manager.username} may not set up a council they sit on",
                vi=f"Tài khoản {manager.username} không được thành lập hội đồng mà mình là thành viên",
            )
        users = _council_members_named(session, usernames)
        council = Council(
            name=title or default_name(council_level, unit_name),
            level=council_level.value,
            unit_code=unit_code,
            chair_id=users[0].id,
            active=True,
            created_at=now,
        )
        session.add(council)
        session.flush()
        session.add_all(CouncilMember(council_id=council.id, user_id=user.id) for user in users)
        session.flush()
        record(
            session,
            AuditKind.COUNCIL_CREATED,
            at=now,
            actor=manager.username,
            subject=f"council {council.id}",
            level=council_level.value,
            unit=unit_code,
            chair=chair,
            members=usernames,
        )
        return council_view(session, council)


def _member_names(runtime: Runtime, chair: str, members: list[str]) -> list[str]:
    """The chair first, then the other members; duplicates and too few are refused."""
    listed = [member.strip() for member in members if member.strip()]
    repeated = sorted({member for member in listed if listed.count(member) > 1})
    if repeated:
        raise InvalidInput(
            f"{', '.join(repeated)} listed more than once in --members; name each member once",
            vi=f"Thành viên {', '.join(repeated)} được ghi nhiều lần; mỗi thành viên chỉ ghi một lần",
        )
    chair = chair.strip()
    if chair not in listed:
        raise InvalidInput(
            f"the chair {chair} must be one of the members: add them to --members",
            vi=f"Chủ tịch hội đồng {chair} phải là một trong các thành viên: hãy thêm vào danh sách thành viên",
        )
    required = max(
        (
            compiled.definition.scoring.council.min_members
            for compiled in runtime.workflows.all()
            if compiled.definition.scoring.council is not None
        ),
        default=3,
    )
    if len(listed) < required:
        raise InvalidInput(
            f"a council has at least {required} members (the workflow files' min_members); "
            f"{len(listed)} given",
            vi=f"Hội đồng phải có ít nhất {required} thành viên; mới có {len(listed)}",
        )
    return [chair, *(member for member in listed if member != chair)]


def _check_may_set_up(session: Session, user: User, level: Level, unit_code: str | None) -> None:
    """An admin anywhere; a central officer for the central council; an officer of the
    council's level or the level above for a district or provincial council."""
    action = f"set up a {level.value} council"
    if level is Level.CENTRAL:
        require_role(user, (Role.ADMIN, Role.CENTRAL_OFFICER), action)
        return
    assert unit_code is not None
    require_role(
        user,
        (Role.ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER),
        action,
    )
    require_over_unit(session, user, unit_code, action)


def show_council(runtime: Runtime, council_id: int) -> dict[str, Any]:
    with runtime.reading() as session:
        return council_view(session, get_council(session, council_id))


def list_councils(runtime: Runtime) -> list[dict[str, Any]]:
    """Every council, for the command line (run by whoever runs the system)."""
    with runtime.reading() as session:
        return [
            council_view(session, council)
            for council in session.scalars(select(Council).order_by(Council.id))
        ]


def councils_seen_by(runtime: Runtime, viewer: str) -> list[dict[str, Any]]:
    """The councils ``viewer`` may see, by the rule of the councils page: a council member
    those they sit on, an officer those of their jurisdiction (all for an admin or a
    central officer); anyone else is refused."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        _require_council_viewer(user)
        return [
            council_view(session, council)
            for council in session.scalars(_seen_by(user).order_by(Council.id))
        ]


def council_seen_by(runtime: Runtime, viewer: str, council_id: int) -> dict[str, Any]:
    """One council by the rule of :func:`councils_seen_by`; one the viewer may not see is
    not found, so its existence does not show."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        _require_council_viewer(user)
        council = session.scalar(_seen_by(user).where(Council.id == council_id))
        if council is None:
            raise NotFound(
                f"no council with id {council_id}; see 'ocop council list'",
                vi=f"Không tìm thấy hội đồng số {council_id}",
            )
        return council_view(session, council)


def get_council(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(
            f"no council with id {council_id}; see 'ocop council list'",
            vi=f"Không tìm thấy hội đồng số {council_id}",
        )
    return council


def council_view(session: Session, council: Council) -> dict[str, Any]:
    members = council_members(session, council)
    chair = next(member for member in members if member.id == council.chair_id)
    return {
        "id": council.id,
        "name": council.name,
        "level": council.level,
        "unit": unit_ref(session, council.unit_code),
        "chair": chair.username,
        "members": [
            {"username": member.username, "name": member.display_name} for member in members
        ],
        "active": council.active,
        "created_at": council.created_at.isoformat(),
    }


def _check_unit(session: Session, level: Level, unit_code: str | None) -> str:
    if level is Level.CENTRAL:
        if unit_code is not None:
            raise InvalidInput(
                "the central council serves the whole country: drop --unit",
                vi="Hội đồng Trung ương phụ trách toàn quốc: không chọn đơn vị",
            )
        return ""
    if unit_code is None:
        raise InvalidInput(
            f"a {level.value} council serves one {level.value}: give --unit CODE",
            vi=f"Hội đồng {label_of('level', level)} phụ trách một đơn vị {label_of('level', level)}: "
            "hãy chọn đơn vị",
        )
    unit = get_unit(session, unit_code)
    if unit.level != level.value:
        raise InvalidInput(
            f"a {level.value} council serves a {level.value}, but {unit_code} ({unit.name}) "
            f"is a {unit.level}",
            vi=f"Hội đồng {label_of('level', level)} phụ trách một đơn vị {label_of('level', level)}, "
            f"nhưng {unit_code} ({unit.name}) là đơn vị {label_of('level', unit.level)}",
        )
    return unit.name


def change_council(
    runtime: Runtime, council_id: int, *, actor: str, chair: str, members: list[str]
) -> dict[str, Any]:
    """New members and chair for a council, under the rules of ``create_council``: who
    may set it up may change it, never one of its (old or new) members; audited."""
    usernames = _member_names(runtime, chair, members)
    now = runtime.clock.now()
    with runtime.transaction() as session:
        manager = acting_user(session, actor)
        council = _council_in_reach(session, manager, council_id)
        _check_may_set_up(session, manager, Level(council.level), council.unit_code)
        before = [member.username for member in council_members(session, council)]
        if manager.username in {*usernames, *before}:
            raise PermissionDenied(
                f"permission denied: {manager.username} may not change a council they sit on",
                vi=f"Tài khoản {manager.username} không được thay đổi hội đồng mà mình là thành viên",
            )
        users = _council_members_named(session, usernames)
        session.execute(delete(CouncilMember).where(CouncilMember.council_id == council.id))
        session.add_all(CouncilMember(council_id=council.id, user_id=user.id) for user in users)
        council.chair_id = users[0].id
        session.flush()
        record(
            session,
            AuditKind.COUNCIL_CHANGED,
            at=now,
            actor=manager.username,
            subject=f"council {council.id}",
            chair=chair.strip(),
            members=usernames,
            before=before,
        )
        return council_view(session, council)


def councils_for(runtime: Runtime, viewer: str) -> list[dict[str, Any]]:
    """The councils an officer looks after (their unit's and those of the units under
    it; all for an admin or a central officer), each with its open evaluations."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        _require_council_manager(user)
        statement = _seen_by(user).order_by(Council.level, Council.unit_code, Council.id)
        return [_with_open_work(session, council) for council in session.scalars(statement)]


def sits_on(runtime: Runtime, viewer: str) -> list[dict[str, Any]] | None:
    """The councils a council member sits on, active first, each with the products it
    evaluates now (round, state) and where the member's own sheet stands: submitted, a
    draft in progress, or missing. None for anyone else: officers see the councils they
    look after (``councils_for``)."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        if user.role != Role.COUNCIL_MEMBER.value:
            return None
        seated = session.scalars(
            _seen_by(user).order_by(
                Council.active.desc(), Council.level, Council.unit_code, Council.id
            )
        )
        return [
            {**council_view(session, council), "evaluating": _evaluating(runtime, session, council, user)}
            for council in seated
        ]


def _evaluating(
    runtime: Runtime, session: Session, council: Council, user: User
) -> list[dict[str, Any]]:
    """The council's open evaluations with the member's sheet status. An evaluation is
    bound to its council at the first sheet when none sat at its opening: the current
    council of its level and unit evaluates it too, or no member would find it."""
    bound = Evaluation.council_id == council.id
    if council.active and current_council(session, council.level, council.unit_code) is council:
        unit = (
            Evaluation.unit_code.is_(None)
            if council.unit_code is None
            else Evaluation.unit_code == council.unit_code
        )
        bound = or_(bound, and_(Evaluation.council_id.is_(None),
                                Evaluation.level == council.level, unit))
    submitted = exists().where(
        ScoreSheet.evaluation_id == Evaluation.id,
        ScoreSheet.user_id == user.id,
        ScoreSheet.kind == MEMBER_SHEET,
    )
    drafted = exists().where(
        SheetDraft.evaluation_id == Evaluation.id, SheetDraft.user_id == user.id
    )
    rows = session.execute(
        select(Product, Round, submitted, drafted)
        .join(Evaluation, Evaluation.product_id == Product.id)
        .outerjoin(Round, Round.id == Product.round_id)
        .where(bound, Evaluation.status == OPEN)
        .order_by(Product.id)
    )
    evaluating = []
    for product, round_, has_sheet, has_draft in rows:
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        evaluating.append({
            "product_id": product.id,
            "name": product.name,
            "round": {"year": round_.year, "number": round_.number} if round_ else None,
            "state": product.state,
            "state_label": {
                language: definition.state_label(product.state, language)
                for language in ("vi", "en")
            },
            # A member editing a submitted sheet has both: it still counts as submitted.
            "my_sheet": "submitted" if has_sheet else "draft" if has_draft else "missing",
        })
    return evaluating


def council_for(runtime: Runtime, viewer: str, council_id: int) -> dict[str, Any]:
    """One council the viewer looks after; outside their jurisdiction it is not found."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        _require_council_manager(user)
        return _with_open_work(session, _council_in_reach(session, user, council_id))


def member_candidates(runtime: Runtime, viewer: str) -> list[dict[str, str]]:
    """The accounts an officer may seat on a council: every active council member's, since
    that role serves no unit (IDENTITY refuses one); only the name and username show."""
    with runtime.reading() as session:
        _require_council_manager(get_user(session, viewer))
        statement = (
            select(User)
            .where(User.role == Role.COUNCIL_MEMBER.value, User.active.is_(True))
            .order_by(User.username)
        )
        return [
            {"username": member.username, "name": member.display_name}
            for member in session.scalars(statement)
        ]


def council_units(runtime: Runtime, viewer: str) -> list[dict[str, str]]:
    """The districts and provinces whose council the viewer may set up (all for an admin
    or a central officer), with their level."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        _require_council_manager(user)
        statement = (
            select(AdminUnit)
            .where(AdminUnit.level.in_([Level.DISTRICT.value, Level.PROVINCE.value]))
            .order_by(AdminUnit.code)
        )
        reach = _units_in_reach(user)
        if reach is not None:
            statement = statement.where(AdminUnit.code.in_(reach))
        return [
            {"code": unit.code, "name": unit.name, "level": unit.level}
            for unit in session.scalars(statement)
        ]


_MANAGERS = (Role.ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER)


def _require_council_manager(user: User) -> None:
    require_role(user, _MANAGERS, "manage councils")


def _require_council_viewer(user: User) -> None:
    """Council members see the councils they sit on; otherwise only their managers."""
    if user.role != Role.COUNCIL_MEMBER.value:
        _require_council_manager(user)


def _units_in_reach(user: User) -> Any:
    """The unit codes an officer's councils and members come from; None means anywhere."""
    if Role(user.role) in (Role.ADMIN, Role.CENTRAL_OFFICER):
        return None
    children = select(AdminUnit.code).where(AdminUnit.parent_code == user.unit_code)
    grandchildren = select(AdminUnit.code).where(AdminUnit.parent_code.in_(children))
    own = select(AdminUnit.code).where(AdminUnit.code == user.unit_code)
    return own.union(children, grandchildren)


def _seen_by(user: User) -> Select[Council]:
    """The councils a council member sits on, or those of an officer's units in reach."""
    statement = select(Council)
    if user.role == Role.COUNCIL_MEMBER.value:
        return statement.join(CouncilMember, CouncilMember.council_id == Council.id).where(
            CouncilMember.user_id == user.id
        )
    reach = _units_in_reach(user)
    return statement if reach is None else statement.where(Council.unit_code.in_(reach))


def _council_in_reach(session: Session, user: User, council_id: int) -> Council:
    council = get_council(session, council_id)
    reach = _units_in_reach(user)
    if reach is not None and council.unit_code not in set(session.scalars(reach)):
        raise NotFound(
            f"no council with id {council_id}; see 'ocop council list'",
            vi=f"Không tìm thấy hội đồng số {council_id}",
        )
    return council


def _council_members_named(session: Session, usernames: list[str]) -> list[User]:
    users = [get_user(session, username) for username in usernames]
    wrong = [
        f"{user.username} ({user.role})"
        for user in users
        if user.role != Role.COUNCIL_MEMBER.value or not user.active
    ]
    if wrong:
        raise InvalidInput(
            f"council members must be active users with the role council_member: "
            f"{', '.join(wrong)} are not; add them with 'ocop user add NAME --role "
            "council_member'",
            vi=f"Thành viên hội đồng phải là tài khoản đang hoạt động có vai trò Thành viên hội đồng: "
            f"{', '.join(wrong)} không đáp ứng",
        )
    return users


def _with_open_work(session: Session, council: Council) -> dict[str, Any]:
    """The council's view with how many evaluations it holds open, in how many rounds."""
    open_rows = session.execute(
        select(func.count(Evaluation.id), func.count(func.distinct(Product.round_id)))
        .join(Product, Product.id == Evaluation.product_id)
        .where(Evaluation.council_id == council.id, Evaluation.status == OPEN)
    ).one()
    return {
        **council_view(session, council),
        "open_evaluations": open_rows[0],
        "open_rounds": open_rows[1],
    }
