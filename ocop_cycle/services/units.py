"""Administrative units from the ``vietnamadminunits`` package (legacy and 2025 lists)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from ocop_cycle.db.models import AdminUnit, Producer, Product, User
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.runtime import Runtime

SCHEMES = ("legacy", "2025")


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    level: Level
    parent_code: str | None


def province_units(province_code: str, scheme: str) -> list[UnitRow]:
    """The province, its districts (legacy only) and its communes, parents first."""
    if scheme not in SCHEMES:
        raise InvalidInput(
            f"unknown scheme {scheme!r}; use legacy or 2025",
            vi=f"Hệ thống đơn vị hành chính {scheme!r} không hợp lệ; hãy chọn legacy (địa giới cũ) hoặc "
            "2025",
        )
    if not province_code.isdigit():
        raise InvalidInput(
            f"province code {province_code!r} must be digits, e.g. 51",
            vi=f"Mã tỉnh {province_code!r} phải là chữ số, ví dụ 51",
        )
    table = "admin_units_legacy" if scheme == "legacy" else "admin_units"
    columns = "province, provinceCode, ward, wardCode" + (
        ", district, districtCode" if scheme == "legacy" else ""
    )
    # Imported here: the unit lists pull in numpy and shapely, which only loading needs.
    from vietnamadminunits.database import query

    records = query(
        f"SELECT DISTINCT {columns} FROM [{table}] WHERE provinceCode = '{province_code}'"
    )
    if not records:
        raise InvalidInput(
            f"no province with code {province_code!r} in the {scheme} list of "
            "vietnamadminunits (Quảng Ngãi is 51)",
            vi=f"Không có tỉnh nào mã {province_code!r} trong danh mục {scheme} (Quảng Ngãi là 51)",
        )
    first = records[0]
    rows = {province_code: UnitRow(province_code, first["province"], Level.PROVINCE, None)}
    for record in records:
        parent = province_code
        if scheme == "legacy":
            parent = record["districtCode"]
            rows.setdefault(
                parent, UnitRow(parent, record["district"], Level.DISTRICT, province_code)
            )
        if not record["wardCode"]:
            continue  # a district listed without communes in the package's data
        rows[record["wardCode"]] = UnitRow(
            record["wardCode"], record["ward"], Level.COMMUNE, parent
        )
    return list(rows.values())


def load_province(
    runtime: Runtime, province_code: str, scheme: str = "legacy", *, actor: str | None = None
) -> dict[str, int]:
    """Insert or update a province's units; returns how many of each level were loaded.

    Interfaces pass the ``actor`` asking (an admin); ``None`` is for setting up a database
    in code (the demo, test and benchmark fixtures), never for a person's request.
    """
    rows = province_units(province_code, scheme)
    with runtime.transaction() as session:
        if actor is not None:
            require_role(acting_user(session, actor), (Role.ADMIN,), "load units")
            _refuse_overwriting_units_in_use(session, rows, scheme)
        return upsert_units(session, rows, scheme)


def upsert_units(session: Session, rows: list[UnitRow], scheme: str) -> dict[str, int]:
    """Insert or update ``rows`` (parents first); how many of each level were written."""
    counts = {level.value: 0 for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)}
    existing = {
        unit.code: unit
        for unit in session.scalars(
            select(AdminUnit).where(AdminUnit.code.in_([row.code for row in rows]))
        )
    }
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            unit = AdminUnit(code=row.code)
            session.add(unit)
        unit.name, unit.level, unit.parent_code = row.name, row.level.value, row.parent_code
        unit.scheme = scheme
        counts[row.level.value] += 1
        # Parents are listed first; flush so a child's foreign key finds its parent.
        if row.level is not Level.COMMUNE:
            session.flush()
    return counts


def _refuse_overwriting_units_in_use(session: Session, rows: list[UnitRow], scheme: str) -> None:
    """The two lists reuse commune codes for different places (21400 is Thị trấn Mộ Đức
    before 2025, Xã Mộ Đức after): never rename a commune that products still name."""
    names = {row.code: row.name for row in rows if row.level is Level.COMMUNE}
    clashing = list(
        session.scalars(
            select(AdminUnit).where(
                AdminUnit.code.in_(names),
                AdminUnit.scheme != scheme,
                AdminUnit.level == Level.COMMUNE.value,
                or_(
                    exists().where(Product.commune_code == AdminUnit.code),
                    exists().where(Producer.commune_code == AdminUnit.code),
                    exists().where(User.unit_code == AdminUnit.code),
                ),
            )
        )
    )
    if clashing:
        listed = "; ".join(
            f"{unit.code} is {unit.name} ({unit.scheme}), {names[unit.code]} ({scheme})"
            for unit in clashing[:10]
        )
        raise InvalidInput(
            f"{len(clashing)} commune code(s) in use name another place in the {scheme} list: "
            f"{listed}. Move what is registered there first: ocop units convert --to 2025",
            vi=f"{len(clashing)} mã xã đang dùng lại trùng với địa danh khác trong danh mục {scheme}: "
            f"{listed}. Hãy chuyển dữ liệu đã đăng ký ở đó sang địa giới năm 2025 trước",
        )


def list_units(runtime: Runtime, parent_code: str | None = None) -> list[AdminUnit]:
    with runtime.reading() as session:
        statement = select(AdminUnit).order_by(AdminUnit.code)
        if parent_code is not None:
            statement = statement.where(AdminUnit.parent_code == parent_code)
        return list(session.scalars(statement))


def ancestry(session: Session, unit: AdminUnit) -> dict[Level, str]:
    """Codes of the unit and of the units above it, by level."""
    found: dict[Level, str] = {}
    current: AdminUnit | None = unit
    while current is not None:
        found[Level(current.level)] = current.code
        current = session.get(AdminUnit, current.parent_code) if current.parent_code else None
    return found


def units_overview(runtime: Runtime, viewer: str) -> list[dict[str, Any]]:
    """The provinces loaded with how many districts and communes of each list they hold:
    every province for an admin, their own for a province officer."""
    with runtime.reading() as session:
        province = _viewer_province(session, viewer)
        provinces = select(AdminUnit).where(AdminUnit.level == Level.PROVINCE.value)
        if province is not None:
            provinces = provinces.where(AdminUnit.code == province)
        district = aliased(AdminUnit)
        counted = session.execute(
            select(
                func.coalesce(district.parent_code, AdminUnit.parent_code).label("province"),
                AdminUnit.level,
                AdminUnit.scheme,
                func.count(),
            )
            .outerjoin(
                district,
                (district.code == AdminUnit.parent_code)
                & (district.level == Level.DISTRICT.value),
            )
            .where(AdminUnit.level != Level.PROVINCE.value)
            .group_by("province", AdminUnit.level, AdminUnit.scheme)
        ).all()
        counts: dict[str, dict[str, int]] = {}
        for code, level, scheme, count in counted:
            key = "districts" if level == Level.DISTRICT.value else f"communes_{scheme}"
            counts.setdefault(code, {})[key] = count
        return [
            {
                "code": unit.code,
                "name": unit.name,
                "districts": counts.get(unit.code, {}).get("districts", 0),
                "communes_legacy": counts.get(unit.code, {}).get("communes_legacy", 0),
                "communes_2025": counts.get(unit.code, {}).get("communes_2025", 0),
            }
            for unit in session.scalars(provinces.order_by(AdminUnit.code))
        ]


def find_units(
    runtime: Runtime, viewer: str, text: str, *, limit: int = 50
) -> list[dict[str, Any]]:
    """Units whose code is ``text`` or whose name contains it, in the viewer's province
    (all for an admin), with the unit they belong to."""
    words = text.strip()
    if not words:
        return []
    with runtime.reading() as session:
        province = _viewer_province(session, viewer)
        parent = aliased(AdminUnit)
        statement = (
            select(AdminUnit, parent.name)
            .outerjoin(parent, parent.code == AdminUnit.parent_code)
            .where(
                or_(
                    AdminUnit.code == words,
                    AdminUnit.name.contains(words),
                    # SQLite lowers ASCII letters only; PostgreSQL lowers "Đ" too.
                    func.lower(AdminUnit.name).contains(words.lower()),
                )
            )
            .order_by(AdminUnit.code)
            .limit(limit)
        )
        if province is not None:
            under = select(AdminUnit.code).where(AdminUnit.parent_code == province)
            statement = statement.where(
                or_(
                    AdminUnit.code == province,
                    AdminUnit.parent_code == province,
                    AdminUnit.parent_code.in_(under),
                )
            )
        return [
            {"code": unit.code, "name": unit.name, "level": unit.level, "scheme": unit.scheme,
             "parent": parent_name}
            for unit, parent_name in session.execute(statement)
        ]


def _viewer_province(session: Session, viewer: str) -> str | None:
    """None for an admin (every province); a province officer's own province."""
    user = acting_user(session, viewer)
    role = require_role(user, (Role.ADMIN, Role.PROVINCE_OFFICER), "see the administrative units")
    return None if role is Role.ADMIN else user.unit_code
