"""What a council chair does through the workflow although council members fire no
triggers: disqualify a dossier on a knock-out condition (Decision 26/2026, Appendix II),
and close the council's evaluation: its result from the members' sheets, which the council
reports (Art. 7.3 d), or a re-rating decided by written opinions (Art. 7.6).

The engine knows the chair's permission (``workflow/permissions.py``): these services fire
the workflow's own transitions as the chair, so the history names the chair.
"""

from __future__ import annotations

from typing import Any

from ocop_cycle import inputs
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.scoring import record_discussion
from ocop_cycle.services.views import product_view
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.permissions import CLOSE, DISQUALIFY, chaired_evaluation
from ocop_cycle.workflow.pins import ensure_pinned


def disqualify(
    runtime: Runtime, product_id: int, *, actor: str, knockout: str, note: str
) -> dict[str, Any]:
    """Disqualify the dossier under one of its set's knock-out conditions: the provincial
    officer (OCOP agency, advisory team) or the chair of the council evaluating it (a
    permission the engine knows, ``workflow/permissions.py``)."""
    data = {"knockout": knockout, "knockout_note": inputs.multi_line(note, "note")}
    return products.fire(runtime, product_id, DISQUALIFY, actor=actor, data=data)


def close_as_chair(
    runtime: Runtime, product_id: int, *, actor: str, discussion: str | None = None
) -> dict[str, Any]:
    """The chair closes the council's evaluation from the members' sheets: at once when
    their totals are within the spread rule, after a recorded discussion when they are not.

    A ``discussion`` given here is recorded in the same transaction as the close, so a
    close refused (quorum, a missing sheet) leaves no discussion behind either."""
    note = inputs.multi_line(discussion, "note").strip() if discussion else None
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        compiled = runtime.workflows.get(product.workflow, product.workflow_version)
        # The chair's own command: say why when this close is not the chair's to make.
        evaluation = chaired_evaluation(session, user, product, CLOSE)
        if note:
            record_discussion(evaluation, user, note, now)
        ensure_pinned(session, compiled.definition, compiled.content_hash, now)
        engine.fire(
            session,
            compiled,
            product,
            user,
            CLOSE,
            now=now,
            workflows=runtime.workflows,
            default_workflow=runtime.workflows.for_new_product(
                runtime.clock.today(), runtime.settings.default_workflow
            ).definition.name,
        )
        return product_view(runtime, session, product, user)
