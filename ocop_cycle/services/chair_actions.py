"""What a council chair does through the workflow although council members fire no
triggers: disqualify a dossier on a knock-out condition (Decision 26/2026, Appendix II),
and close a re-rating decided by written opinions (Art. 7.6).

The service checks that the actor chairs the council evaluating the product, then fires
the workflow's own transition on their behalf, so the history names the chair.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import Evaluation, Product, User
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.scoring import record_discussion
from ocop_cycle.services.views import product_view
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.evaluations import bind_council, open_evaluation, option_sheet_for
from ocop_cycle.workflow.pins import ensure_pinned

DISQUALIFY = "disqualify"
CLOSE = "close_evaluation"
# The purpose of a re-rating's evaluation (workflow.evaluations' purposes).
RERATING = "renewal"


def disqualify(
    runtime: Runtime, product_id: int, *, actor: str, knockout: str, note: str
) -> dict[str, Any]:
    """Disqualify the dossier under one of its set's knock-out conditions: the provincial
    officer (OCOP agency, advisory team) as any trigger, the council chair on their behalf."""
    data = {"knockout": knockout, "knockout_note": inputs.multi_line(note, "note")}
    with runtime.reading() as session:
        user = acting_user(session, actor)
    if user.role != Role.COUNCIL_MEMBER.value:
        return products.fire(runtime, product_id, DISQUALIFY, actor=actor, data=data)
    return _fire_as_chair(runtime, product_id, DISQUALIFY, actor=actor, data=data)


def close_written_opinions(
    runtime: Runtime, product_id: int, *, actor: str, discussion: str | None = None
) -> dict[str, Any]:
    """The chair closes a re-rating scored by written opinions: at once when the members'
    totals are within the spread rule, after a recorded discussion when they are not.

    A ``discussion`` given here is recorded in the same transaction as the close, so a
    close refused (quorum, a missing sheet) leaves no discussion behind either."""
    note = inputs.multi_line(discussion, "note").strip() if discussion else None
    return _fire_as_chair(
        runtime, product_id, CLOSE, actor=actor, data=None, rerating_only=True, discussion=note
    )


def closes_by_written_opinions(purpose: str, *, option_level: bool) -> bool:
    """Whether the chair (not the province officer) closes an evaluation: a re-rating on
    the option-level sheets, decided by written opinions (Art. 7.6)."""
    return purpose == RERATING and option_level


def _fire_as_chair(
    runtime: Runtime,
    product_id: int,
    trigger: str,
    *,
    actor: str,
    data: Mapping[str, str] | None,
    rerating_only: bool = False,
    discussion: str | None = None,
) -> dict[str, Any]:
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        compiled = runtime.workflows.get(product.workflow, product.workflow_version)
        evaluation = _chaired_evaluation(session, product, user, trigger)
        if rerating_only:
            _check_written_opinions(runtime, product, evaluation)
        if discussion:
            record_discussion(evaluation, user, discussion, now)
        ensure_pinned(session, compiled.definition, compiled.content_hash, now)
        engine.fire(
            session,
            compiled,
            product,
            user,
            trigger,
            now=now,
            data=data,
            workflows=runtime.workflows,
            default_workflow=runtime.workflows.for_new_product(
                runtime.clock.today(), runtime.settings.default_workflow
            ).definition.name,
            authorised=True,
        )
        return product_view(runtime, session, product, user)


def _chaired_evaluation(session: Session, product: Product, user: User, trigger: str) -> Evaluation:
    """The open evaluation of ``product`` whose council ``user`` chairs."""
    if not user.active:
        raise PermissionDenied(
            f"permission denied: user {user.username} is deactivated",
            vi=f"Tài khoản {user.username} đã bị vô hiệu hóa",
        )
    evaluation = open_evaluation(session, product.id, product.state, lock=True)
    if evaluation is None:
        raise TransitionNotAllowed(
            f"product {product.id} is not before a council (state {product.state}): a "
            f"chair may {trigger} only while the council evaluates it",
            vi=f"Sản phẩm #{product.id} không đang được hội đồng đánh giá: Chủ tịch hội đồng chỉ thực "
            "hiện thao tác này trong thời gian hội đồng đánh giá",
        )
    council = bind_council(session, evaluation)
    if council is None or council.chair_id != user.id:
        raise PermissionDenied(
            f"permission denied: only the chair of the council evaluating product "
            f"{product.id} may {trigger} it, not {user.username}",
            vi=f"Chỉ Chủ tịch hội đồng đánh giá sản phẩm #{product.id} mới được thực hiện thao tác này; "
            f"tài khoản {user.username} không phải Chủ tịch hội đồng",
        )
    return evaluation


def _check_written_opinions(runtime: Runtime, product: Product, evaluation: Evaluation) -> None:
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    option_level = option_sheet_for(definition, product, runtime.workflows.directory) is not None
    if not closes_by_written_opinions(evaluation.purpose, option_level=option_level):
        raise InvalidInput(
            f"product {product.id}'s evaluation is not a re-rating by written opinions: "
            "the province officer closes it with 'ocop product fire "
            f"{product.id} close_evaluation'",
            vi=f"Việc đánh giá sản phẩm #{product.id} không phải là đánh giá lại bằng ý kiến bằng văn "
            "bản: cán bộ cấp tỉnh kết thúc đánh giá trên trang sản phẩm",
        )
