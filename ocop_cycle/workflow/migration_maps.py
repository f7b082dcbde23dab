"""Migration maps: which state of one workflow a running product takes in another.

Read by ``ocop workflow migrate`` (services/migration.py) and, for the triggers a map
carries forward to the rules in force, by every view of a product on older rules
(services/forwarding.py); those are kept checked in the definition cache, so showing such
a product parses no YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocop_cycle.errors import InvalidInput, WorkflowDefinitionError
from ocop_cycle.resources import data_dir, parse_yaml
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.definition_cache import kept_or_made


class StateMap(BaseModel):
    # Built on first validation: a product view only unpickles maps from the cache.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    from_workflow: str = Field(alias="from")
    from_version: int | None = None
    to_workflow: str = Field(alias="to")
    to_version: int | None = None
    states: dict[str, str]
    # States whose products stay on the old workflow (e.g. dossiers that finish under the
    # old rules, Decision 26/2026 Art. 12); with ``states`` a complete map names every
    # state a product can be running in.
    keep: list[str] = Field(default_factory=list)
    # Triggers fired on a product still on ``from`` once ``to`` is in force: the product
    # moves by this map and the named trigger of ``to`` is fired under its rules (Decision
    # 26/2026 Art. 12: a certificate of the older rules is re-rated under 26/2026).
    forwards: dict[str, str] = Field(default_factory=dict)


def resolve_map(path: Path) -> Path:
    """A map file, or the name of one shipped in ``workflows/migrations/``."""
    if path.exists():
        return path
    shipped = data_dir("workflows") / "migrations" / f"{path.name.removesuffix('.yaml')}.yaml"
    if shipped.exists():
        return shipped
    raise InvalidInput(f"no map file {path}, and no shipped map named {path.name}")


def read_map(path: Path) -> StateMap:
    import yaml  # here: ``ocop product`` commands import this module and read no map

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return StateMap.model_validate(raw)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the map: {exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidInput(f"{path}: {details}") from None


def map_problems(state_map: StateMap, source: WorkflowDef, target: WorkflowDef) -> list[str]:
    """Every state and trigger the map names that its workflows do not have."""
    return [
        f"{old!r} is not a state of {source.key}"
        for old in state_map.states
        if old not in source.states
    ] + [
        f"{new!r} (for {old}) is not a state of {target.key}"
        for old, new in state_map.states.items()
        if new not in target.states
    ] + [
        f"kept state {kept!r} is not a state of {source.key}"
        for kept in state_map.keep
        if kept not in source.states
    ] + [
        f"{both!r} is both moved and kept" for both in set(state_map.keep) & set(state_map.states)
    ] + [
        f"forwards: {new!r} (for {old}) is not a trigger of {target.key}"
        for old, new in state_map.forwards.items()
        if not target.has_trigger(new)
    ]


@dataclass(frozen=True)
class ForwardingMaps:
    """The maps of a folder that carry triggers forward, by file name, checked."""

    maps: tuple[tuple[str, StateMap], ...]


def forwarding_maps(directory: Path, cache_dir: Path | None = None) -> ForwardingMaps:
    """The maps in ``directory`` that declare forwards: kept in the definition cache by
    the files' names and bytes, so a product view reads them without parsing YAML."""
    paths = sorted(directory.glob("*.yaml"))
    files = [(path, path.read_bytes()) for path in paths]
    content = b"".join(
        len(path.name).to_bytes(4, "big") + path.name.encode() + len(data).to_bytes(8, "big") + data
        for path, data in files
    )

    def check() -> ForwardingMaps:
        import yaml  # here: only a product on older rules than those in force needs the maps

        found = []
        for path, data in files:
            try:
                state_map = StateMap.model_validate(parse_yaml(data.decode("utf-8")))
            except (UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
                raise WorkflowDefinitionError(f"{path}: not a valid migration map: {exc}") from None
            if state_map.forwards:
                found.append((path.name, state_map))
        return ForwardingMaps(tuple(found))

    return kept_or_made(content, ForwardingMaps, check, cache_dir)
