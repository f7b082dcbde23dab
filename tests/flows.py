"""Scripted walks through the workflows, shared by the core tests and benchmarks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from ocop_cycle.clock import LOCAL_TZ, Clock, parse_instant
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import fire, fire_timer, register_product

Step = tuple[str, str, dict[str, Any]]  # trigger, actor, {"comment": …, "data": {…}}

DECISION = {"decision_number": "1462/QĐ-UBND", "decision_date": "2024-06-20"}

# The steps that take a fresh ocop-148 product (registered by commune1) to each state.
TO_148: dict[str, list[Step]] = {}
_base = [
    ("approve_idea", "commune1", {}),
    ("submit_plan", "producer1", {}),
    ("approve_plan", "district1", {}),
    ("submit_dossier", "producer1", {}),
]
_district = [*_base, ("accept_dossier", "district1", {})]
_province = [*_district, ("close_evaluation", "district1", {"data": {"score": "75", "minutes": "01/BB-HĐ"}})]
_central = [*_province, ("close_evaluation", "province1", {"data": {"score": "92", "minutes": "01/BB-HĐ"}})]
TO_148.update(
    {
        "idea_registered": [],
        "idea_returned": [("return_idea", "commune1", {"comment": "Thiếu mô tả nguyên liệu"})],
        "idea_rejected": [("reject_idea", "commune1", {"comment": "Không phải sản phẩm địa phương"})],
        "plan_preparation": _base[:1],
        "plan_submitted": _base[:2],
        "product_development": _base[:3],
        "dossier_submitted": _base,
        "dossier_returned": [*_base, ("return_dossier", "district1", {"comment": "Thiếu phiếu kiểm nghiệm"})],
        "district_evaluation": _district,
        "not_ranked": [*_district, ("close_evaluation", "district1", {"data": {"score": "45", "minutes": "01/BB-HĐ"}})],
        "awaiting_decision": [*_district, ("close_evaluation", "district1", {"data": {"score": "62.5", "minutes": "01/BB-HĐ"}})],
        "province_evaluation": _province,
        "central_evaluation": _central,
        "certified": [
            *_district,
            ("close_evaluation", "district1", {"data": {"score": "62.5", "minutes": "01/BB-HĐ"}}),
            ("issue_certificate", "district1", {"data": DECISION}),
        ],
        "withdrawn": [*_base[:2], ("withdraw", "producer1", {})],
    }
)
TO_148["renewal_due"] = [*TO_148["certified"], ("open_renewal", "system", {})]
TO_148["expired"] = [*TO_148["renewal_due"], ("expire", "system", {})]
TO_148["revoked"] = [
    *TO_148["certified"],
    ("revoke", "district1", {"data": {"reason": "Vi phạm an toàn thực phẩm", "decision_number": "77/QĐ-UBND"}}),
]


def register(runtime: Runtime, producer_id: int, workflow: str | None = None) -> int:
    view = register_product(
        runtime, name="Tỏi Lý Sơn", producer_id=producer_id, group="food", actor="commune1",
        workflow=workflow,
    )
    return int(view["id"])


def on_its_date(runtime: Runtime, data: dict[str, str] | None) -> None:
    """A decision is recorded on the day it is signed, not before: move the clock on to
    its date (09:00 in Vietnam) when the walk has not reached it yet."""
    signed = (data or {}).get("decision_date")
    if signed is None or date.fromisoformat(signed) <= runtime.clock.today():
        return
    at = datetime.combine(date.fromisoformat(signed), time(9), tzinfo=LOCAL_TZ)
    runtime.clock.fixed = at.astimezone(UTC)


def decide(
    runtime: Runtime, product_id: int, trigger: str, *, actor: str, data: dict[str, str]
) -> dict[str, Any]:
    """Fire a decision's trigger on the day the decision is signed."""
    on_its_date(runtime, data)
    return fire(runtime, product_id, trigger, actor=actor, data=data)


def walk(runtime: Runtime, product_id: int, steps: list[Step]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for trigger, actor, options in steps:
        on_its_date(runtime, options.get("data"))
        if actor == "system":  # a timer on its date: the scheduler's own path
            view = fire_timer(runtime, product_id, trigger)
            continue
        view = fire(
            runtime, product_id, trigger, actor=actor, comment=options.get("comment"),
            data=options.get("data"),
        )
    return view


def product_in(runtime: Runtime, producer_id: int, state: str) -> int:
    product_id = register(runtime, producer_id)
    walk(runtime, product_id, TO_148[state])
    return product_id


def certified_148_on(runtime: Runtime, producer_id: int, decision_date: str) -> int:
    """A product under 148 certified by a district decision of ``decision_date`` (36
    months), the clock left at that instant."""
    runtime.clock = Clock(fixed=parse_instant(decision_date))
    product_id = register(runtime, producer_id, workflow="ocop-148")
    walk(runtime, product_id, [s for s in TO_148["certified"] if s[0] != "issue_certificate"])
    fire(
        runtime,
        product_id,
        "issue_certificate",
        actor="district1",
        data={"decision_number": "88/QĐ-UBND", "decision_date": decision_date},
    )
    return product_id
