"""Producers and the system account (people's accounts: ``ocop_cycle.identity``)."""

from __future__ import annotations

from ocop_cycle import inputs
from ocop_cycle.db.models import Producer, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Level, ProducerType, Role, parse_choice
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import SYSTEM_USERNAME, acting_user, require_over_unit
from ocop_cycle.mail.addresses import optional_email
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import find_user, get_unit
from ocop_cycle.services.producers import refuse_duplicate_producer

__all__ = ["SYSTEM_USERNAME", "add_producer", "check_email", "ensure_system_user"]


def check_email(email: str | None) -> str | None:
    """The mailer's own rule (one rule at entry and at sending); empty means none."""
    return optional_email(email)


def add_producer(
    runtime: Runtime,
    *,
    actor: str,
    name: str,
    type: str,
    commune_code: str,
    email: str | None = None,
    phone: str | None = None,
    tax_code: str | None = None,
    language: str = "vi",
    allow_duplicate: bool = False,
) -> Producer:
    """Add a producer; one with the same name in the same commune is refused (most often
    the same producer typed twice) unless ``allow_duplicate``."""
    try:
        producer_type = parse_choice(ProducerType, type, "producer type")
    except ValueError as exc:
        raise InvalidInput(
            str(exc),
            vi=f"Loại hình chủ thể {type!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('producer_type', item) for item in ProducerType)}",
        ) from None
    name = inputs.single_line(name, "producer name")
    if language not in ("vi", "en"):
        raise InvalidInput(
            f"language {language!r} is not supported; use vi or en",
            vi=f"Ngôn ngữ {language!r} không được hỗ trợ; hãy chọn tiếng Việt (vi) hoặc tiếng Anh (en)",
        )
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        unit = get_unit(session, commune_code)
        require_over_unit(session, user, commune_code, f"add a producer in {commune_code}")
        if unit.level != Level.COMMUNE:
            raise InvalidInput(
                f"{commune_code} ({unit.name}) is a {unit.level}, not a commune",
                vi=f"{commune_code} ({unit.name}) là đơn vị {label_of('level', unit.level)}, không phải cấp xã",
            )
        if not allow_duplicate:
            refuse_duplicate_producer(session, name.strip(), commune_code, unit.name)
        producer = Producer(
            name=name.strip(),
            type=producer_type.value,
            commune_code=commune_code,
            email=check_email(email),
            phone=inputs.optional_single_line(phone, "phone", max_length=40),
            tax_code=inputs.optional_single_line(tax_code, "tax code", max_length=20),
            language=language,
            created_at=runtime.clock.now(),
        )
        session.add(producer)
        session.flush()
        return producer


def ensure_system_user(runtime: Runtime) -> None:
    """The actor timers fire as; created by ``ocop init``."""
    with runtime.transaction() as session:
        if find_user(session, SYSTEM_USERNAME) is not None:
            return
        session.add(
            User(
                username=SYSTEM_USERNAME,
                display_name="ocop-cycle scheduler",
                role=Role.SYSTEM.value,
                language="vi",
                active=True,
            )
        )
