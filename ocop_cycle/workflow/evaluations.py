"""Evaluations and councils as the engine sees them: which state is an evaluation, which
council holds it, which catalogue it scores against, and where the council stands.

Shared by the council-result step (engine layer) and the scoring services above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle.db.models import (
    Council,
    CouncilMember,
    Evaluation,
    History,
    Product,
    ScoreSheet,
    User,
)
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.domain.council import CouncilRules, MemberSheet, Tally, tally
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import InvalidInput
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.criteria import Catalogue, catalogue_named
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.sheets import Sheet, is_sheet_catalogue, sheet_for

OPEN = "open"
CLOSED = "closed"
CANCELLED = "cancelled"
MEMBER_SHEET = "member"
SELF_SHEET = "self"
# The trigger that brought the dossier in says what the evaluation is for.
_PURPOSE_BY_TRIGGER = {
    "submit_dossier": "first",
    "submit_renewal": "renewal",
    "request_upgrade": "upgrade",
    # Decision 26/2026's re-rating (đánh giá lại), on time or accepted late.
    "submit_rerating": "renewal",
    "accept_late_rerating": "renewal",
}


def is_evaluation_state(definition: WorkflowDef, state: str | None) -> bool:
    """A state a council scores in: one its transitions leave by score routes."""
    if state is None:
        return False
    return any(t.routes is not None for t in definition.transitions_from(state))


def unit_for_level(product: Product, level: Level) -> str | None:
    """The unit of ``level`` the product belongs to; the centre has none."""
    return {
        Level.COMMUNE: product.commune_code,
        Level.DISTRICT: product.district_code,
        Level.PROVINCE: product.province_code,
    }.get(level)


def catalogue_for(definition: WorkflowDef, workflows_dir: Path | None) -> Catalogue:
    """The criteria catalogue the workflow's councils score against."""
    directory = workflows_dir if workflows_dir is not None else data_dir("workflows")
    return catalogue_named(directory, definition.scoring.criteria or definition.name)


def catalogue_name(definition: WorkflowDef) -> str:
    return definition.scoring.criteria or definition.name


def scores_on_sheets(definition: WorkflowDef, workflows_dir: Path | None) -> bool:
    """Whether the workflow scores by options on each product set's sheet (26/2026)."""
    return is_sheet_catalogue(catalogue_name(definition), workflows_dir)


def option_sheet_for(
    definition: WorkflowDef, product: Product, workflows_dir: Path | None
) -> Sheet | None:
    """The product set's option-level sheet when the workflow scores by options (26/2026);
    None for section-level catalogues. A product without a set cannot be scored there."""
    if not scores_on_sheets(definition, workflows_dir):
        return None
    if product.product_set is None:  # moved from the older rules, which filed by group
        raise InvalidInput(
            f"product {product.id} has no product set, and {definition.key} scores on the "
            "sheet of the product's set: an officer records its set first (`ocop product "
            f"record-set {product.id} --product-set N`, N from `ocop criteria sets`)",
            vi=f"Sản phẩm #{product.id} chưa được xếp vào bộ sản phẩm nào, mà quy trình "
            f"{definition.key} chấm điểm theo phiếu của bộ sản phẩm: cán bộ OCOP cần ghi bộ sản "
            "phẩm (từ 1 đến 26) trên trang sản phẩm trước",
        )
    return sheet_for(product.product_set, workflows_dir)


def council_rules(definition: WorkflowDef) -> CouncilRules | None:
    council = definition.scoring.council
    if council is None:
        return None
    return CouncilRules(
        quorum=council.quorum,
        chair_required=council.chair_required,
        max_spread=council.max_spread,
        minimum_majority=council.minimum_majority,
    )


def current_council(session: Session, level: str, unit_code: str | None) -> Council | None:
    """The newest active council of a level and unit."""
    statement = (
        select(Council)
        .where(Council.level == level, Council.active.is_(True))
        .order_by(Council.id.desc())
        .limit(1)
    )
    statement = statement.where(
        Council.unit_code.is_(None) if unit_code is None else Council.unit_code == unit_code
    )
    return session.scalars(statement).first()


def council_members(session: Session, council: Council) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(CouncilMember, CouncilMember.user_id == User.id)
            .where(CouncilMember.council_id == council.id)
            .order_by(User.username)
        )
    )


def open_evaluation(
    session: Session, product_id: int, state: str | None = None, *, lock: bool = False
) -> Evaluation | None:
    """The product's open evaluation (in ``state`` when given).

    With ``lock``, the row is locked until the transaction ends (PostgreSQL; SQLite
    serialises writers anyway), so a sheet cannot slip in while the evaluation closes,
    and a member's two submissions at once replace one sheet instead of colliding.
    """
    statement = select(Evaluation).where(
        Evaluation.product_id == product_id, Evaluation.status == OPEN
    )
    if state is not None:
        statement = statement.where(Evaluation.state == state)
    statement = statement.order_by(Evaluation.id.desc()).limit(1)
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def bind_council(session: Session, evaluation: Evaluation) -> Council | None:
    """The evaluation's council, bound now to the current one if it had none yet."""
    if evaluation.council_id is not None:
        return session.get(Council, evaluation.council_id)
    council = current_council(session, evaluation.level, evaluation.unit_code)
    if council is not None:
        evaluation.council_id = council.id
    return council


def member_sheets(session: Session, evaluation: Evaluation) -> list[tuple[User, ScoreSheet]]:
    rows = session.execute(
        select(User, ScoreSheet)
        .join(ScoreSheet, ScoreSheet.user_id == User.id)
        .where(ScoreSheet.evaluation_id == evaluation.id, ScoreSheet.kind == MEMBER_SHEET)
        .order_by(User.username)
    )
    return [(user, sheet) for user, sheet in rows]


def evaluation_tally(
    session: Session,
    evaluation: Evaluation,
    council: Council,
    rules: CouncilRules,
    *,
    discussed: bool = False,
) -> Tally:
    """Where the council stands on this evaluation."""
    members = council_members(session, council)
    member_ids = {member.id for member in members}
    chair = session.get(User, council.chair_id)
    assert chair is not None
    sheets = {
        user.username: MemberSheet(sheet.total, frozenset(sheet.mandatory_failed))
        for user, sheet in member_sheets(session, evaluation)
        if user.id in member_ids
    }
    return tally(
        [member.username for member in members],
        chair.username,
        sheets,
        rules,
        discussed=discussed or evaluation.discussed_note is not None,
    )


def dossier_purpose(session: Session, product_id: int) -> str:
    """What the current dossier asks for: a first ranking, a renewal or an upgrade."""
    trigger = session.scalars(
        select(History.trigger)
        .where(History.product_id == product_id, History.trigger.in_(_PURPOSE_BY_TRIGGER))
        .order_by(History.id.desc())
        .limit(1)
    ).first()
    return _PURPOSE_BY_TRIGGER.get(trigger or "", "first")


def usernames(users: Sequence[User]) -> list[str]:
    return [user.username for user in users]


def sheet_choices(session: Session, sheet_ids: Sequence[int]) -> dict[int, dict[str, SheetChoice]]:
    """The chosen options of option-level sheets: {sheet id: {criterion: choice}}."""
    found: dict[int, dict[str, SheetChoice]] = {sheet_id: {} for sheet_id in sheet_ids}
    if not sheet_ids:
        return found
    for choice in session.scalars(
        select(SheetChoice).where(SheetChoice.sheet_id.in_(list(sheet_ids)))
    ):
        found[choice.sheet_id][choice.criterion] = choice
    return found


def counted_sheets(
    session: Session, evaluation: Evaluation, council: Council
) -> list[tuple[User, ScoreSheet]]:
    """The member sheets the council's result counts: those of its current members."""
    member_ids = {member.id for member in council_members(session, council)}
    return [
        (user, sheet) for user, sheet in member_sheets(session, evaluation) if user.id in member_ids
    ]


def counted_points(
    session: Session, evaluation: Evaluation, council: Council
) -> list[dict[str, int]]:
    """{criterion: points} of each counted sheet (its council's members'), in one query."""
    rows = session.execute(
        select(SheetChoice.sheet_id, SheetChoice.criterion, SheetChoice.points)
        .join(ScoreSheet, ScoreSheet.id == SheetChoice.sheet_id)
        .join(
            CouncilMember,
            (CouncilMember.user_id == ScoreSheet.user_id)
            & (CouncilMember.council_id == council.id),
        )
        .where(ScoreSheet.evaluation_id == evaluation.id, ScoreSheet.kind == MEMBER_SHEET)
    )
    sheets: dict[int, dict[str, int]] = {}
    for sheet_id, criterion, points in rows:
        sheets.setdefault(sheet_id, {})[criterion] = points
    return list(sheets.values())
