"""Council rounds (Decision 26/2026/QĐ-TTg Art. 5): what each round holds and what is open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import Product, Round
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow.evaluations import is_evaluation_state

LEVELS = ("province", "central")


def round_summary(joined: Round) -> dict[str, Any]:
    return {
        "id": joined.id,
        "level": joined.level,
        "province": joined.province_code,
        "year": joined.year,
        "number": joined.number,
        "proposals_until": joined.proposals_until.isoformat(),
        "hold_by": joined.held_by.isoformat(),
        "basis": joined.basis,
    }


def list_rounds(
    runtime: Runtime, *, level: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    if level is not None and level not in LEVELS:
        raise InvalidInput(
            f"round level {level!r} is not one of {', '.join(LEVELS)}",
            vi=f"Cấp của đợt đánh giá {level!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('level', item) for item in LEVELS)}",
        )
    with runtime.transaction() as session:
        statement = select(Round).order_by(Round.year, Round.level, Round.number, Round.id)
        if level is not None:
            statement = statement.where(Round.level == level)
        if year is not None:
            statement = statement.where(Round.year == year)
        today = runtime.clock.today()
        return [
            {**round_summary(row), "status": _status(row, today)}
            for row in session.scalars(statement)
        ]


def show_round(runtime: Runtime, round_id: int) -> dict[str, Any]:
    """The round, its products and their states, and which are still to be scored."""
    with runtime.transaction() as session:
        joined = session.get(Round, round_id)
        if joined is None:
            raise NotFound(
                f"no round {round_id}; see `ocop round list`",
                vi=f"Không tìm thấy đợt đánh giá số {round_id}",
            )
        products = list(
            session.scalars(
                select(Product).where(Product.round_id == joined.id).order_by(Product.id)
            )
        )
        rows = []
        for product in products:
            definition = runtime.workflows.get(
                product.workflow, product.workflow_version
            ).definition
            rows.append(
                {
                    "id": product.id,
                    "name": product.name,
                    "product_code": product.product_code,
                    "state": product.state,
                    "state_label": definition.state_label(product.state),
                    "open": is_evaluation_state(definition, product.state)
                    or product.state
                    in ("province_intake", "advisory_review", "ministry_intake", "ministry_review"),
                }
            )
        return {
            **round_summary(joined),
            "status": _status(joined, runtime.clock.today()),
            "products": rows,
            "still_open": sum(1 for row in rows if row["open"]),
        }


def _status(joined: Round, today: Any) -> str:
    """Proposals open until the cut-off; then the council must sit by the hold-by date."""
    if today <= joined.proposals_until:
        return "accepting"
    if today <= joined.held_by:
        return "to_be_held"
    return "past_hold_by"
