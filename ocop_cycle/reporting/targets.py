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


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int | None = Field(default=None, ge=2018, le=2100)
    products: int = Field(ge=0)
    four_star_products: int | None = Field(default=None, ge=0)
    producers: int | None = Field(default=None, ge=0)


def load_targets(path: Path, year: int) -> Targets:
    """Read and check a targets file; its ``year``, when given, must be the report's."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"--targets: no file {path}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"--targets: {path.name} is not YAML or JSON: {exc}") from None
    try:
        targets = Targets.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidInput(
            f"--targets: {path.name}: {problems}. Expected keys: year, products, "
            "four_star_products, producers"
        ) from None
    if targets.year is not None and targets.year != year:
        raise InvalidInput(
            f"--targets: {path.name} holds the targets of {targets.year}, not of {year}"
        )
    return targets
