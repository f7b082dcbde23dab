"""Producers as officers look after them: list, show, edit their contact details, and
the refusal of a second producer with the same name in the same commune.

A producer's ``email_status`` is "ok", "undeliverable" (a server refused the address for
good; its reply is ``email_error``) or "missing" (no address): the last two never
receive mail, so the province's digest and ``certificate show`` flag them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.db.models import Producer
from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_over_unit
from ocop_cycle.mail.addresses import optional_email
from ocop_cycle.mail.undeliverable import MISSING, OK, UNDELIVERABLE, reachability
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_producer, get_unit, unit_names

LANGUAGES = ("vi", "en")


def same_name(first: str, second: str) -> bool:
    """Names typed twice differ in case, spacing or Unicode form, not in letters."""

    def key(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return key(first) == key(second)


def refuse_duplicate_producer(
    session: Session, name: str, commune_code: str, commune_name: str, *, other_than: int = 0
) -> None:
    names = session.execute(
        select(Producer.id, Producer.name).where(
            Producer.commune_code == commune_code, Producer.id != other_than
        )
    )
    for producer_id, existing in names:
        if same_name(existing, name):
            raise InvalidInput(
                f"producer {producer_id} ({existing}) in {commune_name} has this name already; "
                "use that producer, or add --allow-duplicate if this is another producer "
                "with the same name",
                vi=f"Chủ thể số {producer_id} ({existing}) ở {commune_name} đã có tên này; hãy dùng chủ thể "
                "đó, hoặc xác nhận đây là một chủ thể khác trùng tên",
            )


def email_status(producer: Producer) -> str:
    return reachability(producer.email, producer.email_status)


def producer_view(producer: Producer, commune_name: str) -> dict[str, Any]:
    return {
        "id": producer.id,
        "name": producer.name,
        "type": producer.type,
        "commune": {"code": producer.commune_code, "name": commune_name},
        "email": producer.email,
        "email_status": email_status(producer),
        "email_error": producer.email_error if producer.email else None,
        "email_failed_at": (
            producer.email_failed_at.isoformat()
            if producer.email and producer.email_failed_at
            else None
        ),
        "phone": producer.phone,
        "tax_code": producer.tax_code,
        "language": producer.language,
        "created_at": producer.created_at.isoformat(),
    }


def list_producers(
    runtime: Runtime, *, commune_code: str | None = None, email_status_is: str | None = None
) -> list[dict[str, Any]]:
    if email_status_is is not None and email_status_is not in (OK, UNDELIVERABLE, MISSING):
        raise InvalidInput(
            f"unknown email status {email_status_is!r}; use ok, undeliverable or missing",
            vi=f"Tình trạng email {email_status_is!r} không hợp lệ; hãy chọn: nhận được thư, không nhận "
            "được thư hoặc chưa có email",
        )
    with runtime.reading() as session:
        statement = select(Producer).order_by(Producer.name, Producer.id)
        if commune_code is not None:
            get_unit(session, commune_code)
            statement = statement.where(Producer.commune_code == commune_code)
        producers = list(session.scalars(statement))
        names = unit_names(session, {p.commune_code for p in producers})
        return [
            producer_view(p, names.get(p.commune_code, p.commune_code))
            for p in producers
            if email_status_is is None or email_status(p) == email_status_is
        ]


def show_producer(runtime: Runtime, producer_id: int) -> dict[str, Any]:
    with runtime.reading() as session:
        producer = get_producer(session, producer_id)
        return producer_view(producer, get_unit(session, producer.commune_code).name)


def edit_producer(
    runtime: Runtime,
    producer_id: int,
    *,
    actor: str | None,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Change what is given (``None`` leaves a field; an empty email or phone removes it).
    A changed email starts as deliverable: the refusal belonged to the old one. Officers
    over the producer's commune and the producer's own account may edit."""
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(
            f"language {language!r} is not supported; use vi or en",
            vi=f"Ngôn ngữ {language!r} không được hỗ trợ; hãy chọn tiếng Việt (vi) hoặc tiếng Anh (en)",
        )
    if name is not None:
        name = inputs.single_line(name, "producer name")
    if phone is not None:
        phone = inputs.optional_single_line(phone, "phone", max_length=40) or ""
    new_email = optional_email(email) if email is not None else None
    if all(value is None for value in (name, email, phone, language)):
        raise InvalidInput(
            "nothing to change: give --name, --email, --phone or --language",
            vi="Không có gì để thay đổi: hãy nhập tên, email, số điện thoại hoặc ngôn ngữ",
        )
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        producer = get_producer(session, producer_id)
        commune = get_unit(session, producer.commune_code)
        # The producer's own account keeps its contact details; officers those in their unit.
        if not (user.role == Role.PRODUCER.value and user.producer_id == producer.id):
            require_over_unit(
                session, user, producer.commune_code, f"edit producer {producer.id}"
            )
        if name is not None:
            if not allow_duplicate:
                refuse_duplicate_producer(
                    session, name.strip(), producer.commune_code, commune.name,
                    other_than=producer.id,
                )
            producer.name = name.strip()
        if email is not None:
            producer.email = new_email  # a changed address clears its refusal (the model)
        if phone is not None:
            producer.phone = phone.strip() or None
        if language is not None:
            producer.language = language
        session.flush()
        return producer_view(producer, commune.name)
