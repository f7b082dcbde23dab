"""The public catalogue of certified OCOP products: what a shopper may look up, nothing private.

Only certificates in force today are listed (status active and not past expiry), with the
product, its producer's name, the locality and the stars; never contact details or scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from ocop_cycle.db.models import Certificate, Producer, Product
from ocop_cycle.errors import InvalidInput
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_unit, products_under, unit_names

MAX_PER_PAGE = 50
STARS = (3, 4, 5)


@dataclass(frozen=True)
class CatalogueQuery:
    text: str | None = None
    unit_code: str | None = None
    stars: int | None = None
    page: int = 1
    per_page: int = 20


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_catalogue(runtime: Runtime, query: CatalogueQuery) -> dict[str, Any]:
    """One page of products holding a certificate in force, best rated first, with the total."""
    if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            f"trang bắt đầu từ 1, mỗi trang 1–{MAX_PER_PAGE} sản phẩm",
            vi=f"Trang bắt đầu từ 1, mỗi trang 1–{MAX_PER_PAGE} sản phẩm",
        )
    if query.stars is not None and query.stars not in STARS:
        raise InvalidInput("số sao là 3, 4 hoặc 5", vi="Số sao là 3, 4 hoặc 5")
    today = runtime.clock.today()
    with runtime.transaction() as session:
        conditions: list[ColumnElement[bool]] = [
            Certificate.status == "active",
            Certificate.expires_on > today,
        ]
        if query.text and query.text.strip():
            pattern = f"%{_escape_like(query.text.strip())}%"
            conditions.append(Product.name.ilike(pattern, escape="\\"))
        if query.unit_code:
            conditions.append(products_under(get_unit(session, query.unit_code)))
        if query.stars is not None:
            conditions.append(Certificate.stars == query.stars)
        base = (
            select(Certificate, Product.name, Product.commune_code, Product.district_code)
            .join(Product, Product.id == Certificate.product_id)
            .where(*conditions)
        )
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.execute(
            base.add_columns(Producer.name)
            .join(Producer, Producer.id == Certificate.producer_id)
            .order_by(Certificate.stars.desc(), Product.name, Certificate.id)
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        ).all()
        codes = {code for row in rows for code in (row[2], row[3]) if code}
        names = unit_names(session, codes)
        items = [
            {
                "product": product_name,
                "producer": producer_name,
                "stars": certificate.stars,
                "commune": names.get(commune_code, commune_code),
                "district": names.get(district_code) if district_code else None,
                "valid_until": certificate.expires_on.isoformat(),
                "verification_code": certificate.verification_code,
            }
            for certificate, product_name, commune_code, district_code, producer_name in rows
        ]
        return {
            "items": items,
            "total": total,
            "page": query.page,
            "per_page": query.per_page,
            "pages": max(1, -(-total // query.per_page)),
        }


def localities(runtime: Runtime, province_code: str | None = None) -> list[dict[str, str]]:
    """The units under the province that have a certified product, for the catalogue's filter.

    Districts where the units have them; communes directly under the province (the 2025
    two-tier units) otherwise.
    """
    today = runtime.clock.today()
    with runtime.transaction() as session:
        statement = (
            select(func.coalesce(Product.district_code, Product.commune_code))
            .join(Certificate, Certificate.product_id == Product.id)
            .where(Certificate.status == "active", Certificate.expires_on > today)
            .distinct()
        )
        if province_code:
            statement = statement.where(Product.province_code == province_code)
        codes = {code for code in session.scalars(statement) if code}
        names = unit_names(session, codes)
        return sorted(
            ({"code": code, "name": names.get(code, code)} for code in codes),
            key=lambda unit: unit["name"],
        )
