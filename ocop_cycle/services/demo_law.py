"""The law in force part of ``ocop demo``: Decision 26/2026/QĐ-TTg in the new Quảng Ngãi.

Expects the demo province built by ``services.demo`` (its administrator, province and
central officers, and 148 products with certificates). It loads the 2025 units (no
districts; Quảng Ngãi merged with Kon Tum), adds officers and producers in 2025 communes,
takes a product to every state of ``ocop-26-2026`` in two provincial rounds and one
central round, moves the running 148 products to 26/2026 by the shipped map (filed
dossiers stay), then shows a re-rating filed inside its window, one refused outside it,
a revocation on its ground and a failed inspection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ocop_cycle.clock import Clock, local_instant
from ocop_cycle.db.models import Certificate, Product, User
from ocop_cycle.errors import GuardFailed
from ocop_cycle.identity import accounts
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.runner import tick
from ocop_cycle.services import people, units
from ocop_cycle.services.demo import TODAY
from ocop_cycle.services.inspections import record_inspection, revoke_certificate
from ocop_cycle.services.migration import migrate
from ocop_cycle.services.products import fire, record_product_set, register_product
from ocop_cycle.services.rounds import list_rounds
from ocop_cycle.services.unit_conversion import convert_to_2025

WORKFLOW = "ocop-26-2026"
ADMIN = "admin1"
PASSWORD = "ocop-demo-2026"  # the demo sandbox's shared password (services.demo)
PROVINCE_OFFICER, CENTRAL_OFFICER = "province1", "central1"
# Appendix II's set of the demo's moved garlic and shallots: "Gia vị khác (muối, hành, tỏi…)".
SPICES = 10


@dataclass(frozen=True)
class Commune2025:
    officer: str
    code: str
    producer: str
    producer_account: str


COMMUNES = [
    Commune2025("xa_nghialo", "21028", "HTX Tỏi Nghĩa Lộ", "chuthe_nghialo"),
    Commune2025("xa_camthanh", "21025", "Công ty TNHH Mạch nha Cẩm Thành", "chuthe_camthanh"),
]
FORWARD = {
    "origin_report": "Báo cáo Mẫu 03 của UBND xã",
    "request_letter": "Tờ trình đề nghị đánh giá của UBND xã",
    "local_materials": "Nguyên liệu trồng tại địa phương",
    "local_labour": "Sử dụng lao động địa phương",
    "idea_origin": "Ý tưởng của chủ thể tại địa phương",
    "local_identity": "Đặc sản gắn với địa danh",
}
REVIEW = {"advisory_report": "Báo cáo của Tổ tư vấn", "site_visit": "Khảo sát thực tế"}
Step = tuple[str, str, dict[str, Any]]  # trigger, role, options
_DOSSIER: list[Step] = [
    ("approve_idea", "commune", {}),
    ("submit_plan", "producer", {}),
    ("approve_plan", "commune", {}),
    ("submit_dossier", "producer", {}),
]
_COUNCIL: list[Step] = [
    *_DOSSIER,
    ("forward_dossier", "commune", {"data": FORWARD}),
    ("accept_dossier", "province", {}),
    ("complete_review", "province", {"data": REVIEW}),
]
_CENTRAL: list[Step] = [
    *_COUNCIL,
    ("close_evaluation", "province", {"data": {"score": "92.5", "minutes": "BB HĐ tỉnh"}}),
    ("forward_to_ministry", "province", {"data": {"decision_number": "12/QĐ-UBND"}}),
    ("accept_dossier", "central", {}),
    ("complete_review", "central", {"data": {"advisory_report": "Báo cáo Tổ tư vấn TW"}}),
]
_DECIDE = ("issue_certificate", "province", {"decision": True})
_DECIDE_5 = ("issue_certificate", "central", {"decision": True})
_SCORE = {"minutes": "Biên bản họp Hội đồng"}
# product, product set (Appendix II), commune index, steps to its state
PRODUCTS: list[tuple[str, int, int, list[Step]]] = [
    ("Gạo hữu cơ Nghĩa Lộ", 6, 0, []),
    (
        "Nấm linh chi Nghĩa Lộ",
        13,
        0,
        [("return_idea", "commune", {"comment": "Bổ sung vùng trồng"})],
    ),
    (
        "Bánh kẹo công nghiệp",
        9,
        0,
        [("reject_idea", "commune", {"comment": "Không có nguồn gốc địa phương"})],
    ),
    ("Rau mầm Nghĩa Lộ", 1, 0, _DOSSIER[:1]),
    ("Trà thảo mộc Nghĩa Lộ", 14, 0, _DOSSIER[:2]),
    ("Cà phê Măng Đen", 15, 1, _DOSSIER[:3]),
    ("Mật ong Cẩm Thành", 12, 1, _DOSSIER),
    (
        "Nước mắm Cẩm Thành",
        10,
        1,
        [*_DOSSIER, ("return_dossier", "commune", {"comment": "Thiếu Mẫu 02"})],
    ),
    ("Mạch nha Cẩm Thành", 8, 1, _COUNCIL[:5]),
    ("Đường phổi Cẩm Thành", 8, 1, _COUNCIL[:6]),
    ("Tỏi đen Nghĩa Lộ", 7, 0, _COUNCIL),
    (
        "Bánh tráng Nghĩa Lộ",
        9,
        0,
        [*_COUNCIL, ("close_evaluation", "province", {"data": {"score": "44", **_SCORE}})],
    ),
    (
        "Quế Trà Bồng",
        18,
        1,
        [*_COUNCIL, ("close_evaluation", "province", {"data": {"score": "68.5", **_SCORE}})],
    ),
    ("Sâm Ngọc Linh tươi", 17, 0, _CENTRAL[:8]),
    ("Sâm Ngọc Linh ngâm", 17, 0, _CENTRAL[:9]),
    ("Cao sâm Ngọc Linh", 17, 0, _CENTRAL[:10]),
    ("Trà sâm Ngọc Linh", 17, 0, _CENTRAL),
    (
        "Rượu sâm Ngọc Linh",
        17,
        0,
        [*_CENTRAL, ("close_evaluation", "central", {"data": {"score": "93", **_SCORE}})],
    ),
    (
        "Viên sâm Ngọc Linh",
        17,
        0,
        [*_CENTRAL, ("close_evaluation", "central", {"data": {"score": "86", **_SCORE}})],
    ),
    (
        "Tỏi Lý Sơn",
        7,
        0,
        [*_COUNCIL, ("close_evaluation", "province", {"data": {"score": "81", **_SCORE}}), _DECIDE],
    ),
    (
        "Muối Sa Huỳnh",
        10,
        1,
        [*_COUNCIL, ("close_evaluation", "province", {"data": {"score": "62", **_SCORE}}), _DECIDE],
    ),
    (
        "Mứt gừng Cẩm Thành",
        9,
        1,
        [*_COUNCIL, ("close_evaluation", "province", {"data": {"score": "57", **_SCORE}}), _DECIDE],
    ),
    ("Bò một nắng Cẩm Thành", 3, 1, [*_DOSSIER[:2], ("withdraw", "producer", {})]),
]


def _at(day: date) -> Clock:
    return Clock(fixed=local_instant(day, 9))


def _walk(
    runtime: Runtime,
    product_id: int,
    steps: list[Step],
    cast: dict[str, str],
    start: date,
    step_days: int,
) -> None:
    day = start
    for trigger, role, options in steps:
        runtime.clock = _at(day)
        data = dict(options.get("data", {}))
        if options.get("decision"):
            data.update(decision_number=f"{product_id}/QĐ-UBND", decision_date=day.isoformat())
        fire(
            runtime,
            product_id,
            trigger,
            actor=cast[role],
            comment=options.get("comment"),
            data=data or None,
        )
        day += timedelta(days=step_days)


def _seat(runtime: Runtime) -> list[int]:
    units.load_province(runtime, "51", "2025", actor=ADMIN)
    producer_ids = []
    for index, commune in enumerate(COMMUNES, start=1):
        accounts.add_user(
            runtime,
            commune.officer,
            actor=ADMIN,
            role="commune_officer",
            unit_code=commune.code,
            email=f"{commune.officer}@ocop.quangngai.example",
            name=f"Cán bộ OCOP xã {commune.code}",
            password=PASSWORD,
            must_change_password=False,
        )
        producer = people.add_producer(
            runtime,
            actor=commune.officer,
            name=commune.producer,
            type="cooperative",
            commune_code=commune.code,
            email=f"chuthe2025-{index}@example.vn",
        )
        accounts.add_user(
            runtime,
            commune.producer_account,
            actor=ADMIN,
            role="producer",
            producer_id=producer.id,
            email=producer.email,
            name=commune.producer,
            password=PASSWORD,
            must_change_password=False,
        )
        producer_ids.append(producer.id)
    return producer_ids


def demo_law(runtime: Runtime, console: Console, directory: Path) -> dict[str, Any]:
    console.print("\nThe law in force: Decision 26/2026/QĐ-TTg", style="bold")
    original = runtime.clock
    try:
        return _demo(runtime, console)
    finally:
        runtime.clock = original


def _demo(runtime: Runtime, console: Console) -> dict[str, Any]:
    # Two 148 certificates in their re-rating window today (expiring 15/04 and 20/05/2027):
    # the first producer files, the second has not yet (its window opened on 21/11/2026).
    _old_certificate(
        runtime, "Tỏi Lý Sơn (chứng nhận 2024)", date(2024, 1, 10), date(2024, 4, 15),
        "215/QĐ-UBND",
    )
    _old_certificate(
        runtime, "Hành tím Lý Sơn (chứng nhận 2024)", date(2024, 2, 14), date(2024, 5, 20),
        "287/QĐ-UBND",
    )
    # Since 2025 there are no districts: what was registered on legacy communes moves to
    # the 2025 commune that now contains it (ocop units convert --to 2025).
    runtime.clock = _at(TODAY)
    converted = convert_to_2025(runtime, actor=ADMIN)
    console.print(
        f"Converted to the 2025 units: {converted['products']} products, "
        f"{converted['producers']} producers, {converted['users']} users "
        f"({len(converted['communes'])} legacy communes → their 2025 communes)."
    )
    producer_ids = _seat(runtime)
    ids: dict[str, int] = {}
    for offset, (name, product_set, commune_index, steps) in enumerate(PRODUCTS):
        commune = COMMUNES[commune_index]
        # Half forwarded in time for round 2 of 2026 (cut-off 30/10), half after it.
        start = date(2026, 6, 1) + timedelta(days=offset) if offset % 2 == 0 else date(
            2026, 10, 20) + timedelta(days=offset // 2)
        runtime.clock = _at(start)
        view = register_product(runtime, name=name, producer_id=producer_ids[commune_index],
                                actor=commune.officer, product_set=product_set, workflow=WORKFLOW)
        ids[name] = int(view["id"])
        cast = {"commune": commune.officer, "producer": commune.producer_account,
                "province": PROVINCE_OFFICER, "central": CENTRAL_OFFICER}
        _walk(runtime, ids[name], steps, cast, start, 1 if offset % 2 else 3)
    runtime.clock = _at(TODAY)
    moved = {}
    for old in ("ocop-148", "ocop-1489"):
        summary = migrate(
            runtime,
            from_workflow=old,
            to_workflow=WORKFLOW,
            map_path=Path(f"{old}-to-26-2026"),
            actor=ADMIN,
        )
        moved[old] = summary["products"]
        console.print(
            f"Moved {summary['products']} running {old} products to {WORKFLOW} (the shipped "
            f"map; dossiers already filed finish under {old}, Art. 12)."
        )
    lines = _certificates_today(runtime, console)
    revoked = _revoke_and_inspect(runtime, ids)
    # The scheduler's run this morning: the timers the migration planned for the rules in
    # force and now due (a re-rating window that opened) fire.
    tick(runtime)
    by_state = _states(runtime)
    table = Table("state", "products", title=f"Products under {WORKFLOW}")
    for state, count in sorted(by_state.items()):
        table.add_row(state, str(count))
    console.print(table)
    rounds = Table("round", "level", "proposals until", "held by", title="Council rounds (Art. 5)")
    for row in list_rounds(runtime):
        rounds.add_row(
            f"{row['number']}/{row['year']}", row["level"], row["proposals_until"], row["hold_by"]
        )
    console.print(rounds)
    for line in [*lines, revoked]:
        console.print(f"  {line}", markup=False)
    return {"states": by_state, "moved": moved, "converted": converted["products"],
            "rerating": lines, "revoked": revoked}


def _certificates_today(runtime: Runtime, console: Console) -> list[str]:
    """Re-rate the migrated certificates: one inside its window, one outside it."""
    with runtime.transaction() as session:
        rows = session.execute(
            select(Certificate.product_id, Certificate.expires_on, Certificate.number)
            .join(Product, Product.id == Certificate.product_id)
            .where(
                Certificate.status == "active",
                Product.workflow == WORKFLOW,
                Product.state.in_(["certified", "renewal_due"]),
            )
            .order_by(Certificate.expires_on)
        ).all()
    inside = [r for r in rows if 120 <= (r.expires_on - TODAY).days <= 180]
    outside = [r for r in rows if (r.expires_on - TODAY).days > 180]
    lines = []
    if inside:
        product_id, expires_on, number = inside[0]
        # Filed by group under 148: the province places it in its set first, whose sheet
        # its self-assessment and its council's scores are on.
        record_product_set(runtime, product_id, SPICES, actor=PROVINCE_OFFICER)
        producer = _producer_account(runtime, product_id)
        fire(runtime, product_id, "submit_rerating", actor=producer)
        lines.append(
            f"re-rating of {number} (expires {expires_on:%d/%m/%Y}) filed on "
            f"{TODAY:%d/%m/%Y}: accepted, inside the 180–120-day window (product set "
            f"{SPICES} recorded first)"
        )
    if outside:
        product_id, expires_on, number = outside[0]
        try:
            fire(
                runtime, product_id, "submit_rerating", actor=_producer_account(runtime, product_id)
            )
        except GuardFailed as refused:
            lines.append(f"re-rating of {number} refused: {refused}")
    return lines


def _producer_account(runtime: Runtime, product_id: int) -> str:
    with runtime.transaction() as session:
        product = session.get(Product, product_id)
        assert product is not None
        account = session.scalar(
            select(User.username)
            .where(User.role == "producer", User.producer_id == product.producer_id)
            .order_by(User.id)
        )
        assert account is not None
        return account


def _old_certificate(
    runtime: Runtime, name: str, registered_on: date, issued_on: date, decision_number: str
) -> None:
    """A 148 certificate issued on ``issued_on`` (expires three years later)."""
    runtime.clock = _at(registered_on)
    with runtime.transaction() as session:
        producer_id = session.scalar(select(User.producer_id).where(User.username == "producer1"))
    assert producer_id is not None
    view = register_product(
        runtime,
        name=name,
        producer_id=producer_id,
        actor="commune1",
        group="food",
        workflow="ocop-148",
    )
    cast = {"commune": "commune1", "producer": "producer1", "district": "district1"}
    _walk(
        runtime,
        int(view["id"]),
        [
            ("approve_idea", "commune", {}),
            ("submit_plan", "producer", {}),
            ("approve_plan", "district", {}),
            ("submit_dossier", "producer", {}),
            ("accept_dossier", "district", {}),
            ("close_evaluation", "district", {"data": {"score": "64", **_SCORE}}),
        ],
        cast,
        registered_on,
        14,
    )
    runtime.clock = _at(issued_on)
    fire(
        runtime,
        int(view["id"]),
        "issue_certificate",
        actor="district1",
        data={"decision_number": decision_number, "decision_date": issued_on.isoformat()},
    )


def _revoke_and_inspect(runtime: Runtime, ids: dict[str, int]) -> str:
    with runtime.transaction() as session:
        certificate = Certificate.active_for(session, ids["Muối Sa Huỳnh"])
        assert certificate is not None
        certificate_id, number = certificate.id, certificate.number
    view = revoke_certificate(
        runtime,
        certificate_id,
        ground="c",
        conclusion="Kết luận 07/KL-SNNMT",
        conclusion_date=(TODAY - timedelta(days=3)).isoformat(),
        actor=PROVINCE_OFFICER,
        decision_number="1234/QĐ-UBND",
    )
    record_inspection(
        runtime,
        ids["Tỏi Lý Sơn"],
        kind="unannounced",
        inspected_on=TODAY.isoformat(),
        outcome="fail",
        findings="Không còn duy trì phiếu kiểm nghiệm định kỳ",
        actor=PROVINCE_OFFICER,
    )
    return (
        f"{number} revoked on ground c ({view['certificate']['revocation_reason']}); "
        "Tỏi Lý Sơn failed an unannounced inspection: revocation proposed on ground b"
    )


def _states(runtime: Runtime) -> dict[str, int]:
    with runtime.transaction() as session:
        counts: dict[str, int] = {}
        for state in session.scalars(select(Product.state).where(Product.workflow == WORKFLOW)):
            counts[state] = counts.get(state, 0) + 1
        return counts
