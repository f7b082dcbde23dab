"""``/products``: register, list, read, history, triggers, transitions and product sets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from ocop_cycle.services import browse
from ocop_cycle.services.products import record_product_set, register_product
from ocop_cycle.web.deps import PrincipalDep, ProductId, RuntimeDep
from ocop_cycle.web.errors import HttpProblem
from ocop_cycle.web.schemas import products as schemas
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(prefix="/products", tags=["products"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (401, 403, 404, 409, 412, 422)
}


def _etag(version: int) -> str:
    return f'"{version}"'


def _version_from(if_match: str | None) -> int | None:
    """The product version an ``If-Match`` header names (``"7"`` or ``W/"7"``)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 9:
        raise HttpProblem(
            412, "stale_version", f"If-Match {if_match!r} is not an ETag of this product"
        )
    return int(tag)


@router.get("", response_model=schemas.ProductPage, responses=_PROBLEMS)
def list_products(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(max_length=60)] = None,
    unit: Annotated[str | None, Query(max_length=10)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=browse.MAX_PER_PAGE)] = 20,
) -> dict[str, Any]:
    """Products in your jurisdiction, newest first, with the total for pagination."""
    return browse.search_products(
        runtime,
        principal.username,
        state=state,
        unit_code=unit,
        query=q,
        page=page,
        per_page=per_page,
    )


@router.post("", status_code=201, response_model=schemas.Product, responses=_PROBLEMS)
def register(
    body: schemas.Registration, runtime: RuntimeDep, principal: PrincipalDep, response: Response
) -> dict[str, Any]:
    """Register a product idea (phiếu đăng ký ý tưởng sản phẩm)."""
    view = register_product(
        runtime,
        name=body.name,
        producer_id=body.producer_id,
        group=body.group,
        actor=principal.username,
        workflow=body.workflow,
        product_set=body.product_set,
    )
    response.headers["ETag"] = _etag(view["version"])
    response.headers["Location"] = f"/api/v1/products/{view['id']}"
    return view


@router.get("/{product_id}", response_model=schemas.Product, responses=_PROBLEMS)
def get_product(
    product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep, response: Response
) -> dict[str, Any]:
    """A product with its history; the ``ETag`` is its version, for ``If-Match``."""
    view = browse.product_for(runtime, principal.username, product_id)
    response.headers["ETag"] = _etag(view["version"])
    return view


@router.get(
    "/{product_id}/history", response_model=list[schemas.HistoryRow], responses=_PROBLEMS
)
def history(product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    return browse.history_for(runtime, principal.username, product_id)


@router.get("/{product_id}/triggers", response_model=list[schemas.Trigger], responses=_PROBLEMS)
def triggers(product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """What you may fire now, with the data each trigger needs and its labels."""
    return browse.triggers_for(runtime, principal.username, product_id)


@router.post(
    "/{product_id}/transitions", response_model=schemas.Product, responses=_PROBLEMS
)
def transition(
    product_id: ProductId,
    body: schemas.Transition,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
    idempotency_key: Annotated[str | None, Header(max_length=40)] = None,
) -> dict[str, Any]:
    """Fire a trigger. ``If-Match`` refuses a stale product (412); the same
    ``Idempotency-Key`` and body answer again without firing twice."""
    view = browse.fire_as(
        runtime,
        principal.username,
        product_id,
        body.trigger,
        comment=body.comment,
        data=body.data,
        expected_version=_version_from(if_match),
        idempotency_key=idempotency_key,
    )
    response.headers["ETag"] = _etag(view["version"])
    return view


@router.put("/{product_id}/product-set", response_model=schemas.Product, responses=_PROBLEMS)
def product_set(
    product_id: ProductId,
    body: schemas.ProductSetRecord,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> dict[str, Any]:
    """Record the product set of a product moved from the older rules, which has none
    (officers of its commune or province). The same set again changes nothing; another
    set is refused (422): a set once recorded stays."""
    view = record_product_set(
        runtime,
        product_id,
        body.product_set,
        actor=principal.username,
        expected_version=_version_from(if_match),
    )
    response.headers["ETag"] = _etag(view["version"])
    return view
