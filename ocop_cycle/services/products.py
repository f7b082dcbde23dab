"""Registering products, firing their triggers, and showing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import AdminUnit, Product, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Level, ProductGroup, Role, parse_choice
from ocop_cycle.errors import Conflict, InvalidInput, OcopError, StaleVersion
from ocop_cycle.identity.actors import (
    acting_user,
    acting_user_and_product,
    require_role,
    system_user,
)
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import forwarding
from ocop_cycle.services.lookup import (
    get_producer,
    get_product,
    get_unit,
    get_user,
    products_under,
    unit_names,
)
from ocop_cycle.services.units import ancestry
from ocop_cycle.services.views import product_view
from ocop_cycle.services.visibility import visible_product, visible_products
from ocop_cycle.workflow import engine
from ocop_cycle.workflow.data_checks import check_transition_data
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.forwards import forwards_of
from ocop_cycle.workflow.hooks import FireContext
from ocop_cycle.workflow.permissions import check_transition
from ocop_cycle.workflow.pins import ensure_pinned
from ocop_cycle.workflow.product_sets import all_product_sets, parse_set_number
from ocop_cycle.workflow.product_sets import product_set as find_product_set
from ocop_cycle.workflow.registry import CompiledWorkflow

# What a caller writes with a move, in its transaction: (session, product, actor).
Along = Callable[[Session, Product, User], None]


def register_product(
    runtime: Runtime,
    *,
    name: str,
    producer_id: int,
    group: str | None = None,
    actor: str,
    workflow: str | None = None,
    product_set: int | None = None,
) -> dict[str, Any]:
    """Register a product idea under the workflow in force today (or ``workflow``)."""
    name = inputs.single_line(name, "product name")
    compiled = runtime.workflows.for_new_product(
        runtime.clock.today(), workflow or runtime.settings.default_workflow
    )
    definition = compiled.definition
    product_group = _product_group(runtime, definition, group, product_set)
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        ensure_pinned(session, definition, compiled.content_hash, now)
        producer = get_producer(session, producer_id)
        commune = get_unit(session, producer.commune_code)
        _check_units_scheme(definition, commune)
        codes = ancestry(session, commune)
        product = Product(
            name=name.strip(),
            producer_id=producer.id,
            commune_code=codes[Level.COMMUNE],
            district_code=codes.get(Level.DISTRICT),
            province_code=codes[Level.PROVINCE],
            product_group=product_group.value,
            product_set=product_set,
            workflow=definition.name,
            workflow_version=definition.version,
            state=definition.initial,
            created_at=now,
            updated_at=now,
        )
        product.producer = producer
        transition = engine.registration(definition)
        role = check_transition(user, product, transition)
        session.add(product)
        session.flush()
        context = FireContext(
            session=session,
            product=product,
            actor=user,
            role=role,
            definition=definition,
            transition=transition,
            now=now,
        )
        engine.settle(context, request_id=None)
        return product_view(runtime, session, product, user)


def _check_units_scheme(definition: WorkflowDef, commune: AdminUnit) -> None:
    """Refuse a commune of the other administrative scheme: 26/2026 products are coded by
    2025 communes, 148 ones are checked by a district that only the legacy units have."""
    needed = definition.units_scheme
    if needed is None or commune.scheme == needed:
        return
    where = f"the producer's commune {commune.name} ({commune.code})"
    if needed == "2025":
        raise InvalidInput(
            f"products under {definition.name} ({definition.rule_set}) name a 2025 commune; "
            f"{where} is a legacy (pre-2025) unit. Move producers to the 2025 communes with "
            "`ocop units convert --to 2025`, or choose a producer in a 2025 commune",
            vi=f"Sản phẩm theo quy trình {definition.name} phải thuộc một xã theo địa giới năm 2025; xã "
            f"{commune.name} ({commune.code}) của chủ thể là đơn vị theo địa giới cũ (trước năm 2025)",
        )
    raise InvalidInput(
        f"products under {definition.name} ({definition.rule_set}) name a legacy commune "
        f"(with its district); {where} is a 2025 unit. Choose a producer in a legacy commune "
        "(`ocop units load --scheme legacy`), or register under the workflow in force "
        "(leave out --workflow)",
        vi=f"Sản phẩm theo quy trình {definition.name} phải thuộc một xã theo địa giới cũ (kèm "
        f"huyện); xã {commune.name} ({commune.code}) của chủ thể là đơn vị theo địa giới năm 2025. "
        "Hãy chọn chủ thể ở xã theo địa giới cũ, hoặc đăng ký theo quy trình đang có hiệu lực",
    )


def _product_group(
    runtime: Runtime, definition: WorkflowDef, group: str | None, product_set: int | None
) -> ProductGroup:
    """The group given, or the one the product set's sector files it under (26/2026)."""
    if product_set is None:
        if definition.product_sets:
            raise InvalidInput(
                f"products under {definition.name} name their product set (1–26, Decision "
                "26/2026 Appendix II): give --product-set N (see `ocop criteria sets`)",
                vi=f"Sản phẩm theo quy trình {definition.name} phải ghi bộ sản phẩm (từ 1 đến 26, Phụ lục II "
                "Quyết định 26/2026)",
            )
        if group is None:
            raise InvalidInput(
                "give the product group with --group (food, drinks, …)", vi="Hãy chọn nhóm sản phẩm"
            )
        try:
            return parse_choice(ProductGroup, group, "product group")
        except ValueError as exc:
            raise InvalidInput(
                str(exc),
                vi=f"Nhóm sản phẩm {group!r} không hợp lệ; hãy chọn một trong: "
                f"{', '.join(label_of('product_group', item) for item in ProductGroup)}",
            ) from None
    parse_set_number(str(product_set))
    derived = find_product_set(product_set, runtime.settings.workflows_dir).legacy_group
    if group is not None and group.strip().lower() != derived.value:
        raise InvalidInput(
            f"product set {product_set} is filed under the group {derived.value}, not {group}; "
            "leave --group out, it follows from --product-set",
            vi=f"Bộ sản phẩm số {product_set} thuộc nhóm «{label_of('product_group', derived)}», không "
            f"thuộc nhóm «{label_of('product_group', group)}»; nhóm sản phẩm được xác định theo bộ sản phẩm",
        )
    return derived


def fire(
    runtime: Runtime,
    product_id: int,
    trigger: str,
    *,
    actor: str,
    comment: str | None = None,
    data: Mapping[str, str] | None = None,
    request_id: str | None = None,
    expected_version: int | None = None,
    along: Along | None = None,
) -> dict[str, Any]:
    """Fire one trigger as one transaction; a repeated request id fires nothing, and a
    product changed since ``expected_version`` (HTTP ``If-Match``) is refused.
    ``along`` writes what belongs with the move in the same transaction (a dossier's
    documents and self-assessment): refused, nothing of either is kept.

    The same request id fired concurrently: the first to commit wins and every other
    caller gets its result, as a retry a moment later would (PostgreSQL lets both start).
    """
    try:
        return _fire_once(
            runtime, product_id, trigger, actor=actor, comment=comment, data=data,
            request_id=request_id, expected_version=expected_version, along=along,
        )
    except Conflict:
        if request_id is None:
            raise
        with runtime.reading() as session:
            if not engine.replayed_request(session, request_id, product_id, trigger):
                raise
            user = acting_user(session, actor)
            return product_view(runtime, session, get_product(session, product_id), user)


def _fire_once(
    runtime: Runtime,
    product_id: int,
    trigger: str,
    *,
    actor: str,
    comment: str | None,
    data: Mapping[str, str] | None,
    request_id: str | None,
    expected_version: int | None,
    along: Along | None = None,
) -> dict[str, Any]:
    check_transition_data(data or {}, runtime.clock.today(), runtime.settings)
    comment = inputs.optional_single_line(comment, "comment")
    with runtime.transaction() as session:
        user, product = acting_user_and_product(session, actor, product_id)
        compiled = runtime.workflows.get(product.workflow, product.workflow_version)
        pin = (compiled.definition.name, compiled.definition.version)
        if pin not in runtime.verified_pins:
            ensure_pinned(session, compiled.definition, compiled.content_hash, runtime.clock.now())
        replayed = request_id is not None and engine.replayed_request(
            session, request_id, product_id, trigger
        )
        if replayed:
            # Read committed (PostgreSQL): the first caller may have committed after this
            # transaction loaded the product; answer with the product it left.
            session.refresh(product)
        else:
            _check_version(product, expected_version)
            in_force = runtime.workflows.for_new_product(
                runtime.clock.today(), runtime.settings.default_workflow
            )
            fired = _carry_forward(runtime, session, product, trigger, user, in_force)
            engine.fire(
                session,
                runtime.workflows.get(product.workflow, product.workflow_version),
                product,
                user,
                fired,
                now=runtime.clock.now(),
                comment=comment,
                data=data,
                request_id=request_id,
                workflows=runtime.workflows,
                default_workflow=in_force.definition.name,
                forwarded_from=trigger if fired != trigger else None,
            )
            if along is not None:
                along(session, product, user)
        view = product_view(runtime, session, product, user)
    runtime.verified_pins.add(pin)  # committed: a pin written just now is stored
    return view


def _check_version(product: Product, expected_version: int | None) -> None:
    """Refuse a change to a product changed since the caller read it (HTTP ``If-Match``)."""
    if expected_version is None or product.version == expected_version:
        return
    raise StaleVersion(
        f"product {product.id} changed since version {expected_version} "
        f"(it is at version {product.version}); nothing was changed. "
        "Reload it and try again",
        vi=f"Sản phẩm #{product.id} đã được người khác cập nhật (phiên bản {product.version}, trang "
        f"của bạn là phiên bản {expected_version}); chưa có gì thay đổi. Hãy tải lại trang rồi "
        "thực hiện lại",
    )


# Recording a product's set is written in its history under this name (no transition).
RECORD_SET = "record_product_set"
# Those who register products and check their dossiers place a moved product in its set.
SET_RECORDERS = (Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.ADMIN)


def record_product_set(
    runtime: Runtime,
    product_id: int,
    product_set: int | str,
    *,
    actor: str,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Place a product with no set in its product set (Decision 26/2026, Appendix II).

    Products moved from 148/1489 were filed by group; under 26/2026 they are scored, and
    file their self-assessment, on their set's sheet, so an officer records the set first.
    The group follows from the set, as at registration. A set once recorded stays (the
    product's sheets and scores are of that set); recording the same set again is a retry
    and changes nothing."""
    number = parse_set_number(str(product_set))
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        product = visible_product(session, user, product_id)
        role = _check_set_recorder(runtime, user, product)
        if product.product_set == number:
            return product_view(runtime, session, product, user)  # recorded already: a retry
        if product.product_set is not None:
            raise InvalidInput(
                f"product {product_id} is already in product set {product.product_set}; a set "
                "once recorded is not changed (its sheets and scores are of that set)",
                vi=f"Sản phẩm #{product_id} đã thuộc bộ sản phẩm số {product.product_set}; bộ sản phẩm "
                "đã ghi thì không thay đổi (phiếu và điểm của sản phẩm theo bộ này)",
            )
        _check_version(product, expected_version)
        group_before = product.product_group
        product.product_set = number
        product.product_group = find_product_set(number, runtime.settings.workflows_dir).legacy_group.value
        product.updated_at = now
        session.flush()  # the version-checked write of the product
        engine.append_history(
            session, product, trigger=RECORD_SET, from_state=product.state,
            actor=user.username, role=role.value, at=now,
            data={"product_set": number, "product_group": product.product_group,
                  "product_group_before": group_before},
        )
        return product_view(runtime, session, product, user)


def _check_set_recorder(runtime: Runtime, user: User, product: Product) -> Role:
    """``user``'s role if they may record ``product``'s set: an officer who registers and
    checks products, for a product on rules that file products by set."""
    role = require_role(user, SET_RECORDERS, "record a product's set")
    definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
    if not definition.product_sets:
        raise InvalidInput(
            f"product {product.id} is under {definition.key}, which files products by group, "
            "not by product set; sets are recorded for products under Decision 26/2026",
            vi=f"Sản phẩm #{product.id} theo quy trình {definition.key}, phân theo nhóm sản phẩm chứ "
            "không theo bộ sản phẩm; chỉ ghi bộ sản phẩm cho sản phẩm theo Quyết định 26/2026",
        )
    return role


def sets_to_record(runtime: Runtime, viewer: str, product_id: int) -> list[dict[str, Any]]:
    """The product sets ``viewer`` may place the product in now, as the product page offers
    them (``record_product_set``); none when it has a set, needs none, or they may not."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        product = visible_product(session, user, product_id)
        if product.product_set is not None:
            return []
        try:
            _check_set_recorder(runtime, user, product)
        except OcopError:
            return []
    return [
        {"number": found.number, "name": {"vi": found.name.vi, "en": found.name.en}}
        for found in all_product_sets(runtime.settings.workflows_dir)
    ]


def _carry_forward(
    runtime: Runtime,
    session: Session,
    product: Product,
    trigger: str,
    user: User,
    in_force: CompiledWorkflow,
) -> str:
    """The trigger to fire: ``trigger`` itself, or, for a product on older rules whose map
    forwards it to the rules in force, the new trigger, after moving the product there."""
    forward = forwards_of(runtime.workflows, product, in_force).get(trigger)
    if forward is None:
        return trigger
    forwarding.carry_forward(
        session, runtime.workflows, product, forward, fired=trigger, actor=user,
        now=runtime.clock.now(),
    )
    return forward.trigger


def fire_timer(runtime: Runtime, product_id: int, trigger: str) -> dict[str, Any]:
    """Fire a timer trigger as the system account: the scheduler's own path (and the
    demo's simulation of it). No interface exposes it; nobody can name ``system``."""
    now = runtime.clock.now()
    with runtime.transaction() as session:
        system = system_user(session)
        product = get_product(session, product_id)
        compiled = runtime.workflows.get(product.workflow, product.workflow_version)
        ensure_pinned(session, compiled.definition, compiled.content_hash, now)
        engine.fire(
            session,
            compiled,
            product,
            system,
            trigger,
            now=now,
            workflows=runtime.workflows,
            default_workflow=runtime.workflows.for_new_product(
                runtime.clock.today(), runtime.settings.default_workflow
            ).definition.name,
        )
        return product_view(runtime, session, product, system)


def list_products(
    runtime: Runtime,
    *,
    state: str | None = None,
    unit_code: str | None = None,
    limit: int = 200,
    offset: int = 0,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """A page of products, optionally in one state or under one unit (any level); with
    ``viewer``, only those in that user's jurisdiction."""
    if state is not None:
        known = sorted({name for compiled in runtime.workflows.all()
                        for name in compiled.definition.states})
        if state not in known:
            raise InvalidInput(
                f"--state {state!r} is not a state; states: {', '.join(known)}",
                vi=f"Trạng thái {state!r} không hợp lệ",
            )
    with runtime.reading() as session:
        statement = select(Product).order_by(Product.id).limit(limit).offset(offset)
        if state is not None:
            statement = statement.where(Product.state == state)
        if unit_code is not None:
            statement = statement.where(products_under(get_unit(session, unit_code)))
        if viewer is not None:
            statement = statement.where(visible_products(session, get_user(session, viewer)))
        page = list(session.scalars(statement))
        names = unit_names(session, {product.commune_code for product in page})
        return [
            {
                "id": product.id,
                "name": product.name,
                "state": product.state,
                "workflow": product.workflow,
                "workflow_version": product.workflow_version,
                "commune": {"code": product.commune_code, "name": names.get(product.commune_code)},
                "producer": {"id": product.producer.id, "name": product.producer.name},
                "stars": product.stars,
                "score": float(product.score) if product.score is not None else None,
            }
            for product in page
        ]
