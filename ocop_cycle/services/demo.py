"""``ocop demo``: a demo province (Quảng Ngãi) built through the real services.

Everything goes through the same services the CLI uses, at simulated dates, so the demo
database holds real history that ``ocop product show`` and the other commands can explore.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from ocop_cycle.clock import LOCAL_TZ, Clock, local_instant
from ocop_cycle.config import Settings
from ocop_cycle.db.models import Product
from ocop_cycle.domain.validity import add_months
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity import accounts
from ocop_cycle.identity.accounts import create_first_admin
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import people, units
from ocop_cycle.services.products import fire, fire_timer, register_product
from ocop_cycle.services.setup import initialise

PROVINCE = "51"  # Quảng Ngãi, legacy scheme: 13 district-level units
# The demo database is a sandbox; its users share this known password, printed by the
# demo and nowhere else. Never use it for a real database.
DEMO_PASSWORD = "ocop-demo-2026"
ADMIN = "admin1"
STARTED = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
# The day the demo is set on, whatever day it is run: its certificates' re-rating windows
# are open on it, and every part of the demo acts on it from the scheduler's morning run
# (08:00), so that each product's history reads in the order it happened.
TODAY = date(2026, 11, 28)
# Products whose certificates must be old enough, today, to be due for renewal or expired.
EARLY_START = {
    "renewal_due": datetime(2023, 9, 4, 2, 0, tzinfo=UTC),
    "expired": datetime(2023, 3, 6, 2, 0, tzinfo=UTC),
}
RENEWAL_WINDOW = timedelta(days=180)


@dataclass(frozen=True)
class DemoCommune:
    officer: str
    code: str
    district_officer: str
    district: str


# Communes whose officers take part; usernames match those the feature demos expect.
COMMUNES = [
    DemoCommune("commune1", "21427", "district1", "533"),  # Xã Đức Tân, Huyện Mộ Đức
    DemoCommune("commune2", "21400", "district1", "533"),  # Thị trấn Mộ Đức
    DemoCommune("commune3", "21115", "district3", "525"),  # Thị trấn Trà Xuân, Huyện Trà Bồng
    DemoCommune("commune4", "21484", "district4", "535"),  # Thị trấn Ba Tơ
    DemoCommune("commune5", "21442", "district5", "534"),  # Xã Phổ An, Thị xã Đức Phổ
]
# name, type, commune officer, producer account
PRODUCERS = [
    ("HTX Nông nghiệp Đức Tân", "cooperative", "commune1", "producer1"),
    ("Cơ sở Bánh tráng Thắng Lợi", "household", "commune2", "producer2"),
    ("Công ty TNHH Quế Trà Bồng", "enterprise", "commune3", "producer3"),
    ("Tổ hợp tác Rượu cần Ba Tơ", "cooperative_group", "commune4", "producer4"),
    ("Hộ kinh doanh Nước mắm Sa Huỳnh", "household", "commune5", "producer5"),
    ("HTX Dịch vụ Nông nghiệp Phổ An", "cooperative", "commune5", "producer6"),
]
# product, group, producer index, the state to take it to
PRODUCTS = [
    ("Tỏi đen Đức Tân", "food", 0, "certified_4"),
    ("Mạch nha Đức Tân", "food", 0, "certified_3"),
    ("Bánh tráng mè Thắng Lợi", "food", 1, "awaiting_decision"),
    ("Quế khô Trà Bồng", "herbal", 2, "province_evaluation"),
    ("Tinh dầu quế Trà Bồng", "herbal", 2, "renewal_due"),
    ("Rượu cần Ba Tơ", "drinks", 3, "dossier_returned"),
    ("Trà sâm Ba Tơ", "drinks", 3, "district_evaluation"),
    ("Nước mắm Sa Huỳnh", "food", 4, "expired"),
    ("Muối Sa Huỳnh", "food", 4, "not_ranked"),
    ("Chiếu cói Phổ An", "handicrafts", 5, "product_development"),
    ("Du lịch sinh thái Phổ An", "tourism", 5, "plan_submitted"),
    ("Cây cảnh bonsai Phổ An", "ornamental", 5, "idea_returned"),
    ("Kẹo gương Thắng Lợi", "food", 1, "idea_registered"),
    ("Bò một nắng Ba Tơ", "food", 3, "withdrawn"),
    ("Mật ong rừng Trà Bồng", "food", 2, "idea_rejected"),
    ("Dầu phụng Đức Tân", "food", 0, "revoked"),
]


class Walker:
    """Fires triggers on one product, advancing the demo clock a few days each step."""

    def __init__(self, runtime: Runtime, clock: Clock, product_id: int, cast: dict[str, str]):
        self.runtime, self.clock, self.product_id, self.cast = runtime, clock, product_id, cast

    def __call__(self, trigger: str, role: str, days: int = 9, **options: Any) -> None:
        assert self.clock.fixed is not None
        self.clock.fixed += timedelta(days=days)
        if role == "system":  # a timer: the scheduler's path, as on its due date
            fire_timer(self.runtime, self.product_id, trigger)
            return
        fire(self.runtime, self.product_id, trigger, actor=self.cast[role], **options)


def _decision(walker: Walker, days_ahead: int, number: str) -> dict[str, str]:
    """A decision signed on the day the step ``days_ahead`` from now is recorded."""
    assert walker.clock.fixed is not None
    signed = (walker.clock.fixed + timedelta(days=days_ahead)).astimezone(LOCAL_TZ).date()
    return {"decision_number": number, "decision_date": signed.isoformat()}


def walk_to(walker: Walker, target: str) -> None:
    """Take a registered 148 product to ``target`` the way officers would."""
    step = walker
    if target == "idea_registered":
        return
    if target in ("idea_returned", "idea_rejected"):
        if target == "idea_returned":
            step("return_idea", "commune", comment="Bổ sung thông tin vùng nguyên liệu")
        else:
            step("reject_idea", "commune", comment="Sản phẩm không có nguồn gốc địa phương")
        return
    step("approve_idea", "commune")
    if target == "withdrawn":
        step("withdraw", "producer", comment="Chủ thể tạm ngừng sản xuất")
        return
    step("submit_plan", "producer", days=30)
    if target == "plan_submitted":
        return
    step("approve_plan", "district")
    if target == "product_development":
        return
    step("submit_dossier", "producer", days=60)
    if target == "dossier_returned":
        step("return_dossier", "district", comment="Thiếu phiếu kết quả kiểm nghiệm")
        return
    step("accept_dossier", "district")
    if target == "district_evaluation":
        return
    scores = {
        "not_ranked": "46.5",
        "awaiting_decision": "61",
        "province_evaluation": "78",
        "certified_3": "64.25",
        "certified_4": "81.5",
        "renewal_due": "66",
        "expired": "58",
        "revoked": "55",
    }
    step(
        "close_evaluation",
        "district",
        days=20,
        data={"score": scores[target], "minutes": "Biên bản họp Hội đồng cấp huyện"},
    )
    if target in ("not_ranked", "awaiting_decision", "province_evaluation"):
        return
    if target == "certified_4":
        step(
            "close_evaluation",
            "province",
            days=30,
            data={"score": "76.75", "minutes": "Biên bản họp Hội đồng cấp tỉnh"},
        )
        step("issue_certificate", "province", days=14, data=_decision(walker, 14, "1462/QĐ-UBND"))
        return
    step("issue_certificate", "district", days=14, data=_decision(walker, 14, "215/QĐ-UBND"))
    if target == "revoked":
        step(
            "revoke",
            "district",
            days=120,
            data={"reason": "Vi phạm quy định an toàn thực phẩm", "decision_number": "88/QĐ-UBND"},
        )
    elif target in ("renewal_due", "expired"):
        # The timers fire on their dates: the window opens 180 days before expiry.
        decided = walker.clock.fixed or STARTED
        expires = datetime.combine(add_months(decided.date(), 36), decided.timetz())
        walker.clock.fixed = expires - RENEWAL_WINDOW
        step("open_renewal", "system", days=0)
        if target == "expired":
            walker.clock.fixed = expires
            step("expire", "system", days=0)


def build_province(runtime: Runtime, clock: Clock) -> dict[str, int]:
    """Units, officers at every level, producers of each type, products in every state."""
    create_first_admin(runtime, ADMIN, password=DEMO_PASSWORD, name="Quản trị hệ thống")
    units.load_province(runtime, PROVINCE, "legacy", actor=ADMIN)
    add_user = partial(
        accounts.add_user, actor=ADMIN, password=DEMO_PASSWORD, must_change_password=False
    )
    for commune in COMMUNES:
        add_user(
            runtime,
            commune.officer,
            role="commune_officer",
            unit_code=commune.code,
            email=f"{commune.officer}@ocop.quangngai.example",
            name=f"Cán bộ OCOP xã {commune.code}",
        )
    for officer, district in {(c.district_officer, c.district) for c in COMMUNES}:
        add_user(
            runtime,
            officer,
            role="district_officer",
            unit_code=district,
            email=f"{officer}@ocop.quangngai.example",
            name=f"Phòng Nông nghiệp {district}",
        )
    add_user(
        runtime,
        "district2",
        role="district_officer",
        unit_code="522",
        email="district2@ocop.quangngai.example",
        name="Phòng Kinh tế TP Quảng Ngãi",
    )
    add_user(
        runtime,
        "province1",
        role="province_officer",
        unit_code=PROVINCE,
        email="vpdp@ocop.quangngai.example",
        name="Văn phòng Điều phối NTM tỉnh",
    )
    add_user(
        runtime,
        "central1",
        role="central_officer",
        email="ocop@central.example",
        name="Văn phòng Điều phối NTM Trung ương",
    )
    officers = {c.officer: c for c in COMMUNES}
    producer_ids = []
    for index, (name, kind, officer, account) in enumerate(PRODUCERS, start=1):
        producer = people.add_producer(
            runtime,
            actor=officer,
            name=name,
            type=kind,
            commune_code=officers[officer].code,
            email=f"chuthe{index}@example.vn",
            phone=f"0255 38{index:02d} 1{index:02d}",
            tax_code=f"43001{index:05d}",
        )
        add_user(
            runtime,
            account,
            role="producer",
            producer_id=producer.id,
            email=producer.email,
            name=name,
        )
        producer_ids.append(producer.id)
    for offset, (name, group, producer_index, target) in enumerate(PRODUCTS):
        clock.fixed = EARLY_START.get(target, STARTED + timedelta(days=3 * offset))
        commune = officers[PRODUCERS[producer_index][2]]
        view = register_product(
            runtime,
            name=name,
            producer_id=producer_ids[producer_index],
            group=group,
            actor=commune.officer,
        )
        cast = {
            "commune": commune.officer,
            "district": commune.district_officer,
            "province": "province1",
            "central": "central1",
            "producer": PRODUCERS[producer_index][3],
        }
        walk_to(Walker(runtime, clock, int(view["id"]), cast), target)
    with runtime.transaction() as session:
        by_state = dict(
            session.execute(select(Product.state, func.count()).group_by(Product.state)).all()
        )
    return {str(state): int(count) for state, count in by_state.items()}


# Feature demos, run in this order when their modules are present.
FEATURE_DEMOS = [
    ("ocop_cycle.services.demo_scoring", "demo_scoring"),
    ("ocop_cycle.services.demo_reminders", "demo_reminders"),
    ("ocop_cycle.services.demo_import_report", "demo_import_report"),
    ("ocop_cycle.services.demo_law", "demo_law"),
    ("ocop_cycle.services.demo_sheets", "demo_sheets"),
]


def run_demo(directory: Path, console: Console) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise InvalidInput(f"{directory} is not empty; give a new folder with --dir")
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "ocop.db"
    settings = Settings(database_url=f"sqlite:///{database}", mail_dir=directory / "mail")
    clock = Clock(fixed=STARTED)
    runtime = Runtime.create(settings, clock)
    try:
        initialise(runtime, sandbox=True)
        console.print(f"ocop-cycle demo in {directory}", style="bold")
        by_state = build_province(runtime, clock)
        table = Table("state", "products", title="Products of the demo province (ocop-148)")
        for state, count in sorted(by_state.items()):
            table.add_row(state, str(count))
        console.print(
            f"Loaded Quảng Ngãi (province {PROVINCE}): 13 districts, their communes; "
            f"{len(COMMUNES)} commune officers, district, province and central officers; "
            f"{len(PRODUCERS)} producers of every type."
        )
        console.print(table)
        for module_name, function_name in FEATURE_DEMOS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            clock.fixed = local_instant(TODAY, 8)
            getattr(module, function_name)(runtime, console, directory)
        users = accounts.list_users(runtime)
    finally:
        runtime.close()
    db = f"--db sqlite:///{database}"
    console.print("\nTry next", style="bold")
    for line in (
        f"ocop {db} product list",
        f"ocop {db} product show 1 --actor province1",
        f"ocop {db} product fire 3 issue_certificate --actor district1 "
        "--data decision_number=301/QĐ-UBND --data decision_date=2026-11-20",
        f"ocop {db} workflow list",
        f"ocop {db} workflow graph ocop-26-2026",
        f"ocop {db} round list",
        f"ocop {db} workflow migrate --from ocop-148 --to ocop-1489 "
        "--map ocop-148-to-1489 --dry-run --actor admin1",
    ):
        console.print(f"  {line}")
    # The web app (issue 11): local http, so the session cookie may go without Secure.
    console.print("\nThe web app", style="bold")
    console.print(f"  OCOP_COOKIE_SECURE=false ocop {db} serve")
    console.print("  then open http://127.0.0.1:8000/ (sign in at http://127.0.0.1:8000/dang-nhap)")
    _print_demo_users(console, users)


def _print_demo_users(console: Console, users: list[dict[str, Any]]) -> None:
    """The demo's accounts; a sandbox's known password is printed here and only here."""
    console.print(
        f"\nDemo users (sandbox; every password is {DEMO_PASSWORD})", style="bold"
    )
    by_role: dict[str, list[str]] = {}
    for user in users:
        if user["has_password"]:
            by_role.setdefault(user["role"], []).append(user["username"])
    for role, names in by_role.items():
        console.print(f"  {role}: {', '.join(names)}")
