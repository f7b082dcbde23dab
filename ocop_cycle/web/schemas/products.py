"""Products: registering, reading, and firing their workflow's triggers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ocop_cycle.web.schemas.common import Label, Open, UnitRef


class ProducerRef(BaseModel):
    id: int
    name: str


class ProductRow(BaseModel):
    id: int
    name: str
    state: str
    workflow: str
    commune: UnitRef
    producer: ProducerRef
    stars: int | None
    version: int


class ProductPage(BaseModel):
    items: list[ProductRow]
    total: int
    page: int
    per_page: int


class HistoryRow(Open):
    trigger: str
    to: str
    actor: str
    role: str
    at: str
    comment: str | None


class Product(Open):
    id: int
    name: str
    group: str
    state: str
    state_label: str
    workflow: str
    workflow_version: int
    commune: UnitRef
    stars: int | None
    version: int
    allowed_triggers: list[str]
    history: list[HistoryRow]


class Trigger(BaseModel):
    trigger: str
    label: Label
    comment_required: bool
    requires: list[str]


class Registration(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    producer_id: int = Field(gt=0, lt=2**31)
    # Decision 26/2026 names the product set (1–26); older workflows the product group.
    product_set: int | None = Field(default=None, ge=1, le=26)
    group: str | None = Field(default=None, min_length=1, max_length=40)
    workflow: str | None = Field(default=None, max_length=60)


class ProductSetRecord(BaseModel):
    """The product set (Decision 26/2026, Appendix II) of a product moved from older rules."""

    product_set: int = Field(ge=1, le=26)


class Transition(BaseModel):
    trigger: str = Field(min_length=1, max_length=60)
    comment: str | None = Field(default=None, max_length=4000)
    data: dict[str, str] = Field(default_factory=dict, max_length=40)
