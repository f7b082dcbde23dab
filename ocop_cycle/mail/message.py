"""Building the RFC 5322 message for one outbox row: multipart text + HTML, UTF-8.

Subjects and display names with Vietnamese diacritics become RFC 2047 encoded words.
They are encoded here with ``email.header.Header`` and stored raw, because the modern
policy's folder drops the space between two words when it splits a long non-ASCII
subject across encoded words (on Python 3.11: "Tỏi Lý Sơn" arrived as "TỏiLý Sơn");
``Header`` splits inside the encoded text, so every space survives.
"""

from __future__ import annotations

from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from ocop_cycle.clock import LOCAL_TZ
from ocop_cycle.mail.templates import Rendered


def build_message(
    *,
    sender: Address,
    recipient: str,
    recipient_name: str | None,
    rendered: Rendered,
    message_id: str,
    language: str,
    kind: str,
    now: datetime,
) -> EmailMessage:
    message = EmailMessage(policy=SMTP.clone(refold_source="none"))
    message.set_raw("From", _address(sender.display_name, sender.addr_spec))
    message.set_raw("To", _address(recipient_name or "", recipient))
    message.set_raw("Subject", _encoded(rendered.subject, "Subject"))
    message["Date"] = format_datetime(now.astimezone(LOCAL_TZ))
    message["Message-ID"] = message_id
    # Tell vacation responders not to answer (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["X-OCOP-Kind"] = kind
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    # After the parts: set_content would drop Content-* headers set before it.
    message["Content-Language"] = language
    return message


def _encoded(text: str, name: str) -> str:
    if text.isascii():
        return text
    return Header(text, "utf-8", header_name=name).encode(linesep="\r\n")


def _address(name: str, addr_spec: str) -> str:
    if not name:
        return addr_spec
    if name.isascii():
        return formataddr((name, addr_spec))
    return f"{Header(name, 'utf-8').encode()} <{addr_spec}>"
