"""The scoresheet page's data: the product set's option-level sheet (Decision 26/2026),
the viewer's own choices so far, and the council's tally the chair needs.

Writing goes through ``option_sheets.submit_options``; this module only reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import ScoreSheet
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.errors import InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.criteria import sheet_view
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.scoring import scores_view
from ocop_cycle.services.visibility import visible_product
from ocop_cycle.workflow.evaluations import option_sheet_for


def scoresheet_for(runtime: Runtime, viewer: str, product_id: int) -> dict[str, Any]:
    """The sheet to fill in for ``viewer``, with their latest choices and the tally."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        product = visible_product(session, user, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        sheet_def = option_sheet_for(definition, product, runtime.workflows.directory)
        if sheet_def is None:
            raise InvalidInput(
                f"{definition.key} scores by section, not on the option-level sheets of "
                "Decision 26/2026; record section totals with 'ocop score submit'",
                vi=f"Quy trình {definition.key} chấm điểm theo phần, không theo phiếu chấm theo mức của "
                "Quyết định 26/2026",
            )
        own = session.scalars(
            select(ScoreSheet)
            .where(ScoreSheet.product_id == product.id, ScoreSheet.user_id == user.id)
            .order_by(ScoreSheet.id.desc())
            .limit(1)
        ).first()
        chosen: dict[str, int] = {}
        if own is not None:
            chosen = {
                code: option
                for code, option in session.execute(
                    select(SheetChoice.criterion, SheetChoice.option).where(
                        SheetChoice.sheet_id == own.id
                    )
                )
            }
        return {
            "product": {"id": product.id, "name": product.name, "state": product.state},
            "sheet": sheet_view(sheet_def),
            "chosen": chosen,
            "own_total": float(own.total) if own is not None else None,
            "opinion": own.opinion if own is not None else None,
            "scores": scores_view(runtime, session, product),
        }
