"""Option-level sheets of Decision 26/2026: filling in, submitting, and what they add up to.

A member (or the producer, for the self-assessment of Mẫu 02) answers every criterion of
the product set's sheet with one option; the points, section totals and total follow
from the catalogue, and the choices are kept for the star minimums and the statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import Product, User
from ocop_cycle.db.models.scoring import SheetChoice
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.scoring import option_sheet_of, scores_view, sheet_owner, sheet_to_write
from ocop_cycle.services.sheet_drafts import discard_draft
from ocop_cycle.workflow.evaluations import catalogue_name, option_sheet_for, scores_on_sheets
from ocop_cycle.workflow.sheets import (
    check_answers,
    points_of,
    section_totals,
    template,
)


def read_answers(path: Path) -> dict[str, object]:
    """A filled-in sheet: ``{criterion code: option index}``, as ``ocop score template`` wrote it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(
            f"{path}: cannot read the sheet: {exc}", vi=f"Không đọc được phiếu {path}: {exc}"
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInput(
            f"{path}: not valid YAML: {exc}", vi=f"Tệp {path} không đúng định dạng YAML: {exc}"
        ) from None
    if not isinstance(raw, dict):
        raise InvalidInput(
            f"{path}: expected criterion codes with the chosen option's number "
            "(`ocop score template PRODUCT_ID` writes one to fill in)",
            vi=f"Tệp {path}: cần mã tiêu chí kèm số thứ tự mức đã chọn",
        )
    return {str(code): value for code, value in raw.items()}


def is_option_level(runtime: Runtime, product_id: int) -> bool:
    """Whether the product's workflow scores on the option-level sheets (26/2026)."""
    with runtime.reading() as session:
        product = get_product(session, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        return scores_on_sheets(definition, runtime.workflows.directory)


def submit_options(
    runtime: Runtime,
    product_id: int,
    *,
    actor: str,
    answers: Mapping[str, object],
    opinion: str | None = None,
) -> dict[str, Any]:
    """Record (or replace) one member's option-level sheet, or the self-assessment.

    Every problem with the answers is listed at once and nothing is saved.
    """
    written_opinion = inputs.multi_line(opinion, "opinion") if opinion is not None else None
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        record_options(runtime, session, product, user, answers, written_opinion)
        return scores_view(runtime, session, product)


def record_options(
    runtime: Runtime,
    session: Session,
    product: Product,
    user: User,
    answers: Mapping[str, object],
    opinion: str | None,
) -> None:
    """``submit_options`` in the caller's transaction (a dossier files its self-assessment
    with its documents and its trigger, all or nothing)."""
    now = runtime.clock.now()
    definition, sheet_def = option_sheet_of(runtime, product)
    evaluation, kind = sheet_owner(session, definition, product, user)
    chosen, problems = check_answers(sheet_def, answers)
    if problems:
        raise InvalidInput(
            f"sheet refused, nothing was saved (set {sheet_def.number}): " + "; ".join(problems),
            vi=f"Phiếu chấm không được lưu (bộ sản phẩm số {sheet_def.number}): "
            + "; ".join(problem.vi for problem in problems),
        )
    points = points_of(sheet_def, chosen)
    sheet = sheet_to_write(session, product, user, evaluation, kind, now)
    sheet.catalogue = catalogue_name(definition)
    sheet.product_set = sheet_def.number
    sheet.sections = {code: str(total) for code, total in section_totals(sheet_def, points).items()}
    sheet.total = Decimal(sum(points.values()))
    sheet.mandatory_failed = []
    sheet.opinion = opinion
    sheet.updated_at = now
    session.flush()
    _replace_choices(session, sheet.id, chosen, points)
    # The submitted sheet is now what counts: the draft it came from is done with.
    discard_draft(session, product, user)



def _replace_choices(
    session: Session, sheet_id: int, chosen: Mapping[str, int], points: Mapping[str, int]
) -> None:
    session.execute(delete(SheetChoice).where(SheetChoice.sheet_id == sheet_id))
    session.execute(
        insert(SheetChoice),
        [
            {"sheet_id": sheet_id, "criterion": code, "option": index, "points": points[code]}
            for code, index in chosen.items()
        ],
    )


def template_for(runtime: Runtime, product_id: int) -> str:
    """The product set's sheet to fill in, with the product named at the top."""
    with runtime.reading() as session:
        product = get_product(session, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        sheet_def = option_sheet_for(definition, product, runtime.workflows.directory)
        if sheet_def is None:
            raise InvalidInput(
                f"{definition.key} scores by section; templates are for the option-level "
                "sheets of Decision 26/2026",
                vi=f"Quy trình {definition.key} chấm điểm theo phần; mẫu phiếu chỉ dành cho phiếu chấm theo "
                "mức của Quyết định 26/2026",
            )
        heading = [
            f"Sản phẩm #{product.id}: {product.name} ({definition.key})",
            f"Nộp: ocop score submit {product.id} --actor TÊN_ĐĂNG_NHẬP --file phieu.yaml",
        ]
        return template(sheet_def, heading)
