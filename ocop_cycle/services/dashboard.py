"""The provincial office's dashboard: the jurisdiction at a glance, in a few grouped queries.

Products by state and by locality, rounds with their hold-by dates and what is still open,
overdue deadlines, and certificates expiring in the next 12 months with their re-rating
windows. Everything is narrowed to what the viewer may see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ocop_cycle.db.models import Certificate, Product, ScheduleItem
from ocop_cycle.db.tables.schedule import DEADLINE, OPEN
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import PermissionDenied
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user, unit_names
from ocop_cycle.services.rerating_windows import rerating_window
from ocop_cycle.services.rounds import list_rounds, show_round
from ocop_cycle.services.visibility import visible_products

LISTED = 50
OFFICERS = frozenset(
    role.value
    for role in (
        Role.COMMUNE_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.CENTRAL_OFFICER,
        Role.ADMIN,
    )
)


def dashboard(runtime: Runtime, viewer: str) -> dict[str, Any]:
    today = runtime.clock.today()
    with runtime.reading() as session:
        user = get_user(session, viewer)
        if user.role not in OFFICERS:
            raise PermissionDenied(
                f"permission denied: the dashboard is for officers, not a {user.role}",
                vi=f"Bảng điều hành dành cho cán bộ, không dành cho tài khoản {label_of('role', user.role)}",
            )
        visible = visible_products(session, user)
        by_state = session.execute(
            select(Product.workflow, Product.state, func.count())
            .where(visible)
            .group_by(Product.workflow, Product.state)
            .order_by(func.count().desc())
        ).all()
        locality = func.coalesce(Product.district_code, Product.commune_code)
        by_locality = session.execute(
            select(locality, func.count()).where(visible).group_by(locality).order_by(locality)
        ).all()
        names = unit_names(session, {code for code, _ in by_locality if code})
        overdue_rows = session.execute(
            select(ScheduleItem, Product.name)
            .join(Product, Product.id == ScheduleItem.product_id)
            .where(
                visible,
                ScheduleItem.kind == DEADLINE,
                ScheduleItem.status == OPEN,
                ScheduleItem.due_on < today,
            )
            .order_by(ScheduleItem.due_on, ScheduleItem.id)
            .limit(LISTED)
        ).all()
        expiring_rows = session.execute(
            select(Certificate, Product.name)
            .join(Product, Product.id == Certificate.product_id)
            .where(
                visible,
                Certificate.status == "active",
                Certificate.expires_on >= today,
                Certificate.expires_on <= today + timedelta(days=365),
            )
            .order_by(Certificate.expires_on, Certificate.id)
            .limit(LISTED)
        ).all()
        province = user.unit_code if user.role == "province_officer" else None
    labels = {
        (workflow, state): {
            language: runtime.workflows.get(workflow).definition.state_label(state, language)
            for language in ("vi", "en")
        }
        for workflow, state, _ in by_state
    }
    rounds = [
        {**show_round(runtime, r["id"]), "status": r["status"]}
        for r in list_rounds(runtime)
        if province is None or r["province"] in (province, None)
    ]
    return {
        "today": today.isoformat(),
        "report_year": today.year,
        "by_state": [
            {"workflow": workflow, "state": state, "label": labels[(workflow, state)], "count": n}
            for workflow, state, n in by_state
        ],
        "by_locality": [
            {"code": code, "name": names.get(code, code), "count": n} for code, n in by_locality
        ],
        "rounds": [
            {
                key: r[key]
                for key in ("id", "level", "year", "number", "hold_by", "status", "still_open")
            }
            | {"products": len(r["products"])}
            for r in rounds
        ],
        "overdue": [
            {
                "product_id": item.product_id,
                "product": name,
                "label": item.rule.get("label", {}).get("vi", item.name),
                "label_en": item.rule.get("label", {}).get("en", item.name),
                "role": item.role,
                "due_on": item.due_on.isoformat(),
                "days_late": (today - item.due_on).days,
            }
            for item, name in overdue_rows
        ],
        "expiring": [
            {
                "product_id": certificate.product_id,
                "product": name,
                "number": certificate.number,
                "stars": certificate.stars,
                "expires_on": certificate.expires_on.isoformat(),
                "window": rerating_window(runtime, certificate.expires_on, today),
            }
            for certificate, name in expiring_rows
        ],
    }
