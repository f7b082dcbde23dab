"""Revocation on one of the grounds of Decision 26/2026/QĐ-TTg Art. 8.

The ground, the conclusion behind it and its date are data of the trigger; the level
that certified the certificate's stars revokes it (the province 3–4★, the Ministry 5★),
no other.
"""

from __future__ import annotations

from sqlalchemy import select

from ocop_cycle.db.models import Certificate, History
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import GuardFailed, InvalidInput
from ocop_cycle.workflow.definition import Label
from ocop_cycle.workflow.fields import parse_legal_date
from ocop_cycle.workflow.hooks import FireContext, action, data_field, guard, step

# Art. 8.1, in the decision's order (đ is written dd).
GROUNDS: dict[str, Label] = {
    "a": Label(
        vi="Cung cấp thông tin, tài liệu không trung thực hoặc giả mạo hồ sơ",
        en="False information or a forged dossier",
    ),
    "b": Label(
        vi="Sản phẩm không còn đáp ứng Bộ tiêu chí OCOP theo kết luận kiểm tra, giám sát",
        en="No longer meets the OCOP criteria (inspection conclusion)",
    ),
    "c": Label(
        vi="Vi phạm pháp luật về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ, "
        "ghi nhãn hoặc quy định khác",
        en="Breaks the law on quality, food safety, environment, IP, labelling or other rules",
    ),
    "d": Label(
        vi="Sử dụng nhãn hiệu OCOP không đúng quy định",
        en="Misuses the OCOP mark",
    ),
    "dd": Label(
        vi="Chủ thể không còn hoạt động sản xuất sản phẩm OCOP",
        en="The producer no longer makes the product",
    ),
    "e": Label(
        vi="Trường hợp khác theo kết luận của cơ quan nhà nước có thẩm quyền",
        en="Another conclusion of a competent state body",
    ),
}


@data_field("revocation_ground")
def _ground(text: str) -> str:
    ground = text.strip().lower().replace("đ", "dd")
    if ground not in GROUNDS:
        raise ValueError(
            f"revocation_ground {text!r} is not a ground of Decision 26/2026 Art. 8; use one "
            f"of {', '.join(GROUNDS)}"
        )
    return ground


@data_field("conclusion")
def _conclusion(text: str) -> str:
    reference = text.strip()
    if not reference:
        raise ValueError("conclusion needs the reference of the conclusion (e.g. KL 12/KL-SNN)")
    return reference


@data_field("conclusion_date")
def _conclusion_date(text: str) -> str:
    return parse_legal_date(text).isoformat()


@guard("actor_revokes_certificate")
def actor_revokes_certificate(context: FireContext) -> None:
    certificate = Certificate.active_for(context.session, context.product.id)
    if certificate is None:
        raise GuardFailed(
            f"product {context.product.id} has no active certificate to revoke",
            vi=f"Sản phẩm #{context.product.id} không có giấy chứng nhận còn hiệu lực để thu hồi",
        )
    needed = context.definition.scoring.certifying_level.get(certificate.stars)
    acting = context.role.level
    if needed is None or acting is not needed:
        raise GuardFailed(
            f"a {certificate.stars}★ certificate is revoked at "
            f"{needed.value if needed else 'no'} level (Decision 26/2026 Art. 8.2); "
            f"{context.actor.username} acts at {acting.value if acting else context.role.value} "
            "level",
            vi=f"Giấy chứng nhận {certificate.stars} sao do "
            f"{label_of('level', needed) if needed else 'không cấp nào'} thu hồi (khoản 2 Điều 8 "
            f"Quyết định 26/2026); tài khoản {context.actor.username} thuộc "
            f"{label_of('level', acting) if acting else label_of('role', context.role)}",
        )


@action("revoke_on_ground")
def revoke_on_ground(context: FireContext) -> None:
    certificate = Certificate.active_for(context.session, context.product.id)
    if certificate is None:
        return
    ground = context.data["revocation_ground"]
    certificate.status = "revoked"
    certificate.revocation_ground = ground
    certificate.revocation_reason = (
        f"{GROUNDS[ground].vi} — {context.data['conclusion']} ({context.data['conclusion_date']})"
    )
    certificate.revocation_decision = context.data.get("decision_number")
    # The revoked notice (and the history row) say why: the ground and the conclusion.
    context.data["reason"] = certificate.revocation_reason
    context.effects["certificate"] = certificate.number
    context.effects["ground"] = {"code": ground, **GROUNDS[ground].model_dump()}


_CONCLUSION = ("revocation_ground", "conclusion", "conclusion_date")


@step("proposed_revocation", supplies=_CONCLUSION)
def proposed_revocation(context: FireContext) -> None:
    """Revoking a proposal takes its ground and conclusion unless the officer gives them
    (a failed inspection proposes ground b); revoking directly needs them given."""
    missing = [key for key in _CONCLUSION if key not in context.data]
    if not missing:
        return
    # Only a proposal that brought the product where it is now (never a dismissed one).
    latest = context.session.execute(
        select(History.trigger, History.data)
        .where(History.product_id == context.product.id)
        .order_by(History.id.desc())
        .limit(1)
    ).first()
    proposal = (
        latest.data if latest is not None and latest.trigger == "propose_revocation" else None
    )
    if not proposal:
        raise InvalidInput(
            f"{context.transition.trigger} needs "
            + ", ".join(missing)
            + ": give --data revocation_ground=a|b|c|d|dd|e --data conclusion=REF "
            "--data conclusion_date=DATE",
            vi=f"Bước «{context.transition.label.vi}» cần: "
            + ", ".join(missing)
            + " (căn cứ thu hồi, số và ngày văn bản kết luận)",
        )
    for key in missing:
        context.data[key] = proposal[key]
