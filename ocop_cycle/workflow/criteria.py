"""Criteria catalogues: the scoring grid of a rule set, as data next to the workflows.

A catalogue (``workflows/criteria/NAME.yaml``) lists parts → sections → optional items,
each with its maximum points, the product groups and their product sets, and the
mandatory criteria of each group or set. A workflow names its catalogue in
``scoring.criteria`` (ocop-1489 amends the procedure of 148, not its criteria, so it
names ``ocop-148``). Loading checks that the numbers add up, so a province that types in
the full item lists of its product sets finds its mistakes before a council does.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ocop_cycle.domain.vocabulary import ProductGroup
from ocop_cycle.errors import NotFound
from ocop_cycle.workflow.definition import Label
from ocop_cycle.workflow.yaml_files import load_checked_yaml, refuse_problems

TOTAL_POINTS = Decimal(100)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    code: str
    name: Label
    max: Decimal = Field(gt=0)


class Section(_Strict):
    code: str
    name: Label
    max: Decimal = Field(gt=0)
    items: list[Item] = Field(default_factory=list)


class Part(_Strict):
    code: str
    name: Label
    max: Decimal = Field(gt=0)
    sections: list[Section]


class ProductSet(_Strict):
    code: str
    name: Label
    # Full item lists of this set, by section code, where the province has loaded them.
    items: dict[str, list[Item]] = Field(default_factory=dict)


class Group(_Strict):
    code: ProductGroup
    name: Label
    product_sets: list[ProductSet]


class MandatoryCriterion(_Strict):
    """Failing it blocks the star whatever the total (domain notes §4)."""

    code: str
    section: str
    label: Label
    # The groups it applies to; ``product_sets`` narrows it to some sets of those groups.
    groups: list[ProductGroup]
    product_sets: list[str] = Field(default_factory=list)
    source: str | None = None


class Catalogue(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    rule_set: str
    title: Label
    source: str
    # What the file does not yet hold (e.g. item lists), said plainly to its readers.
    coverage: Label
    parts: list[Part]
    groups: list[Group]
    mandatory: list[MandatoryCriterion] = Field(default_factory=list)

    def sections(self) -> dict[str, Section]:
        return {section.code: section for part in self.parts for section in part.sections}

    def mandatory_for(self, group: str, product_set: str | None = None) -> list[MandatoryCriterion]:
        """The mandatory criteria of ``group``; with ``product_set``, only those of that set
        (criteria naming no set apply to every set of their groups)."""
        return [
            criterion
            for criterion in self.mandatory
            if group in criterion.groups
            and (
                product_set is None
                or not criterion.product_sets
                or product_set in criterion.product_sets
            )
        ]

    def group(self, code: str) -> Group:
        for group in self.groups:
            if group.code == code:
                return group
        known = ", ".join(group.code for group in self.groups)
        raise NotFound(
            f"catalogue {self.name} has no product group {code!r}; groups: {known}",
            vi=f"Bộ tiêu chí {self.name} không có nhóm sản phẩm {code!r}; các nhóm hiện có: {known}",
        )


def problems(catalogue: Catalogue) -> list[str]:
    """Every inconsistency in the catalogue; an empty list means it is usable."""
    found: list[str] = []
    total = sum((part.max for part in catalogue.parts), Decimal(0))
    if total != TOTAL_POINTS:
        found.append(f"parts add up to {total}, not {TOTAL_POINTS}")
    codes: set[str] = set()
    for part in catalogue.parts:
        section_total = sum((section.max for section in part.sections), Decimal(0))
        if section_total != part.max:
            found.append(
                f"part {part.code}: sections add up to {section_total}, not the part's {part.max}"
            )
        for section in part.sections:
            if section.code in codes:
                found.append(f"section code {section.code!r} is used twice")
            codes.add(section.code)
            found.extend(_item_problems(f"section {section.code}", section, section.items))
    sections = catalogue.sections()
    set_codes: set[str] = set()
    for group in catalogue.groups:
        for product_set in group.product_sets:
            if product_set.code in set_codes:
                found.append(f"product set code {product_set.code!r} is used twice")
            set_codes.add(product_set.code)
            for section_code, items in product_set.items.items():
                target = sections.get(section_code)
                where = f"product set {product_set.code}, section {section_code}"
                if target is None:
                    found.append(f"{where}: no such section")
                else:
                    found.extend(_item_problems(where, target, items))
    group_codes = {group.code for group in catalogue.groups}
    for criterion in catalogue.mandatory:
        where = f"mandatory criterion {criterion.code}"
        if criterion.section not in sections:
            found.append(f"{where}: unknown section {criterion.section!r}")
        for group_code in criterion.groups:
            if group_code not in group_codes:
                found.append(f"{where}: group {group_code.value!r} is not in this catalogue")
        for set_code in criterion.product_sets:
            if set_code not in set_codes:
                found.append(f"{where}: unknown product set {set_code!r}")
    mandatory_codes = [criterion.code for criterion in catalogue.mandatory]
    if len(set(mandatory_codes)) != len(mandatory_codes):
        found.append("mandatory criterion codes must be unique")
    return found


def _item_problems(where: str, section: Section, items: list[Item]) -> list[str]:
    if not items:
        return []
    found = []
    item_total = sum((item.max for item in items), Decimal(0))
    if item_total != section.max:
        found.append(f"{where}: items add up to {item_total}, not the section's {section.max}")
    item_codes = [item.code for item in items]
    if len(set(item_codes)) != len(item_codes):
        found.append(f"{where}: item codes must be unique")
    return found


def load_catalogue(path: Path) -> Catalogue:
    """Parse and check one catalogue file; every problem is reported with the file."""
    catalogue = load_checked_yaml(path, Catalogue)
    refuse_problems(path, problems(catalogue))
    return catalogue


@cache
def catalogue_at(path: Path) -> Catalogue:
    """Each catalogue file is read and checked once per process."""
    return load_catalogue(path)


def catalogue_named(workflows_dir: Path, name: str) -> Catalogue:
    """The catalogue ``workflows_dir/criteria/NAME.yaml``."""
    path = workflows_dir / "criteria" / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (workflows_dir / "criteria").glob("*.yaml"))
        raise NotFound(
            f"no criteria catalogue {name!r}; known catalogues: {', '.join(known)}",
            vi=f"Không có bộ tiêu chí {name!r}; các bộ tiêu chí hiện có: {', '.join(known)}",
        )
    return catalogue_at(path)
