"""Certificates, as officers see them and as the public verifies them."""

from __future__ import annotations

from pydantic import BaseModel

from ocop_cycle.web.schemas.common import Label, Open


class Issuer(BaseModel):
    level: str
    unit: str | None
    label: Label


class PublicCertificate(BaseModel):
    """Exactly what ``ocop certificate verify`` prints: nothing private."""

    number: str
    product: str
    producer: str
    stars: int
    rule_set: str
    issued_by: Issuer
    decision_number: str
    decision_date: str
    valid_from: str
    valid_until: str
    status: str
    status_label: Label
    checked_on: str


class Certificate(Open):
    id: int
    number: str
    product_id: int
    stars: int
    status: str
    valid_from: str
    expires_on: str


class CertificatePage(BaseModel):
    items: list[Certificate]
    total: int
    page: int
    per_page: int
