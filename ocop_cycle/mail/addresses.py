"""The one rule for email addresses, used wherever an address enters the system (CLI,
HTTP, import) and again before a message row is written, so that nothing accepted at
entry is refused by the mailer later.

The rule is email-validator's syntax check (no DNS lookups: entry must not depend on the
network) without SMTPUTF8, because the mailer does not require the server to support it.
An internationalised domain is kept in its ASCII (IDNA) form, which every server takes.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr

from ocop_cycle.errors import InvalidInput


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot receive mail, or None when the mailer can send to it."""
    # Imported when an address is checked: its tables are large, and commands that only
    # read (``product show``) reach this module through the mail outbox.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def normalized_email(address: str) -> str:
    """The address as stored (domain lower-cased, IDNA), or refuse it saying what to do."""
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(
            address.strip(), check_deliverability=False, allow_smtputf8=False
        )
    except EmailNotValidError as exc:
        raise InvalidInput(
            f"{address!r} is not a valid email address: {exc} "
            "Correct the person's email and try again.",
            vi=f"{address!r} không phải là địa chỉ email hợp lệ. Hãy sửa lại địa chỉ email rồi thử lại",
        ) from None
    return checked.ascii_email or checked.normalized


def optional_email(address: str | None) -> str | None:
    """An email given at entry: empty means none, anything else must pass the rule."""
    if address is None or address.strip() == "":
        return None
    return normalized_email(address)


def check_recipient(address: str) -> str:
    """Return the address, or refuse it saying what is wrong and what to do."""
    normalized_email(address)
    return address


def sender_address(mail_from: str) -> Address:
    """The ``From`` of every message, from the ``OCOP_MAIL_FROM`` setting."""
    name, addr = parseaddr(mail_from)
    if address_problem(addr) is not None:
        raise InvalidInput(
            f"OCOP_MAIL_FROM={mail_from!r} is not an address like 'OCOP <ocop@example.vn>'",
            vi=f"Địa chỉ gửi thư OCOP_MAIL_FROM={mail_from!r} không đúng dạng, ví dụ: OCOP <ocop@example.vn>",
        )
    local, domain = addr.split("@")
    return Address(display_name=name, username=local, domain=domain)
