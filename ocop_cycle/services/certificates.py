"""Certificates: listing, showing and public verification.

Expiry is the scheduler's (``ocop_cycle.scheduling``): it expires a certificate on its
date whatever the product's state, so a renewal scored below 50 (product ``not_ranked``,
old certificate still active) still loses its certificate on the expiry date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import AdminUnit, Certificate, Product
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.mail.undeliverable import reachability
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_unit, get_user, products_under
from ocop_cycle.services.views import certificate_view
from ocop_cycle.services.visibility import visible_product, visible_products

STATUSES = ("active", "expired", "revoked", "superseded")
_STATUS_LABEL = {
    "active": ("Còn hiệu lực", "Valid"),
    "expired": ("Hết hiệu lực", "Expired"),
    "revoked": ("Đã bị thu hồi", "Revoked"),
    "superseded": ("Đã được thay thế bằng giấy chứng nhận mới", "Replaced by a newer certificate"),
}
_LEVEL_LABEL = {
    "district": ("cấp huyện", "district"),
    "province": ("cấp tỉnh", "province"),
    "central": ("cấp Trung ương", "central"),
}


def list_certificates(
    runtime: Runtime,
    *,
    status: str | None = None,
    unit_code: str | None = None,
    expiring_before: date | None = None,
    limit: int = 200,
    offset: int = 0,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """A page of certificates, filtered by status, the product's unit, or expiry; with
    ``viewer``, only those of products in that user's jurisdiction."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            f"unknown status {status!r}; use one of: {', '.join(STATUSES)}",
            vi=f"Trạng thái {status!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('certificate_status', item) for item in STATUSES)}",
        )
    with runtime.reading() as session:
        statement = (
            select(Certificate, Product.name)
            .join(Product, Product.id == Certificate.product_id)
            .order_by(Certificate.expires_on, Certificate.id)
            .limit(limit)
            .offset(offset)
        )
        if status is not None:
            statement = statement.where(Certificate.status == status)
        if expiring_before is not None:
            statement = statement.where(Certificate.expires_on < expiring_before)
        if unit_code is not None:
            statement = statement.where(products_under(get_unit(session, unit_code)))
        if viewer is not None:
            statement = statement.where(visible_products(session, get_user(session, viewer)))
        return [
            {**certificate_view(certificate), "product": name}
            for certificate, name in session.execute(statement)
        ]


def show_certificate(
    runtime: Runtime, certificate_id: int, viewer: str | None = None
) -> dict[str, Any]:
    """One certificate; with ``viewer``, only one in their jurisdiction."""
    with runtime.reading() as session:
        certificate = session.get(Certificate, certificate_id)
        missing = NotFound(
            f"no certificate with id {certificate_id}; see 'ocop certificate list'",
            vi=f"Không tìm thấy giấy chứng nhận số {certificate_id}",
        )
        if certificate is None:
            raise missing
        if viewer is not None:
            try:
                visible_product(session, get_user(session, viewer), certificate.product_id)
            except NotFound:
                raise missing from None
        product = session.get(Product, certificate.product_id)
        assert product is not None
        producer = product.producer
        return {
            **certificate_view(certificate),
            "product": product.name,
            "producer": producer.name,
            "product_state": product.state,
            # Decision 26/2026 Appendix II: the product's code.
            "product_code": product.product_code,
            # Flagged when mail cannot reach the holder: no reminder will arrive.
            "producer_email": producer.email,
            "producer_email_status": reachability(producer.email, producer.email_status),
        }


def normalise_code(code: str) -> str:
    """Codes are printed in groups and typed by hand: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def verify(runtime: Runtime, code: str) -> dict[str, Any]:
    """What a consumer scanning the package's QR code sees: nothing private.

    Product, producer, stars, issuer, validity and status; never the producer's email,
    phone or tax code, nor the council's score. A certificate past its expiry date reads
    as expired even before the scheduler has recorded it.
    """
    cleaned = normalise_code(code)
    if not cleaned:
        raise InvalidInput(
            "give the verification code printed under the QR code",
            vi="Hãy nhập mã xác thực in dưới mã QR",
        )
    today = runtime.clock.today()
    with runtime.reading() as session:
        certificate = session.scalars(
            select(Certificate).where(Certificate.verification_code == cleaned)
        ).first()
        if certificate is None:
            raise NotFound(
                f"Không tìm thấy giấy chứng nhận OCOP với mã {cleaned} / no OCOP certificate "
                "has this code: the product may not be OCOP certified",
                vi=f"Không tìm thấy giấy chứng nhận OCOP với mã {cleaned}: sản phẩm có thể chưa được chứng "
                "nhận OCOP",
            )
        product = session.get(Product, certificate.product_id)
        assert product is not None
        status = certificate.status
        # A late re-rating filing keeps it valid until the decision, at most to the cap.
        ends_on = certificate.valid_until_decision_cap or certificate.expires_on
        if status == "active" and today >= ends_on:
            status = "expired"
        issuer = session.get(AdminUnit, certificate.issuing_unit_code or "")
        vi_level, en_level = _LEVEL_LABEL.get(
            certificate.issuing_level, (certificate.issuing_level,) * 2
        )
        vi_status, en_status = _STATUS_LABEL[status]
        return {
            "number": certificate.number,
            "product": product.name,
            "product_code": product.product_code,
            "producer": product.producer.name,
            "stars": certificate.stars,
            "rule_set": certificate.rule_set,
            "issued_by": {
                "level": certificate.issuing_level,
                "unit": issuer.name if issuer else None,
                "label": {"vi": vi_level, "en": en_level},
            },
            "decision_number": certificate.decision_number,
            "decision_date": certificate.decision_date.isoformat(),
            "valid_from": certificate.valid_from.isoformat(),
            "valid_until": certificate.expires_on.isoformat(),
            "valid_until_decision_cap": (
                certificate.valid_until_decision_cap.isoformat()
                if certificate.valid_until_decision_cap
                else None
            ),
            "status": status,
            "status_label": {"vi": vi_status, "en": en_status},
            "checked_on": today.isoformat(),
        }
