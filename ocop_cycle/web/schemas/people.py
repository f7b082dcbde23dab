"""Accounts, API tokens and producers at the HTTP boundary."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ocop_cycle.web.schemas.common import Open, UnitRef


class User(BaseModel):
    id: int
    username: str
    name: str
    role: str
    unit: str | None
    producer_id: int | None
    email: str | None
    language: str
    active: bool
    has_password: bool
    must_change_password: bool


class NewUser(BaseModel):
    username: str = Field(min_length=2, max_length=100)
    role: str = Field(min_length=1, max_length=30)
    unit_code: str | None = Field(default=None, max_length=10)
    producer_id: int | None = Field(default=None, gt=0, lt=2**31)
    email: str | None = Field(default=None, max_length=320)
    name: str | None = Field(default=None, max_length=200)
    language: str = Field(default="vi", max_length=5)
    # Set by whoever adds the account; the user must change it at the first sign-in.
    password: str = Field(min_length=1, max_length=1024)


class NewPassword(BaseModel):
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(BaseModel):
    current: str = Field(min_length=1, max_length=1024)
    new: str = Field(min_length=1, max_length=1024)


class NewToken(BaseModel):
    label: str = Field(min_length=1, max_length=100)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class CreatedToken(BaseModel):
    """The token itself is shown here once; only its hash is kept."""

    id: int
    username: str
    label: str
    token: str
    expires_at: datetime | None


class Token(BaseModel):
    id: int
    username: str
    label: str
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    status: str


class Producer(Open):
    id: int
    name: str
    type: str
    commune: UnitRef
    email: str | None
    phone: str | None
    tax_code: str | None
    language: str


class NewProducer(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    type: str = Field(min_length=1, max_length=30)
    commune_code: str = Field(min_length=1, max_length=10)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    tax_code: str | None = Field(default=None, max_length=20)
    language: str = Field(default="vi", max_length=5)


class ProducerChange(BaseModel):
    """Fields left out stay as they are; an empty email or phone removes it."""

    name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=5)
