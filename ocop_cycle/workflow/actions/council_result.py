"""Closing an evaluation: the council's result from its scoresheets, or from paper.

The ``council_result`` step runs before routing. Online, it checks quorum and spread and
puts the mean into ``data["score"]`` so the score routes choose the destination; on
paper, the officer's ``score`` (with the minutes' reference) is taken as given. Either
way a mandatory criterion failed by the council means "no star" whatever the total, and
an upgrade whose final result is not a higher star keeps the current certificate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ocop_cycle.db.models import Certificate, Council, Evaluation
from ocop_cycle.domain.council import CouncilRules
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.domain.star_minimums import stars_with_minimums
from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.scheduling.notices import notify_producer
from ocop_cycle.workflow.evaluations import (
    bind_council,
    catalogue_for,
    catalogue_name,
    council_rules,
    counted_points,
    dossier_purpose,
    evaluation_tally,
    is_evaluation_state,
    member_sheets,
    open_evaluation,
    option_sheet_for,
)
from ocop_cycle.workflow.hooks import FireContext, action, data_field, step
from ocop_cycle.workflow.paper_path import check_paper_result
from ocop_cycle.workflow.sheets import Sheet, is_sheet_catalogue

NO_STAR_ROUTE_SCORE = "0"


@data_field("discussed")
def _discussed(text: str) -> str:
    note = text.strip()
    if not note:
        raise ValueError("discussed needs a note saying what the council concluded")
    return note


@data_field("mandatory_failed")
def _mandatory_failed(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        raise ValueError("mandatory_failed needs criterion codes, e.g. M1,M3")
    return codes


@data_field("route_score")
def _route_score(text: str) -> str:
    raise ValueError("route_score is worked out by the engine, not given; drop it")


@data_field("result_stars")
def _result_stars(text: str) -> int:
    raise ValueError("result_stars is worked out from the sheets' star minimums; drop it")


@data_field("knockout")
def _knockout(text: str) -> str:
    code = text.strip().upper()
    if not code:
        raise ValueError("knockout needs the code of a knock-out condition, e.g. K1")
    return code


@data_field("knockout_note")
def _knockout_note(text: str) -> str:
    note = text.strip()
    if not note:
        raise ValueError("knockout_note needs a note saying what disqualifies the dossier")
    return note


def apply_star_minimums(
    context: FireContext,
    evaluation: Evaluation,
    council: Council,
    sheet: Sheet,
    band: int,
    rules: CouncilRules,
) -> int:
    """Lower the band's stars to what the council's options meet; route by the result."""
    points = counted_points(context.session, evaluation, council)
    result = stars_with_minimums(band, sheet.minimums, points, rules.minimum_majority)
    evaluation.band_stars = result.band_stars
    evaluation.held_back = [
        {"criterion": u.criterion, "stars": u.stars, "met": u.met, "counted": u.counted}
        for u in result.held_back
    ]
    context.data["result_stars"] = result.stars
    if result.lowered:
        bands = {b.stars: b.at_least for b in context.definition.scoring.star_bands()}
        context.data["route_score"] = str(bands.get(result.stars, Decimal(0)))
        context.effects["held_back"] = evaluation.held_back
    return result.stars


def knock_out(context: FireContext, evaluation: Evaluation | None, sheet: Sheet | None) -> None:
    """The dossier is disqualified under one of its set's knock-out conditions: it leaves
    the evaluation not recognised, whatever was scored, and the producer is told."""
    product = context.product
    if sheet is None:
        raise InvalidInput(
            f"knock-out conditions belong to the sheets of Decision 26/2026; "
            f"{context.definition.key} has none",
            vi=f"Điều kiện loại trực tiếp chỉ có trong phiếu chấm theo Quyết định 26/2026; quy trình "
            f"{context.definition.key} không có điều kiện này",
        )
    code = context.data["knockout"]
    condition = sheet.knockout(code)
    if condition is None:
        known = ", ".join(f"{k.code} ({k.text})" for k in sheet.file.knockouts)
        raise InvalidInput(
            f"set {sheet.number} has no knock-out condition {code}; its conditions: "
            f"{known or 'none printed in the decision'}",
            vi=f"Bộ sản phẩm số {sheet.number} không có điều kiện loại trực tiếp {code}; các điều kiện "
            f"của bộ: {known or 'quyết định không quy định điều kiện nào'}",
        )
    note = context.data.get("knockout_note")
    if note is None:
        raise InvalidInput(
            "a knock-out needs --data knockout_note=… saying what was found",
            vi="Loại trực tiếp phải kèm ghi chú nêu rõ điều đã phát hiện",
        )
    context.data["score"] = "0"
    context.data["route_score"] = NO_STAR_ROUTE_SCORE
    context.data["result_stars"] = 0
    context.effects.update(
        scoring_path="knockout", knockout={"code": condition.code, "text": condition.text}
    )
    purpose = evaluation.purpose if evaluation else dossier_purpose(context.session, product.id)
    _check_upgrade(context, purpose, 0, Decimal(NO_STAR_ROUTE_SCORE))
    if evaluation is not None:
        evaluation.path = "knockout"
        evaluation.score = None
        evaluation.stars = 0
        evaluation.knockout = condition.code
        evaluation.knockout_note = note
    context.effects["notice"] = notify_producer(
        context.session,
        product,
        "dossier_disqualified",
        f"knockout-{evaluation.id if evaluation else 'product'}",
        {"knockout": {"code": condition.code, "text": condition.text}, "note": note},
        context.now,
    )


@step("disqualification")
def disqualification(context: FireContext) -> None:
    """A knock-out outside the council's close: the provincial OCOP agency at intake, the
    advisory team in review, or the council chair during the evaluation."""
    workflows_dir = context.workflows.directory if context.workflows else None
    sheet = option_sheet_for(context.definition, context.product, workflows_dir)
    evaluation = open_evaluation(context.session, context.product.id, context.from_state, lock=True)
    knock_out(context, evaluation, sheet)


@step("council_result", supplies=("score",))
def council_result(context: FireContext) -> None:
    session, product, definition = context.session, context.product, context.definition
    evaluation = open_evaluation(session, product.id, context.from_state, lock=True)
    workflows_dir = context.workflows.directory if context.workflows else None
    option_level = is_sheet_catalogue(catalogue_name(definition), workflows_dir)
    failed: list[str] = list(context.data.get("mandatory_failed", []))
    if not option_level:
        catalogue = catalogue_for(definition, workflows_dir)
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
    elif failed:
        raise InvalidInput(
            f"mandatory_failed does not apply under {definition.key}: the star minimums "
            "come from the options the members chose on the set's sheet",
            vi=f"Quy trình {definition.key} không dùng danh sách tiêu chí bắt buộc không đạt: mức tối "
            "thiểu của từng hạng sao lấy từ các lựa chọn của thành viên trên phiếu chấm của bộ sản phẩm",
        )
    if "knockout" in context.data:
        if "score" in context.data:
            raise InvalidInput(
                "a knock-out takes no score: drop --data score",
                vi="Sản phẩm bị loại trực tiếp thì không nhập điểm: hãy bỏ trống ô điểm",
            )
        knock_out(context, evaluation, option_sheet_for(definition, product, workflows_dir))
        return
    if "knockout_note" in context.data:
        raise InvalidInput(
            "knockout_note goes with --data knockout=K… (the condition's code)",
            vi="Ghi chú loại trực tiếp chỉ đi kèm mã điều kiện loại trực tiếp (K…)",
        )
    sheets = member_sheets(session, evaluation) if evaluation is not None else []
    effects: dict[str, Any] = {}
    council: Council | None = None
    rules: CouncilRules | None = None
    if "score" in context.data:
        if sheets:
            raise InvalidInput(
                f"the council has {len(sheets)} online scoresheets for product {product.id}; "
                "close without --data score and the result comes from them (a paper score "
                "would silently override the members)",
                vi=f"Hội đồng đã có {len(sheets)} phiếu chấm trực tuyến cho sản phẩm #{product.id}; hãy kết "
                "thúc đánh giá mà không nhập điểm, kết quả được tính từ các phiếu (nhập điểm trên giấy "
                "sẽ ghi đè điểm của các thành viên)",
            )
        check_paper_result(session, context.data, evaluation)
        path = "paper"
        score = Decimal(context.data["score"])
    else:
        path = "online"
        rules = council_rules(definition)
        if rules is None:
            raise InvalidInput(
                f"{definition.key} takes paper results only: give --data score=… and "
                "--data minutes=… (the council minutes' reference)",
                vi=f"Quy trình {definition.key} chỉ nhận kết quả trên giấy: hãy nhập số điểm và số biên "
                "bản họp hội đồng",
            )
        council = bind_council(session, evaluation) if evaluation is not None else None
        if evaluation is None or council is None:
            raise GuardFailed(
                f"no council has scored product {product.id} here: create the council with "
                "'ocop council create' and let its members submit sheets, or close on paper "
                "with --data score=… --data minutes=…",
                vi=f"Chưa có hội đồng nào chấm điểm sản phẩm #{product.id} ở cấp này: hãy thành lập hội đồng "
                "để các thành viên chấm điểm, hoặc nhập kết quả trên giấy (số điểm và số biên bản họp)",
            )
        if failed:
            raise InvalidInput(
                "mandatory_failed comes from the members' sheets when the council scores "
                "online; members give it with 'ocop score submit --mandatory-failed'",
                vi="Khi hội đồng chấm điểm trực tuyến, các tiêu chí bắt buộc không đạt lấy từ phiếu chấm "
                "của các thành viên",
            )
        result = evaluation_tally(
            session, evaluation, council, rules, discussed="discussed" in context.data
        )
        if not result.can_close:
            raise GuardFailed(
                f"the evaluation of product {product.id} cannot close yet: "
                + "; ".join(result.blockers),
                vi=f"Chưa thể kết thúc đánh giá sản phẩm #{product.id}: "
                + "; ".join(result.blockers_vi),
            )
        assert result.mean is not None
        score = result.mean
        failed = result.failed_mandatory
        context.data["score"] = str(score)
        effects.update(
            council_id=council.id,
            sheets=result.sheets,
            members=result.members,
            spread=str(result.spread),
        )
    stars = 0 if failed else stars_for(score, definition.scoring.star_bands())
    if option_level and path == "online":
        assert evaluation is not None and council is not None and rules is not None
        option_sheet = option_sheet_for(definition, product, workflows_dir)
        assert option_sheet is not None
        stars = apply_star_minimums(context, evaluation, council, option_sheet, stars, rules)
    if failed:
        context.data["mandatory_failed"] = failed
        context.data["route_score"] = NO_STAR_ROUTE_SCORE
    effects["scoring_path"] = path
    context.effects.update(effects)
    purpose = evaluation.purpose if evaluation else dossier_purpose(session, product.id)
    routing = Decimal(context.data.get("route_score", context.data["score"]))
    _check_upgrade(context, purpose, stars, routing)
    if evaluation is not None:
        evaluation.path = path
        evaluation.score = score
        evaluation.stars = stars
        evaluation.minutes = context.data.get("minutes")
        if "discussed" in context.data:
            evaluation.discussed_note = context.data["discussed"]
            evaluation.discussed_by = context.actor.username
            evaluation.discussed_at = context.now


def _check_upgrade(context: FireContext, purpose: str, stars: int, routing: Decimal) -> None:
    """Mark an upgrade's final result as gained or not (a forwarded one is not final);
    ``routing`` is the score the routes go by."""
    if purpose != "upgrade" or context.transition.upgrade_not_gained is None:
        return
    current = Certificate.active_for(context.session, context.product.id)
    if current is None:
        return
    routes = context.transition.routes or []
    dest = next((route.dest for route in routes if route.when.contains(routing)), None)
    if is_evaluation_state(context.definition, dest):
        return
    context.effects["upgrade"] = {
        "current_stars": current.stars,
        "result_stars": stars,
        "gained": stars > current.stars,
    }


@action("keep_certified_rank")
def keep_certified_rank(context: FireContext) -> None:
    """An upgrade not gained: the product keeps its certificate's score and stars."""
    upgrade = context.effects.get("upgrade")
    if not isinstance(upgrade, dict) or upgrade.get("gained") is not False:
        return
    current = Certificate.active_for(context.session, context.product.id)
    if current is None:
        return
    context.product.score = current.score
    context.product.stars = current.stars
    context.effects["certificate_kept"] = current.number
