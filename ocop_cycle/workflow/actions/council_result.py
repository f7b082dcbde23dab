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

from ocop_cycle.db.models import Certificate
from ocop_cycle.domain.scores import stars_for
from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.workflow.evaluations import (
    bind_council,
    catalogue_for,
    council_rules,
    dossier_purpose,
    evaluation_tally,
    is_evaluation_state,
    member_sheets,
    open_evaluation,
)
from ocop_cycle.workflow.hooks import FireContext, action, data_field, step

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


@step("council_result", supplies=("score",))
def council_result(context: FireContext) -> None:
    session, product, definition = context.session, context.product, context.definition
    evaluation = open_evaluation(session, product.id, context.from_state, lock=True)
    workflows_dir = context.workflows.directory if context.workflows else None
    catalogue = catalogue_for(definition, workflows_dir)
    failed: list[str] = list(context.data.get("mandatory_failed", []))
    known = {c.code for c in catalogue.mandatory_for(product.product_group)}
    unknown = [code for code in failed if code not in known]
    if unknown:
        raise InvalidInput(
            f"unknown mandatory criteria {', '.join(unknown)} for a {product.product_group} "
            f"product under {catalogue.name}; known: {', '.join(sorted(known)) or 'none'}"
        )
    sheets = member_sheets(session, evaluation) if evaluation is not None else []
    effects: dict[str, Any] = {}
    if "score" in context.data:
        if sheets:
            raise InvalidInput(
                f"the council has {len(sheets)} online scoresheets for product {product.id}; "
                "close without --data score and the result comes from them (a paper score "
                "would silently override the members)"
            )
        path = "paper"
        score = Decimal(context.data["score"])
    else:
        path = "online"
        rules = council_rules(definition)
        if rules is None:
            raise InvalidInput(
                f"{definition.key} takes paper results only: give --data score=… and "
                "--data minutes=… (the council minutes' reference)"
            )
        council = bind_council(session, evaluation) if evaluation is not None else None
        if evaluation is None or council is None:
            raise GuardFailed(
                f"no council has scored product {product.id} here: create the council with "
                "'ocop council create' and let its members submit sheets, or close on paper "
                "with --data score=… --data minutes=…"
            )
        if failed:
            raise InvalidInput(
                "mandatory_failed comes from the members' sheets when the council scores "
                "online; members give it with 'ocop score submit --mandatory-failed'"
            )
        result = evaluation_tally(
            session, evaluation, council, rules, discussed="discussed" in context.data
        )
        if not result.can_close:
            raise GuardFailed(
                f"the evaluation of product {product.id} cannot close yet: "
                + "; ".join(result.blockers)
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
    if failed:
        context.data["mandatory_failed"] = failed
        context.data["route_score"] = NO_STAR_ROUTE_SCORE
    effects["scoring_path"] = path
    context.effects.update(effects)
    purpose = evaluation.purpose if evaluation else dossier_purpose(session, product.id)
    _check_upgrade(context, purpose, stars)
    if evaluation is not None:
        evaluation.path = path
        evaluation.score = score
        evaluation.stars = stars
        evaluation.minutes = context.data.get("minutes")
        if "discussed" in context.data:
            evaluation.discussed_note = context.data["discussed"]
            evaluation.discussed_by = context.actor.username
            evaluation.discussed_at = context.now


def _check_upgrade(context: FireContext, purpose: str, stars: int) -> None:
    """Mark an upgrade's final result as gained or not (a forwarded one is not final)."""
    if purpose != "upgrade" or context.transition.upgrade_not_gained is None:
        return
    current = Certificate.active_for(context.session, context.product.id)
    if current is None:
        return
    routing = Decimal(context.data.get("route_score", context.data["score"]))
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
