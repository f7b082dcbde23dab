"""The 26 product sets of Decision 26/2026/QĐ-TTg and what each belongs to.

A product registered under 26/2026 names its set (``--product-set 10``); its sector
(Appendix I) fixes the product group the older decisions and the reports use, so the
group is derived, never typed twice. The data is ``workflows/criteria/ocop-26-2026/sets.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocop_cycle.domain.vocabulary import ProductGroup
from ocop_cycle.errors import InvalidInput, NotFound, WorkflowDefinitionError
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.definition import Label

CATALOGUE_NAME = "ocop-26-2026"
SET_COUNT = 26


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Classification(_Strict):
    """A group or subgroup of Appendix I: its numbering there and its name."""

    code: str
    vi: str
    en: str

    @property
    def label(self) -> Label:
        return Label(vi=self.vi, en=self.en)


class _Sector(_Strict):
    code: str
    name: Label
    legacy_group: ProductGroup


class _Set(_Strict):
    number: int = Field(ge=1, le=SET_COUNT)
    name: Label
    sector: str
    group: Classification
    subgroup: Classification | None = None
    ministries: list[str] = Field(min_length=1)


class _Index(_Strict):
    decision: str
    sectors: list[_Sector]
    sets: list[_Set]


@dataclass(frozen=True)
class ProductSet:
    """One product set (bộ sản phẩm) with its place in Appendix I."""

    number: int
    name: Label
    sector_code: str
    sector: Label
    group: Classification
    subgroup: Classification | None
    ministries: tuple[str, ...]
    # The product group of 148/1048 this set is filed under (the sector decides).
    legacy_group: ProductGroup


def sets_file(workflows_dir: Path | None = None) -> Path:
    return data_dir("workflows", workflows_dir) / "criteria" / CATALOGUE_NAME / "sets.yaml"


@cache
def _load(path: Path) -> dict[int, ProductSet]:
    import yaml  # here: showing a product reads no catalogue

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        index = _Index.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise WorkflowDefinitionError(f"{path}: cannot read YAML: {exc}") from None
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(p) for p in error['loc']) or '(top level)'}: {error['msg']}"
            for error in exc.errors()
        ]
        raise WorkflowDefinitionError("\n".join(lines)) from None
    sectors = {sector.code: sector for sector in index.sectors}
    found: dict[int, ProductSet] = {}
    for entry in index.sets:
        sector = sectors.get(entry.sector)
        if sector is None:
            raise WorkflowDefinitionError(
                f"{path}: set {entry.number}: unknown sector {entry.sector!r}"
            )
        if entry.number in found:
            raise WorkflowDefinitionError(f"{path}: set {entry.number} is listed twice")
        found[entry.number] = ProductSet(
            number=entry.number,
            name=entry.name,
            sector_code=sector.code,
            sector=sector.name,
            group=entry.group,
            subgroup=entry.subgroup,
            ministries=tuple(entry.ministries),
            legacy_group=sector.legacy_group,
        )
    missing = sorted(set(range(1, SET_COUNT + 1)) - set(found))
    if missing:
        raise WorkflowDefinitionError(
            f"{path}: sets {', '.join(map(str, missing))} are missing; Appendix II has {SET_COUNT}"
        )
    return dict(sorted(found.items()))


def all_product_sets(workflows_dir: Path | None = None) -> list[ProductSet]:
    """The 26 sets in the decision's order."""
    return list(_load(sets_file(workflows_dir)).values())


def product_set(number: int, workflows_dir: Path | None = None) -> ProductSet:
    """Set ``number`` (1–26), or a not-found error that says which numbers exist."""
    found = _load(sets_file(workflows_dir)).get(number)
    if found is None:
        raise NotFound(
            f"no product set {number} in Decision 26/2026; sets are numbered 1 to {SET_COUNT} "
            "(see `ocop criteria sets`)",
            vi=f"Quyết định 26/2026 không có bộ sản phẩm số {number}; các bộ được đánh số từ 1 đến "
            f"{SET_COUNT}",
        )
    return found


def parse_set_number(text: str) -> int:
    """User text (``"10"``) into a set number, or a clear input error."""
    try:
        number = int(text.strip())
    except ValueError:
        raise InvalidInput(
            f"product set {text!r} is not a number; use 1 to {SET_COUNT} (see `ocop criteria sets`)",
            vi=f"Bộ sản phẩm {text!r} không phải là số; hãy chọn từ 1 đến {SET_COUNT}",
        ) from None
    if not 1 <= number <= SET_COUNT:
        raise InvalidInput(
            f"product set {number} does not exist; use 1 to {SET_COUNT} (see `ocop criteria sets`)",
            vi=f"Bộ sản phẩm số {number} không tồn tại; hãy chọn từ 1 đến {SET_COUNT}",
        )
    return number
