"""Council members' scoresheets, the producer's self-assessment, and where a council stands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import Council, Evaluation, Product, ScoreSheet, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.scores import round_half_up
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, PermissionDenied, Said, TransitionNotAllowed
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.sheet_views import (
    earlier_comparison,
    evaluation_additions,
    self_comparison,
)
from ocop_cycle.services.views import unit_ref
from ocop_cycle.workflow.criteria import Catalogue
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.evaluations import (
    MEMBER_SHEET,
    SELF_SHEET,
    bind_council,
    catalogue_for,
    council_members,
    council_rules,
    counted_sheets,
    current_council,
    evaluation_tally,
    member_sheets,
    open_evaluation,
    option_sheet_for,
)
from ocop_cycle.workflow.permissions import jurisdiction_problem
from ocop_cycle.workflow.sheets import Sheet

_CENTS = Decimal("0.01")


def parse_sections(text: str) -> dict[str, str]:
    """``A1=12,A2=10.5,…`` into a mapping; a malformed pair is an input error."""
    parsed: dict[str, str] = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        code, sep, value = pair.partition("=")
        if not sep or not code.strip():
            raise InvalidInput(
                f"--sections: {pair.strip()!r} is not CODE=POINTS (e.g. A1=12)",
                vi=f"{pair.strip()!r} không đúng dạng MÃ=ĐIỂM (ví dụ A1=12)",
            )
        if code.strip() in parsed:
            raise InvalidInput(
                f"--sections: {code.strip()} is given twice",
                vi=f"Phần {code.strip()} được nhập hai lần",
            )
        parsed[code.strip()] = value.strip()
    return parsed


def read_sheet_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """A scoresheet file: ``sections: {A1: 12, …}`` and optional ``mandatory_failed: [M1]``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(
            f"{path}: cannot read the scoresheet: {exc}",
            vi=f"Không đọc được phiếu chấm {path}: {exc}",
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInput(
            f"{path}: not valid YAML: {exc}", vi=f"Tệp {path} không đúng định dạng YAML: {exc}"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), dict):
        raise InvalidInput(
            f"{path}: expected 'sections:' mapping section codes to points",
            vi=f"Tệp {path}: cần mục 'sections:' ghi điểm của từng phần",
        )
    unknown = sorted(set(raw) - {"sections", "mandatory_failed"})
    if unknown:
        raise InvalidInput(
            f"{path}: unknown keys {', '.join(unknown)}",
            vi=f"Tệp {path}: có mục không hợp lệ {', '.join(unknown)}",
        )
    failed = raw.get("mandatory_failed") or []
    if not isinstance(failed, list):
        raise InvalidInput(
            f"{path}: mandatory_failed must be a list of criterion codes",
            vi=f"Tệp {path}: mandatory_failed phải là danh sách mã tiêu chí",
        )
    return {str(k): str(v) for k, v in raw["sections"].items()}, [str(code) for code in failed]


def check_sections(catalogue: Catalogue, given: Mapping[str, str]) -> dict[str, Decimal]:
    """Every section of the catalogue, each within its maximum; all errors at once."""
    sections = catalogue.sections()
    errors: list[Said] = []
    unknown = [code for code in given if code not in sections]
    if unknown:
        errors.append(
            Said(
                f"unknown sections {', '.join(unknown)} (the {catalogue.name} sections are "
                f"{', '.join(sections)})",
                vi=f"phần không có trong bộ tiêu chí {catalogue.name}: {', '.join(unknown)} "
                f"(các phần: {', '.join(sections)})",
            )
        )
    missing = [code for code in sections if code not in given]
    if missing:
        errors.append(
            Said(
                f"missing sections {', '.join(missing)}: a sheet scores every section",
                vi=f"còn thiếu điểm các phần {', '.join(missing)}: phiếu phải chấm đủ mọi phần",
            )
        )
    checked: dict[str, Decimal] = {}
    for code, text in given.items():
        section = sections.get(code)
        if section is None:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors.append(
                Said(f"{code}={text!r} is not a number", vi=f"{code}: {text!r} không phải là số")
            )
            continue
        if not value.is_finite() or value < 0 or value > section.max:
            errors.append(
                Said(
                    f"{code}={text} is out of range: {code} scores 0 to {section.max}",
                    vi=f"{code}: {text} nằm ngoài thang điểm (từ 0 đến {section.max})",
                )
            )
        elif value != value.quantize(_CENTS):
            errors.append(
                Said(
                    f"{code}={text} has more than two decimals",
                    vi=f"{code}: {text} có quá hai chữ số thập phân",
                )
            )
        else:
            checked[code] = value
    if errors:
        raise InvalidInput(
            "scoresheet refused, nothing was saved: " + "; ".join(errors),
            vi="Phiếu chấm không được lưu: " + "; ".join(error.vi for error in errors),
        )
    return checked


def submit_sheet(
    runtime: Runtime,
    product_id: int,
    *,
    actor: str,
    sections: Mapping[str, str],
    mandatory_failed: list[str] | None = None,
) -> dict[str, Any]:
    """Record (or replace) one member's scoresheet, or the producer's self-assessment."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        if option_sheet_for(definition, product, runtime.workflows.directory) is not None:
            raise InvalidInput(
                f"{definition.key} scores by options on the product set's sheet, not by "
                f"section: fill in `ocop score template {product.id}` and submit it with --file",
                vi=f"Quy trình {definition.key} chấm điểm theo mức của từng tiêu chí trên phiếu của bộ "
                "sản phẩm, không chấm theo phần: hãy chấm trên phiếu chấm điểm",
            )
        catalogue = catalogue_for(definition, runtime.workflows.directory)
        failed = list(dict.fromkeys(mandatory_failed or []))
        known = {c.code for c in catalogue.mandatory_for(product.product_group)}
        unknown = [code for code in failed if code not in known]
        if unknown:
            raise InvalidInput(
                f"unknown mandatory criteria {', '.join(unknown)} for a {product.product_group} "
                f"product under {catalogue.name}; known: {', '.join(sorted(known)) or 'none'}",
                vi=f"Tiêu chí bắt buộc không có trong bộ tiêu chí {catalogue.name} đối với sản phẩm nhóm "
                f"{label_of('product_group', product.product_group)}: {', '.join(unknown)}; các tiêu chí "
                f"bắt buộc hiện có: {', '.join(sorted(known)) or 'không có'}",
            )
        evaluation, kind = sheet_owner(session, definition, product, user)
        checked = check_sections(catalogue, sections)
        total = round_half_up(sum(checked.values(), Decimal(0)))
        sheet = sheet_to_write(session, product, user, evaluation, kind, now)
        sheet.catalogue = catalogue.name
        sheet.sections = {code: str(value) for code, value in checked.items()}
        sheet.total = total
        sheet.mandatory_failed = failed
        sheet.updated_at = now
        session.flush()
        return scores_view(runtime, session, product)


def discuss(runtime: Runtime, product_id: int, *, actor: str, note: str) -> dict[str, Any]:
    """The chair records that the council discussed a spread of totals (domain notes §4)."""
    note = inputs.multi_line(note, "note")
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        evaluation = open_evaluation(session, product.id, product.state, lock=True)
        if evaluation is None:
            raise TransitionNotAllowed(
                f"product {product.id} has no open evaluation (state {product.state})",
                vi=f"Sản phẩm #{product.id} không có đợt đánh giá nào đang mở",
            )
        council = bind_council(session, evaluation)
        if council is None or council.chair_id != user.id:
            raise PermissionDenied(
                f"permission denied: only the chair of the council evaluating product "
                f"{product.id} records its discussion, not {user.username}",
                vi=f"Chỉ Chủ tịch hội đồng đánh giá sản phẩm #{product.id} mới ghi nhận nội dung thảo luận; "
                f"tài khoản {user.username} không phải Chủ tịch hội đồng",
            )
        record_discussion(evaluation, user, note.strip(), runtime.clock.now())
        session.flush()
        return scores_view(runtime, session, product)


def record_discussion(evaluation: Evaluation, user: User, note: str, now: datetime) -> None:
    """The chair's note of the council's discussion, which lets a wide spread close."""
    evaluation.discussed_note = note
    evaluation.discussed_by = user.username
    evaluation.discussed_at = now


def show_scores(runtime: Runtime, product_id: int) -> dict[str, Any]:
    with runtime.reading() as session:
        return scores_view(runtime, session, get_product(session, product_id))


def scores_view(runtime: Runtime, session: Session, product: Product) -> dict[str, Any]:
    """Each member's total and sections, mean, spread, quorum and what blocks closing."""
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    evaluation = (
        open_evaluation(session, product.id)
        or session.scalars(
            select(Evaluation)
            .where(Evaluation.product_id == product.id)
            .order_by(Evaluation.id.desc())
            .limit(1)
        ).first()
    )
    self_sheet = session.scalars(
        select(ScoreSheet)
        .where(ScoreSheet.product_id == product.id, ScoreSheet.kind == SELF_SHEET)
        .order_by(ScoreSheet.id.desc())
        .limit(1)
    ).first()
    view: dict[str, Any] = {
        "product_id": product.id,
        "product": product.name,
        "state": product.state,
        "workflow": product.workflow,
        "self_assessment": _self_view(session, self_sheet) if self_sheet else None,
        "evaluation": None,
    }
    sheet_def = _option_sheet(runtime, definition, product)
    if evaluation is None:
        if sheet_def is not None and self_sheet is not None and self_sheet.product_set:
            view["self_assessment"].update(self_comparison(session, sheet_def, self_sheet, []))
        return view
    council = session.get(Council, evaluation.council_id) if evaluation.council_id else None
    if council is None and evaluation.status == "open":
        # Showing never writes: the council is bound when its first sheet arrives.
        council = current_council(session, evaluation.level, evaluation.unit_code)
    sheets = member_sheets(session, evaluation)
    rules = council_rules(definition)
    mean: Decimal | None = None
    result: dict[str, Any] = {
        "id": evaluation.id,
        "state": evaluation.state,
        "level": evaluation.level,
        "unit": unit_ref(session, evaluation.unit_code),
        "purpose": evaluation.purpose,
        "status": evaluation.status,
        "path": evaluation.path,
        "score": _num(evaluation.score),
        "stars": evaluation.stars,
        "minutes": evaluation.minutes,
        "discussed": evaluation.discussed_note,
        "council": None,
        "sheets": [
            {
                "member": sheet_user.username,
                "total": float(sheet.total),
                "sections": {code: float(Decimal(v)) for code, v in sheet.sections.items()},
                "mandatory_failed": sheet.mandatory_failed,
                "opinion": sheet.opinion,
                "updated_at": sheet.updated_at.isoformat(),
            }
            for sheet_user, sheet in sheets
        ],
    }
    if council is not None:
        members = council_members(session, council)
        chair = next(m.username for m in members if m.id == council.chair_id)
        result["council"] = {"id": council.id, "name": council.name, "chair": chair}
        if rules is not None:
            tally = evaluation_tally(session, evaluation, council, rules)
            mean = tally.mean
            result.update(
                mean=_num(tally.mean),
                spread=_num(tally.spread),
                quorum={
                    "members": tally.members,
                    "sheets": tally.sheets,
                    "needed": tally.needed,
                    "met": tally.quorum_met,
                    "chair_has_scored": tally.chair_has_scored,
                },
                missing=tally.missing,
                failed_mandatory=tally.failed_mandatory,
                blockers=tally.blockers if evaluation.status == "open" else [],
                blockers_vi=tally.blockers_vi if evaluation.status == "open" else [],
                can_close=tally.can_close and evaluation.status == "open",
            )
    elif evaluation.status == "open":
        result["blockers"] = [
            f"no {evaluation.level} council for {evaluation.unit_code or 'the country'} yet: "
            "create one with 'ocop council create', or close on paper"
        ]
        result["blockers_vi"] = [
            f"Chưa có hội đồng {label_of('level', evaluation.level)} "
            f"{('cho đơn vị ' + evaluation.unit_code) if evaluation.unit_code else 'toàn quốc'}: "
            "cần thành lập hội đồng, hoặc nhập kết quả trên giấy"
        ]
        result["can_close"] = False
    if sheet_def is not None:
        result.update(
            evaluation_additions(
                session,
                evaluation,
                council,
                rules,
                sheet_def,
                definition.scoring.star_bands(),
                mean,
            )
        )
        counted = (
            [row for _, row in counted_sheets(session, evaluation, council)] if council else []
        )
        own = self_sheet if self_sheet is not None and self_sheet.product_set else None
        result["compared_with_earlier"] = earlier_comparison(
            session, sheet_def, evaluation, counted, own
        )
        if self_sheet is not None and self_sheet.product_set:
            view["self_assessment"].update(self_comparison(session, sheet_def, self_sheet, counted))
    view["evaluation"] = result
    return view


def _option_sheet(runtime: Runtime, definition: WorkflowDef, product: Product) -> Sheet | None:
    """The option-level sheet a product is shown against; None when it has none (yet)."""
    try:
        return option_sheet_for(definition, product, runtime.workflows.directory)
    except InvalidInput:
        return None


def _evaluation_for_member(
    session: Session, definition: WorkflowDef, product: Product, user: User
) -> Evaluation:
    if user.role != Role.COUNCIL_MEMBER.value:
        raise PermissionDenied(
            f"permission denied: {user.username} ({user.role}) does not score products; "
            "council members score for their council, producers record a self-assessment",
            vi=f"Tài khoản {user.username} ({label_of('role', user.role)}) không chấm điểm sản phẩm; "
            "thành viên hội đồng chấm điểm cho hội đồng của mình, chủ thể sản xuất tự đánh giá sản phẩm",
        )
    if not user.active:
        raise PermissionDenied(
            f"permission denied: user {user.username} is deactivated",
            vi=f"Tài khoản {user.username} đã bị vô hiệu hóa",
        )
    if council_rules(definition) is None:
        raise InvalidInput(
            f"{definition.key} takes paper results only; no online scoresheets",
            vi=f"Quy trình {definition.key} chỉ nhận kết quả chấm trên giấy, không chấm điểm trực tuyến",
        )
    evaluation = open_evaluation(session, product.id, product.state, lock=True)
    if evaluation is None:
        raise TransitionNotAllowed(
            f"product {product.id} is not being evaluated (state {product.state}): "
            "scoresheets are taken only while a council evaluation is open",
            vi=f"Sản phẩm #{product.id} không trong giai đoạn đánh giá (trạng thái: "
            f"«{definition.state_label(product.state)}»): chỉ nhận phiếu chấm khi hội đồng đang đánh giá",
        )
    council = bind_council(session, evaluation)
    if council is None:
        raise TransitionNotAllowed(
            f"no {evaluation.level} council for {evaluation.unit_code or 'the country'} "
            "evaluates this product yet; create it with 'ocop council create'",
            vi=f"Chưa có hội đồng {label_of('level', evaluation.level)} "
            f"{('cho đơn vị ' + evaluation.unit_code) if evaluation.unit_code else 'toàn quốc'} "
            "đánh giá sản phẩm này; cần thành lập hội đồng trước",
        )
    if user.id not in {member.id for member in council_members(session, council)}:
        raise PermissionDenied(
            f"permission denied: {user.username} is not a member of council {council.id} "
            f"({council.name}), which evaluates product {product.id} at {evaluation.level} "
            f"level for {evaluation.unit_code or 'the country'}",
            vi=f"Tài khoản {user.username} không phải thành viên hội đồng #{council.id} ({council.name}) "
            f"đánh giá sản phẩm #{product.id} ({label_of('level', evaluation.level)}"
            f"{', đơn vị ' + evaluation.unit_code if evaluation.unit_code else ''})",
        )
    return evaluation


def sheet_owner(
    session: Session, definition: WorkflowDef, product: Product, user: User
) -> tuple[Evaluation | None, str]:
    """Where a sheet by ``user`` belongs: a council member's to the open evaluation; the
    producer's (or their commune officer's, for them) is the dossier's self-assessment."""
    if user.role in (Role.PRODUCER.value, Role.COMMUNE_OFFICER.value):
        problem = jurisdiction_problem(user, product)
        if problem is not None:
            raise PermissionDenied(
                f"permission denied: {problem}", vi=f"Không có quyền: {problem.vi}"
            )
        return None, SELF_SHEET
    return _evaluation_for_member(session, definition, product, user), MEMBER_SHEET


def option_sheet_of(runtime: Runtime, product: Product) -> tuple[WorkflowDef, Sheet]:
    """The product's workflow and its product set's option-level sheet; a workflow that
    scores by section is refused."""
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    sheet_def = option_sheet_for(definition, product, runtime.workflows.directory)
    if sheet_def is None:
        raise InvalidInput(
            f"{definition.key} scores by section, not by options: use --sections or a "
            "sheet file with 'sections:'",
            vi=f"Quy trình {definition.key} chấm điểm theo phần, không theo mức của từng tiêu chí",
        )
    return definition, sheet_def


def sheet_to_write(
    session: Session,
    product: Product,
    user: User,
    evaluation: Evaluation | None,
    kind: str,
    now: datetime,
) -> ScoreSheet:
    """The sheet ``user`` replaces, or a new one: a member keeps one sheet per evaluation."""
    statement = select(ScoreSheet).where(
        ScoreSheet.product_id == product.id, ScoreSheet.user_id == user.id, ScoreSheet.kind == kind
    )
    if evaluation is not None:
        statement = statement.where(ScoreSheet.evaluation_id == evaluation.id)
    sheet = session.scalars(statement.order_by(ScoreSheet.id.desc()).limit(1)).first()
    if sheet is None:
        sheet = ScoreSheet(
            evaluation_id=evaluation.id if evaluation else None,
            product_id=product.id,
            user_id=user.id,
            kind=kind,
            submitted_at=now,
        )
        session.add(sheet)
    return sheet


def _self_view(session: Session, sheet: ScoreSheet) -> dict[str, Any]:
    user = session.get(User, sheet.user_id)
    return {
        "by": user.username if user else None,
        "total": float(sheet.total),
        "sections": {code: float(Decimal(v)) for code, v in sheet.sections.items()},
        "mandatory_failed": sheet.mandatory_failed,
        "updated_at": sheet.updated_at.isoformat(),
        "note": "the producer's own assessment; never averaged into the council's score",
    }


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
