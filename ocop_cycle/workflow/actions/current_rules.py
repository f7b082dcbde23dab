"""Renewals and upgrades are judged under the rules now in force, not the original ones."""

from __future__ import annotations

from ocop_cycle.errors import TransitionNotAllowed
from ocop_cycle.workflow.hooks import FireContext, action


@action("apply_current_rules")
def apply_current_rules(context: FireContext) -> None:
    """Move the product to the province's current default workflow, if it is newer.

    A certificate issued under 148 is renewed through the two-tier 1489 procedure once the
    province's default is ``ocop-1489``; the history row records the switch. A product is
    never moved back to older rules (a 1489 product stays on 1489 while the default is
    still 148).
    """
    if context.workflows is None or context.default_workflow is None:
        return
    current = context.definition
    if context.default_workflow == current.name:
        return
    target = context.workflows.get(context.default_workflow).definition
    if target.effective_from <= current.effective_from:
        return
    product = context.product
    if product.state not in target.states:
        raise TransitionNotAllowed(
            f"{context.transition.trigger} would move product {product.id} to {target.key}, "
            f"which has no state {product.state!r}; add it to {target.key} or change "
            "OCOP_DEFAULT_WORKFLOW",
            vi=f"Bước «{context.transition.label.vi}» sẽ chuyển sản phẩm #{product.id} sang quy trình "
            f"{target.key}, nhưng quy trình này không có trạng thái "
            f"«{context.definition.state_label(product.state)}»; hãy báo quản trị hệ thống",
        )
    product.workflow, product.workflow_version = target.name, target.version
    context.effects["workflow_switch"] = {
        "from": current.key,
        "to": target.key,
        "rule_set": target.rule_set,
    }
    context.from_definition = current
    context.definition = target
