"""Checking a recipient address before a row is written, with a reason a person can act on."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import parseaddr

from ocop_cycle.errors import InvalidInput

_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot receive mail, or None when it looks deliverable."""
    if not address or address != address.strip():
        return "it is empty or has spaces around it"
    if address.count("@") != 1:
        return "it must contain exactly one @"
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _LOCAL.match(local) or ".." in local:
        return f"the part before @ ({local!r}) is not a valid mailbox name"
    if local.startswith(".") or local.endswith("."):
        return "the part before @ may not start or end with a dot"
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return f"the domain {domain!r} is not a valid domain name"
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"the domain {domain!r} is not a valid domain name (like example.vn)"
    return None


def check_recipient(address: str) -> str:
    """Return the address, or refuse it saying what is wrong and what to do."""
    problem = address_problem(address)
    if problem is not None:
        raise InvalidInput(
            f"{address!r} is not a valid email address: {problem}; "
            "correct the person's email and try again"
        )
    return address


def sender_address(mail_from: str) -> Address:
    """The ``From`` of every message, from the ``OCOP_MAIL_FROM`` setting."""
    name, addr = parseaddr(mail_from)
    if address_problem(addr) is not None:
        raise InvalidInput(
            f"OCOP_MAIL_FROM={mail_from!r} is not an address like 'OCOP <ocop@example.vn>'"
        )
    local, domain = addr.split("@")
    return Address(display_name=name, username=local, domain=domain)
