"""Councils, members and scoresheets for the scoring and certificate tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ocop_cycle.db.models import Certificate, Product
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, scoring
from tests.conftest import ADMIN, World

# The ocop-148 sections in order, with their maxima (workflows/criteria/ocop-148.yaml).
SECTIONS_148 = {"A1": 15, "A2": 15, "A3": 10, "B1": 15, "B2": 10, "C1": 15, "C2": 15, "C3": 5}
DISTRICT_MEMBERS = ["hd.huyen1", "hd.huyen2", "hd.huyen3", "hd.huyen4"]
PROVINCE_MEMBERS = ["hd.tinh1", "hd.tinh2", "hd.tinh3", "hd.tinh4"]
CENTRAL_MEMBERS = ["hd.tw1", "hd.tw2", "hd.tw3"]
# The council of another district (Thành phố Quảng Ngãi).
OTHER_MEMBERS = ["hd.huyen.khac", "hd.huyen.khac2", "hd.huyen.khac3"]


def sections_for(total: str | Decimal) -> dict[str, str]:
    """A sheet adding up to ``total``: sections filled in order up to their maxima."""
    left = Decimal(str(total))
    sheet = {}
    for code, maximum in SECTIONS_148.items():
        points = min(left, Decimal(maximum))
        sheet[code] = str(points)
        left -= points
    assert left == 0, f"{total} is more than 100"
    return sheet


def seat_councils(runtime: Runtime, world: World) -> dict[str, int]:
    """A district council of Mộ Đức, a provincial council of Quảng Ngãi and the central one."""
    for username in DISTRICT_MEMBERS + PROVINCE_MEMBERS + CENTRAL_MEMBERS + OTHER_MEMBERS:
        add_user(runtime, username, actor=ADMIN, role="council_member",
                 name=f"Thành viên {username}")
    ids = {
        "district": councils.create_council(
            runtime, actor=ADMIN, level="district", unit_code=world.district,
            chair=DISTRICT_MEMBERS[0],
            members=DISTRICT_MEMBERS,
        )["id"],
        "other_district": councils.create_council(
            runtime, actor=ADMIN, level="district", unit_code=world.other_district,
            chair=OTHER_MEMBERS[0], members=OTHER_MEMBERS,
        )["id"],
        "province": councils.create_council(
            runtime, actor=ADMIN, level="province", unit_code=world.province,
            chair=PROVINCE_MEMBERS[0],
            members=PROVINCE_MEMBERS,
        )["id"],
        "central": councils.create_council(
            runtime, actor=ADMIN, level="central", unit_code=None, chair=CENTRAL_MEMBERS[0],
            members=CENTRAL_MEMBERS,
        )["id"],
    }
    return ids


def score(runtime: Runtime, product_id: int, totals: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    """Each named member submits a sheet with the given total."""
    view: dict[str, Any] = {}
    for member, total in totals.items():
        view = scoring.submit_sheet(
            runtime, product_id, actor=member, sections=sections_for(total), **kwargs
        )
    return view


def consistent(runtime: Runtime) -> None:
    """The product's state and its certificates' statuses never contradict each other."""
    with runtime.transaction() as session:
        for product in session.scalars(select(Product)):
            active = session.scalar(
                select(func.count()).select_from(Certificate).where(
                    Certificate.product_id == product.id, Certificate.status == "active"
                )
            )
            assert active in (0, 1), f"product {product.id} has {active} active certificates"
            if product.state in ("certified", "renewal_due"):
                assert active == 1, f"product {product.id} is {product.state} without a certificate"
            if product.state in ("expired", "revoked", "idea_registered", "withdrawn"):
                assert active == 0, f"product {product.id} is {product.state} with an active one"


def snapshot(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refusal changed nothing."""
    from ocop_cycle.db import tables

    with runtime.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table))]
            for table in tables.load_all().sorted_tables
        }
