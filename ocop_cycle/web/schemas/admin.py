"""Bodies and answers of the province import and the administrators' bulk operations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ocop_cycle.web.schemas.common import Open, Problem


class ImportSummary(Open):
    """What an import wrote, or with ``dry_run`` would write."""

    file: str
    rows: int
    dry_run: bool
    actor: str
    workflow: str
    producers_created: int
    products_created: int
    products_updated: int
    certificates_created: int
    rows_already_imported: int
    states: dict[str, int]


class RowProblem(BaseModel):
    row: int
    column: str
    reason: str


class ImportProblem(Problem):
    """A refused file: every error, by row and column; nothing was imported. A file that
    cannot be read at all (type, size, encoding) carries no ``rows``."""

    rows: list[RowProblem] = Field(default_factory=list)


class MigrationRequest(BaseModel):
    """Move running products by a state map shipped with the application."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_workflow: str = Field(alias="from", min_length=1, max_length=60)
    to_workflow: str = Field(alias="to", min_length=1, max_length=60)
    map: str = Field(
        min_length=1,
        max_length=80,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="name of a map in workflows/migrations/, e.g. ocop-148-to-26-2026",
    )
    dry_run: bool = False


class MigrationSummary(Open):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_workflow: str = Field(alias="from")
    to_workflow: str = Field(alias="to")
    products: int
    moves: dict[str, int]
    dry_run: bool


class UnitsLoadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province: str = Field(pattern=r"^[0-9]{1,3}$", description="national code, e.g. 51")
    scheme: Literal["2025", "legacy"] = "2025"


class UnitsLoaded(BaseModel):
    province: str
    scheme: str
    loaded: dict[str, int]


class UnitsConvertRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Literal["2025"]
    dry_run: bool = False


class UnitsConverted(Open):
    dry_run: bool
    products: int
    producers: int
    users: int
