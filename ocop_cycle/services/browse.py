"""Products as a signed-in person sees them over HTTP: scoped to their jurisdiction.

The CLI operator holds the database credentials and reads everything through
``services.products``; a person reaching the system over the network sees only what
``services.visibility`` allows, and a product outside it does not exist for them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ocop_cycle.db.models import (
    AdminUnit,
    Certificate,
    History,
    IdempotentResponse,
    Producer,
    Product,
    User,
)
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.identity.accounts import user_view
from ocop_cycle.identity.actors import require_role
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.certificates import STATUSES
from ocop_cycle.services.lookup import get_unit, get_user, products_under, unit_names
from ocop_cycle.services.producers import producer_view
from ocop_cycle.services.views import certificate_view, history_view, product_view
from ocop_cycle.services.visibility import visible_producers, visible_product, visible_products
from ocop_cycle.workflow.forwards import transitions_now
from ocop_cycle.workflow.permissions import transition_problem

MAX_PER_PAGE = 100


def search_products(
    runtime: Runtime,
    viewer: str,
    *,
    state: str | None = None,
    unit_code: str | None = None,
    query: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> dict[str, Any]:
    """One page of the products ``viewer`` may see, newest first, with the total count."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            f"page starts at 1 and per_page is 1–{MAX_PER_PAGE}",
            vi=f"Số trang bắt đầu từ 1 và mỗi trang có từ 1 đến {MAX_PER_PAGE} dòng",
        )
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        conditions = [visible_products(session, user)]
        if state:
            conditions.append(Product.state == state)
        if unit_code:
            conditions.append(products_under(get_unit(session, unit_code)))
        if query and query.strip():
            conditions.append(Product.name.ilike(f"%{_escape_like(query.strip())}%", escape="\\"))
        total = session.scalar(select(func.count()).select_from(Product).where(*conditions))
        rows = list(
            session.scalars(
                select(Product)
                .options(joinedload(Product.producer))
                .where(*conditions)
                .order_by(Product.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
        names = unit_names(session, {row.commune_code for row in rows})
        return {
            "items": [
                {
                    "id": row.id,
                    "name": row.name,
                    "state": row.state,
                    "workflow": row.workflow,
                    "commune": {"code": row.commune_code, "name": names.get(row.commune_code)},
                    "producer": {"id": row.producer.id, "name": row.producer.name},
                    "stars": row.stars,
                    "version": row.version,
                }
                for row in rows
            ],
            "total": total or 0,
            "page": page,
            "per_page": per_page,
        }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def product_for(runtime: Runtime, viewer: str, product_id: int) -> dict[str, Any]:
    """The product page's data, with the triggers ``viewer`` may fire now."""
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        return product_view(runtime, session, visible_product(session, user, product_id), user)


def history_for(runtime: Runtime, viewer: str, product_id: int) -> list[dict[str, Any]]:
    with runtime.transaction() as session:
        product = visible_product(session, get_user(session, viewer), product_id)
        rows = session.scalars(
            select(History).where(History.product_id == product.id).order_by(History.id)
        )
        return [history_view(row) for row in rows]


def triggers_for(runtime: Runtime, viewer: str, product_id: int) -> list[dict[str, Any]]:
    """What ``viewer`` may fire now, with the data each trigger needs and its labels."""
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        product = visible_product(session, user, product_id)
        in_force = runtime.workflows.for_new_product(
            runtime.clock.today(), runtime.settings.default_workflow
        )
        offered: dict[str, dict[str, Any]] = {}
        for transition in transitions_now(runtime.workflows, product, in_force):
            if transition.trigger in offered or transition_problem(user, product, transition):
                continue
            offered[transition.trigger] = {
                "trigger": transition.trigger,
                "label": {"vi": transition.label.vi, "en": transition.label.en},
                "comment_required": transition.comment_required,
                "requires": list(transition.requires),
            }
        return list(offered.values())


def _body_digest(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def fire_as(
    runtime: Runtime,
    viewer: str,
    product_id: int,
    trigger: str,
    *,
    comment: str | None,
    data: Mapping[str, str],
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Fire a trigger for a signed-in person: unseen products are not found and a stale
    ``expected_version`` is refused. With an ``idempotency_key``, the first answer is kept:
    the same key and body get it again without firing; the same key with another body is
    refused. The engine's request id (``viewer:key``) still fires once if two copies race."""
    if idempotency_key is not None and (
        not 1 <= len(idempotency_key) <= 40 or not idempotency_key.isprintable()
    ):
        raise InvalidInput(
            "Idempotency-Key must be 1–40 printable characters",
            vi="Idempotency-Key phải gồm từ 1 đến 40 ký tự in được",
        )
    digest = _body_digest(
        {"trigger": trigger, "comment": comment, "data": dict(data), "product": product_id}
    )
    with runtime.transaction() as session:
        visible_product(session, get_user(session, viewer), product_id)
        if idempotency_key is not None:
            earlier = session.scalars(
                select(IdempotentResponse).where(
                    IdempotentResponse.username == viewer,
                    IdempotentResponse.key == idempotency_key,
                )
            ).first()
            if earlier is not None:
                if earlier.body_sha256 != digest:
                    raise InvalidInput(
                        f"Idempotency-Key {idempotency_key!r} was used with another request "
                        "body; use a new key for a new request",
                        vi=f"Idempotency-Key {idempotency_key!r} đã được dùng cho một yêu cầu khác; hãy dùng khóa mới",
                    )
                return dict(earlier.response)
    view = products.fire(
        runtime,
        product_id,
        trigger,
        actor=viewer,
        comment=comment,
        data=data,
        request_id=f"{viewer}:{idempotency_key}" if idempotency_key else None,
        expected_version=expected_version,
    )
    if idempotency_key is not None:
        _keep_response(runtime, viewer, idempotency_key, digest, view)
    return view


def _keep_response(
    runtime: Runtime, viewer: str, key: str, digest: str, view: dict[str, Any]
) -> None:
    """Store the first answer; a concurrent copy of the request may have stored it first."""
    try:
        with runtime.transaction() as session:
            session.add(
                IdempotentResponse(
                    username=viewer,
                    key=key,
                    body_sha256=digest,
                    response=json.loads(json.dumps(view, default=str)),
                    created_at=runtime.clock.now(),
                )
            )
    except IntegrityError:
        pass


def certificates_for(
    runtime: Runtime,
    viewer: str,
    *,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> dict[str, Any]:
    """Certificates of the products ``viewer`` may see, soonest expiry first."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            f"unknown status {status!r}; use one of: {', '.join(STATUSES)}",
            vi=f"Trạng thái {status!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('certificate_status', item) for item in STATUSES)}",
        )
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        conditions = [visible_products(session, user)]
        if status is not None:
            conditions.append(Certificate.status == status)
        joined = select(Certificate, Product.name).join(
            Product, Product.id == Certificate.product_id
        )
        total = session.scalar(
            select(func.count())
            .select_from(Certificate)
            .join(Product, Product.id == Certificate.product_id)
            .where(*conditions)
        )
        rows = session.execute(
            joined.where(*conditions)
            .order_by(Certificate.expires_on, Certificate.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return {
            "items": [{**certificate_view(row), "product": name} for row, name in rows],
            "total": total or 0,
            "page": page,
            "per_page": per_page,
        }


def certificate_for(runtime: Runtime, viewer: str, certificate_id: int) -> dict[str, Any]:
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        certificate = session.get(Certificate, certificate_id)
        if certificate is None:
            raise NotFound(
                f"no certificate with id {certificate_id} in your jurisdiction",
                vi=f"Không tìm thấy giấy chứng nhận số {certificate_id} trong phạm vi bạn phụ trách",
            )
        try:
            product = visible_product(session, user, certificate.product_id)
        except NotFound:
            raise NotFound(
                f"no certificate with id {certificate_id} in your jurisdiction",
                vi=f"Không tìm thấy giấy chứng nhận số {certificate_id} trong phạm vi bạn phụ trách",
            ) from None
        return {**certificate_view(certificate), "product": product.name}


def report_province_for(runtime: Runtime, viewer: str, province: str | None) -> str | None:
    """The province whose annual report ``viewer`` may read: their own for a province
    officer; any for central officers and admins; none for the others."""
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        role = require_role(
            user,
            (Role.PROVINCE_OFFICER, Role.CENTRAL_OFFICER, Role.ADMIN),
            "read the annual report",
        )
        if role is Role.PROVINCE_OFFICER:
            if province is not None and province != user.unit_code:
                raise NotFound(
                    f"no report for province {province} in your jurisdiction",
                    vi=f"Không tìm thấy báo cáo của tỉnh {province} trong phạm vi bạn phụ trách",
                )
            return user.unit_code
        return province


def ensure_visible(runtime: Runtime, viewer: str, product_id: int) -> None:
    """Refuse with NotFound unless ``viewer`` may see the product (before another service)."""
    with runtime.transaction() as session:
        visible_product(session, get_user(session, viewer), product_id)


def producers_for(
    runtime: Runtime, viewer: str, *, commune_code: str | None = None
) -> list[dict[str, Any]]:
    """The producers ``viewer`` may see, with their contact details, by name."""
    with runtime.transaction() as session:
        statement = (
            select(Producer)
            .where(visible_producers(get_user(session, viewer)))
            .order_by(Producer.name, Producer.id)
            .limit(1000)
        )
        if commune_code:
            statement = statement.where(Producer.commune_code == commune_code)
        rows = list(session.scalars(statement))
        names = unit_names(session, {row.commune_code for row in rows})
        return [producer_view(row, names.get(row.commune_code, row.commune_code)) for row in rows]


def producer_for(runtime: Runtime, viewer: str, producer_id: int) -> dict[str, Any]:
    with runtime.transaction() as session:
        producer = session.scalars(
            select(Producer).where(
                Producer.id == producer_id, visible_producers(get_user(session, viewer))
            )
        ).first()
        if producer is None:
            raise NotFound(
                f"no producer with id {producer_id} in your jurisdiction",
                vi=f"Không tìm thấy chủ thể số {producer_id} trong phạm vi bạn phụ trách",
            )
        names = unit_names(session, {producer.commune_code})
        return producer_view(producer, names.get(producer.commune_code, producer.commune_code))


def users_for(runtime: Runtime, viewer: str) -> list[dict[str, Any]]:
    """Accounts an admin (all) or a province officer (their province's) looks after."""
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        role = require_role(user, (Role.ADMIN, Role.PROVINCE_OFFICER), "list users")
        statement = select(User).where(User.role != Role.SYSTEM.value).order_by(User.username)
        if role is Role.PROVINCE_OFFICER:
            statement = statement.where(
                or_(
                    User.unit_code == user.unit_code,
                    User.unit_code.in_(_units_under(user.unit_code)),
                    User.producer_id.in_(
                        select(Producer.id).where(visible_producers(user))
                    ),
                )
            )
        return [user_view(row) for row in session.scalars(statement)]


def _units_under(code: str | None) -> Any:
    children = select(AdminUnit.code).where(AdminUnit.parent_code == code)
    grandchildren = select(AdminUnit.code).where(AdminUnit.parent_code.in_(children))
    return children.union(grandchildren)
