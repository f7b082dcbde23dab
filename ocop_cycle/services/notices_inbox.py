"""The notices sent about the products a person may see: what a producer was told, when,
and whether it went out. Subjects are rendered from the same templates the mailer uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ocop_cycle.db.models import OutboxMessage, Product
from ocop_cycle.errors import OcopError
from ocop_cycle.mail.templates import render
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.visibility import visible_products

LIMIT = 100


def notices_for(runtime: Runtime, viewer: str, *, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The latest notices about the viewer's products, newest first."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        rows = session.execute(
            select(OutboxMessage, Product.name)
            .join(Product, Product.id == OutboxMessage.product_id)
            .where(visible_products(session, user))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        ).all()
    notices = []
    for message, product in rows:
        try:
            subject = render(
                message.kind, message.language, message.context, runtime.settings.notifications_dir
            ).subject
        except (OcopError, KeyError, TypeError):
            subject = message.kind  # a template changed since: the kind still says what it was
        notices.append(
            {
                "product_id": message.product_id,
                "product": product,
                "subject": subject,
                "to": message.recipient_name or message.recipient,
                "created_at": message.created_at.isoformat(),
                "status": message.status,
                "sent_at": message.sent_at.isoformat() if message.sent_at else None,
            }
        )
    return notices
