"""``ocop units convert --to 2025``: products, producers and users on legacy communes move
to the 2025 commune that now contains them.

The 2025 reform merged communes and abolished districts. ``vietnamadminunits`` knows,
for each legacy commune, the 2025 commune it went into; a legacy commune that was divided
among several has no single answer, so the whole conversion is refused and those communes
are listed (a person decides, e.g. by moving the products one by one). Each moved product
gets one history row naming the commune it left and the one it joined; its legacy
district is kept, so reports for the years before 2025 still group by district.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import AdminUnit, Producer, Product, User
from ocop_cycle.domain.vocabulary import Level, Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.units import province_units, upsert_units
from ocop_cycle.workflow.engine import append_history

LEGACY, NEW = "legacy", "2025"
TRIGGER = "convert_units"


@dataclass(frozen=True)
class Move:
    """Where one legacy commune went in 2025."""

    legacy_code: str
    legacy_name: str
    district_name: str
    new_code: str
    new_name: str
    province_code: str


@dataclass(frozen=True)
class Unmapped:
    """A legacy commune with no single 2025 commune, and why (in English and Vietnamese)."""

    place: str
    reason: str
    reason_vi: str


class ConversionRefused(InvalidInput):
    """Refused whole: the communes listed have no single 2025 commune (a page shows them
    as a table; the message lists them for the command line and the API)."""

    def __init__(self, unmapped: list[Unmapped]) -> None:
        super().__init__(
            f"{len(unmapped)} legacy commune(s) cannot be mapped to one 2025 commune; "
            "nothing was converted. Move what is registered there by hand first:\n"
            + "\n".join(f"  {item.place}: {item.reason}" for item in unmapped),
            vi=f"{len(unmapped)} xã trước 2025 không ứng với đúng một xã từ 2025; chưa chuyển "
            "gì. Hãy chuyển từng thứ đăng ký ở các xã này trước:\n"
            + "\n".join(f"  {item.place}: {item.reason_vi}" for item in unmapped),
        )
        self.unmapped = unmapped


def convert_to_2025(runtime: Runtime, *, actor: str, dry_run: bool = False) -> dict[str, Any]:
    """Move everything on legacy communes to their 2025 communes, in one unit of work."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        role = require_role(user, (Role.ADMIN,), "convert administrative units")
        products = list(session.scalars(_on_legacy(Product.commune_code, Product)))
        producers = list(session.scalars(_on_legacy(Producer.commune_code, Producer)))
        users = list(session.scalars(_on_legacy(User.unit_code, User)))
        codes = {p.commune_code for p in products} | {p.commune_code for p in producers}
        codes |= {u.unit_code for u in users if u.unit_code}
        moves, refused = plan_moves(session, codes)
        if refused:
            raise ConversionRefused(refused)
        district_users = session.scalars(
            select(User.username)
            .join(AdminUnit, AdminUnit.code == User.unit_code)
            .where(AdminUnit.scheme == LEGACY, AdminUnit.level == Level.DISTRICT.value)
            .order_by(User.username)
        )
        summary: dict[str, Any] = {
            "dry_run": dry_run,
            "products": len(products),
            "producers": len(producers),
            "users": len(users),
            # Districts were abolished: their officers need a new unit from an administrator.
            "users_left_on_districts": list(district_users),
            "communes": [
                {"from": {"code": m.legacy_code, "name": m.legacy_name,
                          "district": m.district_name},
                 "to": {"code": m.new_code, "name": m.new_name}}
                for m in sorted(moves.values(), key=lambda m: m.legacy_code)
            ],
        }
        if dry_run:
            return summary
        for province in sorted({m.province_code for m in moves.values()}):
            upsert_units(session, province_units(province, NEW), NEW)
        for product in products:
            move = moves[product.commune_code]
            # The legacy district stays: reports for the years before 2025 keep grouping
            # products by the district they were decided under.
            product.commune_code = move.new_code
            product.province_code = move.province_code
            product.updated_at = now
            session.flush()
            append_history(
                session, product, trigger=TRIGGER, from_state=product.state,
                actor=user.username, role=role.value, at=now,
                comment="Chuyển sang đơn vị hành chính 2025 / moved to the 2025 units",
                data={"from_commune": {"code": move.legacy_code, "name": move.legacy_name,
                                       "district": move.district_name},
                      "to_commune": {"code": move.new_code, "name": move.new_name}},
            )
        for producer in producers:
            producer.commune_code = moves[producer.commune_code].new_code
        for member in users:
            assert member.unit_code is not None
            member.unit_code = moves[member.unit_code].new_code
        return summary


def _on_legacy(column: Any, model: Any) -> Any:
    """Rows of ``model`` whose ``column`` names a legacy commune."""
    return (
        select(model)
        .join(AdminUnit, AdminUnit.code == column)
        .where(AdminUnit.scheme == LEGACY, AdminUnit.level == Level.COMMUNE.value)
        .order_by(model.id)
    )


def plan_moves(
    session: Session, codes: set[str]
) -> tuple[dict[str, Move], list[Unmapped]]:
    """Each legacy commune's 2025 commune, and the communes with no single answer."""
    # Imported here: the converter loads the package's unit data, which only this needs.
    from vietnamadminunits import convert_address
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
    )

    moves: dict[str, Move] = {}
    refused: list[Unmapped] = []
    for code in sorted(codes):
        commune = session.get(AdminUnit, code)
        district = session.get(AdminUnit, commune.parent_code) if commune else None
        province = session.get(AdminUnit, district.parent_code) if district else None
        if commune is None or district is None or province is None:
            refused.append(Unmapped(
                code, "not a legacy commune with its district and province",
                "không phải xã trước 2025 có huyện và tỉnh của nó",
            ))
            continue
        label = f"{code} {commune.name}, {district.name}, {province.name}"
        converted = convert_address(f"{commune.name}, {district.name}, {province.name}")
        old = converted.OldAdminUnit
        new_province = next(
            (key for key, old_keys in DICT_PROVINCE.items() if old.province_key in old_keys),
            None,
        )
        old_key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
        divided = DICT_PROVINCE_WARD_DIVIDED.get(new_province or "", {}).get(old_key)
        if old.ward_code != code:
            refused.append(Unmapped(
                label, "the unit list does not know this commune", "danh mục đơn vị không có xã này"
            ))
        elif divided:
            parts = ", ".join(sorted(str(ward["newWardKey"]) for ward in divided))
            refused.append(
                Unmapped(
                    label, f"divided in 2025 among {len(divided)} communes ({parts})",
                    f"năm 2025 được chia cho {len(divided)} xã ({parts})",
                )
            )
        elif not converted.ward_code:
            refused.append(Unmapped(label, "no 2025 commune found", "không tìm thấy xã từ 2025"))
        else:
            moves[code] = Move(code, commune.name, district.name, converted.ward_code,
                               converted.ward, converted.province_code)
    return moves, refused
