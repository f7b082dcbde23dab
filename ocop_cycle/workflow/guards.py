"""Guards: conditions a transition needs beyond role and jurisdiction."""

from __future__ import annotations

from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.errors import GuardFailed
from ocop_cycle.workflow.hooks import FireContext, guard


def certifying_level(context: FireContext) -> Level:
    """The level that certifies the product's current star rank under its workflow."""
    stars = context.product.stars
    levels = context.definition.scoring.certifying_level
    if stars is None or stars not in levels:
        raise GuardFailed(
            f"product {context.product.id} has no certifiable star rank (stars: {stars}); "
            "close an evaluation with a score of at least 50 first",
            vi=f"Sản phẩm #{context.product.id} chưa có hạng sao để cấp giấy chứng nhận "
            f"(số sao: {stars if stars is not None else 'chưa có'}); hãy kết thúc đánh giá với "
            "số điểm từ 50 trở lên trước",
        )
    return levels[stars]


@guard("actor_certifies_stars")
def actor_certifies_stars(context: FireContext) -> None:
    """Under 148 the district certifies 3★, the province 4★ and the centre 5★."""
    needed = certifying_level(context)
    if context.role.level != needed:
        raise GuardFailed(
            f"{context.product.stars}★ certificates are issued at {needed.value} level under "
            f"{context.definition.name}; {context.actor.username} acts at "
            f"{context.role.level.value if context.role.level else context.role.value} level",
            vi=f"Giấy chứng nhận {context.product.stars} sao do {label_of('level', needed)} cấp theo "
            f"quy trình {context.definition.name}; tài khoản {context.actor.username} thuộc "
            f"{label_of('level', context.role.level) if context.role.level else label_of('role', context.role)}",
        )


@guard("actor_at_or_above_certifying_level")
def actor_at_or_above_certifying_level(context: FireContext) -> None:
    """Revocation belongs to the level that certified, or a level above it."""
    needed = certifying_level(context)
    acting = context.role.level
    if acting is None or acting.rank < needed.rank:
        raise GuardFailed(
            f"a {context.product.stars}★ certificate can only be revoked at {needed.value} "
            f"level or above; {context.actor.username} acts at "
            f"{acting.value if acting else context.role.value} level",
            vi=f"Giấy chứng nhận {context.product.stars} sao chỉ được thu hồi từ "
            f"{label_of('level', needed)} trở lên; tài khoản {context.actor.username} thuộc "
            f"{label_of('level', acting) if acting else label_of('role', context.role)}",
        )
