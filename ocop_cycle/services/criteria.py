"""Showing a rule set's criteria catalogue."""

from __future__ import annotations

from typing import Any

from ocop_cycle.errors import NotFound
from ocop_cycle.resources import data_dir
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow.criteria import Catalogue, Item, catalogue_named
from ocop_cycle.workflow.definition import Label
from ocop_cycle.workflow.product_sets import ProductSet, all_product_sets


def catalogue_for_name(runtime: Runtime, name: str) -> Catalogue:
    """A workflow's catalogue (``ocop-1489`` → ocop-148's), or a catalogue by its name."""
    directory = data_dir("workflows", runtime.settings.workflows_dir)
    try:
        definition = runtime.workflows.get(name).definition
    except NotFound:
        return catalogue_named(directory, name)
    return catalogue_named(directory, definition.scoring.criteria or definition.name)


def show_catalogue(runtime: Runtime, name: str, group: str | None = None) -> dict[str, Any]:
    catalogue = catalogue_for_name(runtime, name)
    groups = [catalogue.group(group)] if group is not None else catalogue.groups
    mandatory = catalogue.mandatory_for(group) if group is not None else catalogue.mandatory
    return {
        "name": catalogue.name,
        "requested": name,
        "rule_set": catalogue.rule_set,
        "title": _label(catalogue.title),
        "source": catalogue.source,
        "coverage": _label(catalogue.coverage),
        "total": float(sum(part.max for part in catalogue.parts)),
        "parts": [
            {
                "code": part.code,
                "name": _label(part.name),
                "max": float(part.max),
                "sections": [
                    {
                        "code": section.code,
                        "name": _label(section.name),
                        "max": float(section.max),
                        "items": [_item(item) for item in section.items],
                    }
                    for section in part.sections
                ],
            }
            for part in catalogue.parts
        ],
        "groups": [
            {
                "code": item.code.value,
                "name": _label(item.name),
                "product_sets": [
                    {
                        "code": product_set.code,
                        "name": _label(product_set.name),
                        "items": {
                            section: [_item(entry) for entry in entries]
                            for section, entries in product_set.items.items()
                        },
                        "item_lists_loaded": bool(product_set.items),
                    }
                    for product_set in item.product_sets
                ],
            }
            for item in groups
        ],
        "mandatory": [
            {
                "code": criterion.code,
                "section": criterion.section,
                "label": _label(criterion.label),
                "groups": [code.value for code in criterion.groups],
                "product_sets": criterion.product_sets,
                "source": criterion.source,
            }
            for criterion in mandatory
        ],
    }


def _label(label: Label) -> dict[str, str]:
    return {"vi": label.vi, "en": label.en}


def _item(item: Item) -> dict[str, Any]:
    return {"code": item.code, "name": _label(item.name), "max": float(item.max)}


def list_product_sets(runtime: Runtime) -> list[dict[str, Any]]:
    """The 26 sets of Decision 26/2026 with their place in Appendix I."""
    return [_product_set(entry) for entry in all_product_sets(runtime.settings.workflows_dir)]


def _product_set(entry: ProductSet) -> dict[str, Any]:
    return {
        "number": entry.number,
        "name": _label(entry.name),
        "sector": {"code": entry.sector_code, "name": _label(entry.sector)},
        "group": {"code": entry.group.code, "name": _label(entry.group.label)},
        "subgroup": (
            {"code": entry.subgroup.code, "name": _label(entry.subgroup.label)}
            if entry.subgroup is not None
            else None
        ),
        "ministries": list(entry.ministries),
        "legacy_group": entry.legacy_group.value,
    }
