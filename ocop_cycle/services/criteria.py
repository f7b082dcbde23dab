"""Showing a rule set's criteria catalogue."""

from __future__ import annotations

from typing import Any

from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.resources import data_dir
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow.criteria import Catalogue, Item, catalogue_named
from ocop_cycle.workflow.definition import Label
from ocop_cycle.workflow.product_sets import ProductSet, all_product_sets
from ocop_cycle.workflow.sheets import Criterion, Sheet, all_sheets, is_sheet_catalogue, sheet_for


def resolve_name(runtime: Runtime, name: str) -> str:
    """The catalogue a name means: a workflow's (``ocop-1489`` → ``ocop-148``) or itself."""
    if is_sheet_catalogue(name, runtime.settings.workflows_dir):
        return name
    try:
        definition = runtime.workflows.get(name).definition
    except NotFound:
        return name
    return definition.scoring.criteria or definition.name


def catalogue_for_name(runtime: Runtime, name: str) -> Catalogue:
    """A workflow's section-level catalogue, or a catalogue by its name."""
    directory = data_dir("workflows", runtime.settings.workflows_dir)
    return catalogue_named(directory, resolve_name(runtime, name))


def show_catalogue(
    runtime: Runtime, name: str, group: str | None = None, product_set: int | None = None
) -> dict[str, Any]:
    """A catalogue for people: section-level (148, 1048) or the sheets of 26/2026."""
    resolved = resolve_name(runtime, name)
    if is_sheet_catalogue(resolved, runtime.settings.workflows_dir):
        if group is not None:
            raise InvalidInput(
                f"{resolved} is organised by product set, not group: use --set N "
                "(`ocop criteria sets` lists them)",
                vi=f"Bộ tiêu chí {resolved} được tổ chức theo bộ sản phẩm, không theo nhóm: hãy chọn bộ sản phẩm",
            )
        if product_set is None:
            return sets_view(runtime, resolved, name)
        return sheet_view(sheet_for(product_set, runtime.settings.workflows_dir))
    if product_set is not None:
        raise InvalidInput(
            f"{resolved} has no option-level sheets per product set; --set applies to "
            "ocop-26-2026 (use --group for this catalogue)",
            vi=f"Bộ tiêu chí {resolved} không có phiếu chấm theo bộ sản phẩm; hãy chọn theo nhóm sản phẩm",
        )
    catalogue = catalogue_named(data_dir("workflows", runtime.settings.workflows_dir), resolved)
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


def sets_view(runtime: Runtime, catalogue: str, requested: str) -> dict[str, Any]:
    """The list of sets of an option-level catalogue, with the size of each sheet."""
    sheets = all_sheets(runtime.settings.workflows_dir)
    return {
        "name": catalogue,
        "requested": requested,
        "rule_set": "26/2026/QĐ-TTg",
        "sets": [
            {
                **_product_set(sheet.product_set),
                "criteria": len(sheet.criteria()),
                "knockouts": len(sheet.file.knockouts),
                "source": sheet.file.source,
            }
            for sheet in sheets
        ],
    }


def sheet_view(sheet: Sheet) -> dict[str, Any]:
    """One set's sheet: parts → sections → criteria → options, and its knock-outs."""
    return {
        "set": sheet.number,
        "name": _label(sheet.product_set.name),
        "source": sheet.file.source,
        "parts": [
            {
                "code": part.code,
                "name": part.name,
                "max": part.max,
                "sections": [
                    {
                        "code": section.code,
                        "name": section.name,
                        "max": section.max,
                        "notes": section.notes,
                        "criteria": [criterion_view(c) for c in section.criteria],
                    }
                    for section in part.sections
                ],
            }
            for part in sheet.file.parts
        ],
        "knockouts": [{"code": k.code, "text": k.text} for k in sheet.file.knockouts],
        "notes": [note.model_dump(exclude_none=True) for note in sheet.file.notes],
    }


def criterion_view(criterion: Criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "name": criterion.name,
        "max": criterion.max,
        "requirement": criterion.requirement,
        "notes": criterion.notes,
        "options": [
            {
                "index": index,
                "text": option.text,
                "points": option.points,
                "min_stars": option.stars,
                "case": option.case,
                "implied": option.implied,
            }
            for index, option in enumerate(criterion.options)
        ],
    }
