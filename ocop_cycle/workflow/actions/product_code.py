"""The product code of Decision 26/2026/QĐ-TTg Appendix II: province code – commune code –
the product's serial number in its commune – evaluation year (``51-21025-003-2026``).

Given once, when the commune forwards the product's first dossier under 26/2026; the
year is that of the round the product joins (the evaluation year), or today's.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ocop_cycle.db.models import Product, Round
from ocop_cycle.workflow.hooks import FireContext, action


def product_code(province: str, commune: str, serial: int, year: int) -> str:
    return f"{province}-{commune}-{serial:03d}-{year}"


@action("assign_product_code")
def assign_product_code(context: FireContext) -> None:
    product, session = context.product, context.session
    if product.product_code is not None:
        return
    coded = session.scalar(
        select(func.count())
        .select_from(Product)
        .where(Product.commune_code == product.commune_code, Product.product_code.is_not(None))
    )
    joined = session.get(Round, product.round_id) if product.round_id is not None else None
    year = joined.year if joined is not None else context.today.year
    product.product_code = product_code(
        product.province_code, product.commune_code, (coded or 0) + 1, year
    )
    context.effects["product_code"] = product.product_code
