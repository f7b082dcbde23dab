"""Shapes shared by every area: references, labels and the problem details body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Open(BaseModel):
    """A response that promises the fields it names and may carry more."""

    model_config = ConfigDict(extra="allow")


class UnitRef(BaseModel):
    code: str
    name: str | None


class Label(BaseModel):
    vi: str
    en: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the error's stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
