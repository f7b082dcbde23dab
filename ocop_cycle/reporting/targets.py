"""The year's targets, from a small YAML or JSON file the provincial office keeps.

Example (Quảng Ngãi's plan for 2023)::

    year: 2023
    products: 50            # products certified in the year's rounds
    four_star_products: 3   # of which 4★ or more
    producers: 45           # producers to support
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocop_cycle.errors import InvalidInput
from ocop_cycle.files import read_small_text

# A targets file holds four numbers; anything larger is the wrong file.
TARGETS_MAX_BYTES = 64 * 1024


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int | None = Field(default=None, ge=2018, le=2100)
    products: int = Field(ge=0)
    four_star_products: int | None = Field(default=None, ge=0)
    producers: int | None = Field(default=None, ge=0)


def load_targets(path: Path, year: int) -> Targets:
    """Read and check a targets file; its ``year``, when given, must be the report's."""
    text = read_small_text(path, TARGETS_MAX_BYTES, "--targets")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # The parser's message quotes the offending line: name only where it is.
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InvalidInput(f"--targets: {path.name} is not YAML or JSON{where}") from None
    expected = "Expected keys: year, products, four_star_products, producers"
    if not isinstance(raw, dict):
        raise InvalidInput(f"--targets: {path.name} is not a list of targets. {expected}")
    # Unknown keys are counted, not quoted: a wrong file's lines would be its keys.
    unknown = [key for key in raw if key not in Targets.model_fields]
    if unknown:
        raise InvalidInput(
            f"--targets: {path.name} has {len(unknown)} key(s) that are not targets. {expected}"
        )
    try:
        targets = Targets.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidInput(f"--targets: {path.name}: {problems}. {expected}") from None
    if targets.year is not None and targets.year != year:
        raise InvalidInput(
            f"--targets: {path.name} holds the targets of {targets.year}, not of {year}"
        )
    return targets
