"""Post-recognition inspections (Decision 26/2026/QĐ-TTg Art. 9) and revocation by
certificate (Art. 8): each a record plus, where the law says so, a workflow trigger."""

from __future__ import annotations

from typing import Any

from ocop_cycle.db.models import Certificate, Inspection
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import InvalidInput, NotFound, PermissionDenied
from ocop_cycle.identity.actors import acting_user
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_product
from ocop_cycle.services.products import fire
from ocop_cycle.services.visibility import visible_product
from ocop_cycle.workflow.fields import parse_legal_date
from ocop_cycle.workflow.permissions import jurisdiction_problem

KINDS = ("periodic", "unannounced")
OUTCOMES = ("pass", "fail")
INSPECTING_ROLES = ("province_officer", "central_officer")


def record_inspection(
    runtime: Runtime,
    product_id: int,
    *,
    kind: str,
    inspected_on: str,
    outcome: str,
    findings: str,
    actor: str,
) -> dict[str, Any]:
    """Record an inspection; a failed one opens the revocation route with ground b."""
    if kind not in KINDS:
        raise InvalidInput(
            f"inspection kind {kind!r} is not one of {', '.join(KINDS)}",
            vi=f"Hình thức kiểm tra {kind!r} không hợp lệ; hãy chọn một trong: {', '.join(KINDS)}",
        )
    if outcome not in OUTCOMES:
        raise InvalidInput(
            f"inspection outcome {outcome!r} is not one of {', '.join(OUTCOMES)}",
            vi=f"Kết luận kiểm tra {outcome!r} không hợp lệ; hãy chọn một trong: {', '.join(OUTCOMES)}",
        )
    if not findings.strip():
        raise InvalidInput(
            "an inspection needs its findings: give --findings TEXT", vi="Hãy ghi kết quả kiểm tra"
        )
    try:
        day = parse_legal_date(inspected_on)
    except ValueError as exc:
        raise InvalidInput(
            str(exc),
            vi=f"Ngày kiểm tra «{inspected_on}» không đúng định dạng; hãy ghi theo dạng dd/mm/yyyy",
        ) from None
    if day > runtime.clock.today():
        raise InvalidInput(
            f"inspection date {day:%d/%m/%Y} is in the future",
            vi=f"Ngày kiểm tra {day:%d/%m/%Y} là ngày trong tương lai",
        )
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = get_product(session, product_id)
        if user.role not in INSPECTING_ROLES:
            raise PermissionDenied(
                f"{user.username} ({user.role}) may not record inspections; a province or "
                "central officer may (Decision 26/2026 Art. 9.4)",
                vi=f"Tài khoản {user.username} ({label_of('role', user.role)}) không được ghi nhận kết quả "
                "kiểm tra; việc này do cán bộ cấp tỉnh hoặc Trung ương thực hiện (khoản 4 Điều 9 Quyết định "
                "26/2026)",
            )
        problem = jurisdiction_problem(user, product)
        if problem is not None:
            raise PermissionDenied(
                f"permission denied: {problem}", vi=f"Không có quyền: {problem.vi}"
            )
        certificate = Certificate.active_for(session, product.id)
        if certificate is None:
            raise InvalidInput(
                f"product {product.id} has no active certificate to inspect",
                vi=f"Sản phẩm #{product.id} không có giấy chứng nhận còn hiệu lực để kiểm tra",
            )
        inspection = Inspection(
            product_id=product.id,
            certificate_id=certificate.id,
            kind=kind,
            inspected_on=day,
            outcome=outcome,
            findings=findings.strip(),
            actor=user.username,
            created_at=runtime.clock.now(),
        )
        session.add(inspection)
        session.flush()
        inspection_id = inspection.id
    view = {
        "inspection": {
            "id": inspection_id,
            "kind": kind,
            "date": day.isoformat(),
            "outcome": outcome,
            "findings": findings.strip(),
        }
    }
    if outcome == "fail":
        view["product"] = fire(
            runtime,
            product_id,
            "propose_revocation",
            actor=actor,
            data={
                "revocation_ground": "b",
                "conclusion": f"Kiểm tra #{inspection_id}",
                "conclusion_date": day.isoformat(),
            },
        )
    return view


def revoke_certificate(
    runtime: Runtime,
    certificate_id: int,
    *,
    ground: str,
    conclusion: str,
    conclusion_date: str,
    actor: str,
    decision_number: str | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    """Fire ``revoke`` on the certificate's product with the ground and conclusion.

    A certificate outside the actor's jurisdiction is not found, as its product would be;
    whether the actor's level revokes it is the engine's (``actor_revokes_certificate``).
    """
    with runtime.transaction() as session:
        certificate = session.get(Certificate, certificate_id)
        missing = NotFound(
            f"no certificate {certificate_id}; see `ocop certificate list`",
            vi=f"Không tìm thấy giấy chứng nhận số {certificate_id}",
        )
        if certificate is None:
            raise missing
        try:
            visible_product(session, acting_user(session, actor), certificate.product_id)
        except NotFound:
            raise missing from None
        if certificate.status != "active":
            raise InvalidInput(
                f"certificate {certificate.number} is {certificate.status}; only an active "
                "certificate is revoked",
                vi=f"Giấy chứng nhận số {certificate.number} đang ở trạng thái "
                f"«{label_of('certificate_status', certificate.status)}»; chỉ thu hồi giấy chứng nhận còn "
                "hiệu lực",
            )
        product_id = certificate.product_id
    data = {
        "revocation_ground": ground,
        "conclusion": conclusion,
        "conclusion_date": conclusion_date,
    }
    if decision_number:
        data["decision_number"] = decision_number
    return fire(runtime, product_id, "revoke", actor=actor, data=data, comment=comment)
