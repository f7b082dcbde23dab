"""A province under Decision 26/2026/QĐ-TTg for tests: Quảng Ngãi in its 2025 units,
officers of the commune, the province and the Ministry, one producer, and the walks
that take a product to each state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from ocop_cycle.clock import LOCAL_TZ, Clock
from ocop_cycle.db.models import Producer, User
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import units
from ocop_cycle.services.products import fire, register_product
from tests.flows import Step, on_its_date

WORKFLOW = "ocop-26-2026"
COMMUNE = "21028"  # Phường Nghĩa Lộ (2025 units)
LEGACY_COMMUNE = "21427"  # Xã Đức Tân, Huyện Mộ Đức (before 2025)
FORWARD = {
    "origin_report": "Mẫu 03 số 12/BC-UBND",
    "request_letter": "Tờ trình 13/TTr-UBND",
    "local_materials": "Tỏi trồng tại địa phương",
    "local_labour": "12 lao động địa phương",
    "idea_origin": "Ý tưởng của HTX",
    "local_identity": "Đặc sản Lý Sơn",
}
DECISION = {"decision_number": "901/QĐ-UBND", "decision_date": "2026-06-01"}
MINISTRY_DECISION = {"decision_number": "45/QĐ-BNNMT", "decision_date": "2026-06-01"}
REVOCATION = {
    "revocation_ground": "c",
    "conclusion": "KL 07/KL-SNNMT",
    "conclusion_date": "2026-05-29",
}


@dataclass
class Province26:
    producer_id: int
    # In Xã Đức Tân (legacy units), for the rules before 2025-07-06.
    legacy_producer_id: int
    commune: str = COMMUNE
    province: str = "51"


def seat(runtime: Runtime) -> Province26:
    """Stored directly (accounts and producers have their own tests): the province's
    2025 units, its officers and one producer with a login."""
    units.load_province(runtime, "51", "2025")
    with runtime.transaction() as session:
        producer = Producer(
            name="HTX Tỏi Nghĩa Lộ", type="cooperative", commune_code=COMMUNE,
            email="htx.nghialo@example.vn", created_at=runtime.clock.now(),
        )
        session.add(producer)
        session.flush()
        for username, role, unit in (
            ("xa26", "commune_officer", COMMUNE),
            ("tinh26", "province_officer", "51"),
            ("bo26", "central_officer", None),
            ("chuthe26", "producer", None),
            ("xa_ductan", "commune_officer", LEGACY_COMMUNE),
            ("huyen_moduc", "district_officer", "533"),
            ("quantri26", "admin", None),
        ):
            session.add(User(
                username=username, display_name=username, email=f"{username}@example.vn",
                role=role, unit_code=unit,
                producer_id=producer.id if role == "producer" else None,
            ))
        legacy = Producer(
            name="HTX Nông nghiệp Đức Tân", type="cooperative", commune_code=LEGACY_COMMUNE,
            email="htx.ductan@example.vn", created_at=runtime.clock.now(),
        )
        session.add(legacy)
        session.flush()
        return Province26(producer_id=producer.id, legacy_producer_id=legacy.id)



# Named fixtures, so that test modules import the functions without shadowing them.
@pytest.fixture(name="clock")
def decision_day_clock_fixture() -> Clock:
    """09:00 in Vietnam on 2026-06-01, the day the decisions of ``TO_26`` are dated."""
    return Clock(fixed=datetime(2026, 6, 1, 2, 0, tzinfo=UTC))


@pytest.fixture(name="qn")
def qn_fixture(runtime: Runtime) -> Province26:
    return seat(runtime)

_dossier: list[Step] = [
    ("approve_idea", "xa26", {}),
    ("submit_plan", "chuthe26", {}),
    ("approve_plan", "xa26", {}),
    ("submit_dossier", "chuthe26", {}),
]
_intake: list[Step] = [*_dossier, ("forward_dossier", "xa26", {"data": FORWARD})]
_review: list[Step] = [*_intake, ("accept_dossier", "tinh26", {})]
_council: list[Step] = [
    *_review, ("complete_review", "tinh26", {"data": {"advisory_report": "BC 3/TTV"}}),
]
_chair: list[Step] = [*_council, ("close_evaluation", "tinh26", {"data": {"score": "93", "minutes": "01/BB-HĐ"}})]
_ministry: list[Step] = [
    *_chair, ("forward_to_ministry", "tinh26", {"data": {"decision_number": "77/QĐ-UBND"}}),
]
_ministry_review: list[Step] = [*_ministry, ("accept_dossier", "bo26", {})]
_central: list[Step] = [
    *_ministry_review, ("complete_review", "bo26", {"data": {"advisory_report": "BC 9/TTV-TW"}}),
]
_certified: list[Step] = [
    *_council,
    ("close_evaluation", "tinh26", {"data": {"score": "72", "minutes": "01/BB-HĐ"}}),
    ("issue_certificate", "tinh26", {"data": DECISION}),
]

TO_26: dict[str, list[Step]] = {
    "idea_registered": [],
    "idea_returned": [("return_idea", "xa26", {"comment": "Thiếu mô tả nguyên liệu"})],
    "idea_rejected": [("reject_idea", "xa26", {"comment": "Không phải sản phẩm địa phương"})],
    "plan_preparation": _dossier[:1],
    "plan_submitted": _dossier[:2],
    "product_development": _dossier[:3],
    "dossier_submitted": _dossier,
    "dossier_returned": [*_dossier, ("return_dossier", "xa26", {"comment": "Thiếu Mẫu 02"})],
    "province_intake": _intake,
    "advisory_review": _review,
    "province_council": _council,
    "not_ranked": [*_council, ("close_evaluation", "tinh26", {"data": {"score": "41", "minutes": "01/BB-HĐ"}})],
    "province_decision": [*_council, ("close_evaluation", "tinh26", {"data": {"score": "72", "minutes": "01/BB-HĐ"}})],
    "chair_approval": _chair,
    "ministry_intake": _ministry,
    "ministry_review": _ministry_review,
    "central_council": _central,
    "ministry_decision": [*_central, ("close_evaluation", "bo26", {"data": {"score": "91", "minutes": "01/BB-HĐ"}})],
    "province_reconsideration": [
        *_central, ("close_evaluation", "bo26", {"data": {"score": "86", "minutes": "01/BB-HĐ"}}),
    ],
    "certified": _certified,
    "revocation_pending": [
        *_certified, ("propose_revocation", "tinh26", {"data": REVOCATION}),
    ],
    "revoked": [*_certified, ("revoke", "tinh26", {"data": REVOCATION})],
    "withdrawn": [*_dossier[:2], ("withdraw", "chuthe26", {})],
}


def register26(runtime: Runtime, province: Province26, product_set: int = 1) -> int:
    view = register_product(
        runtime, name="Tỏi đen Nghĩa Lộ", producer_id=province.producer_id, actor="xa26",
        workflow=WORKFLOW, product_set=product_set,
    )
    return int(view["id"])


def walk26(runtime: Runtime, product_id: int, steps: list[Step]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for trigger, actor, options in steps:
        on_its_date(runtime, options.get("data"))
        view = fire(
            runtime, product_id, trigger, actor=actor, comment=options.get("comment"),
            data=options.get("data"),
        )
    return view



def on(clock: Clock, day: str | date) -> None:
    """Act at 09:00 in Vietnam on ``day``."""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    clock.fixed = datetime.combine(when, time(9), tzinfo=LOCAL_TZ).astimezone(UTC)


# Re-rating (Art. 7.6): the certificate of TO_26["certified"], decided on 2026-06-01,
# expires on 2029-06-01; its window runs from 03/12/2028 to 01/02/2029 (180 to 120 days
# before), and a re-rating filed on FILED is inside it.
EXPIRES = date(2029, 6, 1)
FILED = EXPIRES - timedelta(days=150)
TO_RERATING_REVIEW: list[Step] = [
    ("submit_rerating", "chuthe26", {}),
    ("forward_rerating", "xa26", {"data": {"origin_report": "Mẫu 03", "request_letter": "TTr"}}),
]


def certified26(runtime: Runtime, clock: Clock, province: Province26) -> int:
    """A product certified on 2026-06-01, its certificate expiring on ``EXPIRES``."""
    on(clock, date(2026, 6, 1))
    product_id = register26(runtime, province)
    view = walk26(runtime, product_id, TO_26["certified"])
    assert view["certificate"]["expires_on"] == EXPIRES.isoformat()
    return product_id


def at_rerating_review(runtime: Runtime, clock: Clock, province: Province26) -> int:
    """A product of ``certified26`` whose re-rating was filed on ``FILED`` and forwarded by
    the commune: before the council."""
    product_id = certified26(runtime, clock, province)
    on(clock, FILED)
    view = walk26(runtime, product_id, TO_RERATING_REVIEW)
    assert view["state"] == "rerating_review"
    return product_id

# A product under Decision 148 (legacy units) walked to its certificate.
TO_148_CERTIFIED: list[Step] = [
    ("approve_idea", "xa_ductan", {}),
    ("submit_plan", "xa_ductan", {}),
    ("approve_plan", "huyen_moduc", {}),
    ("submit_dossier", "xa_ductan", {}),
    ("accept_dossier", "huyen_moduc", {}),
    ("close_evaluation", "huyen_moduc", {"data": {"score": "62.5", "minutes": "01/BB-HĐ"}}),
]
