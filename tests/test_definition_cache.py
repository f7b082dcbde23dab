"""Checked workflow definitions are kept between commands, never served for other content
(ocop_cycle/workflow/definition_cache.py, issue 12 §3)."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.definition_cache import (
    LOADING_MODULES,
    CheckedDefinition,
    load_definition_cached,
)
from ocop_cycle.workflow.loader import load_definition
from ocop_cycle.workflow.pins import content_hash
from ocop_cycle.workflow.registry import WorkflowRegistry

WORKFLOW = "ocop-148.yaml"


@pytest.fixture
def workflows(tmp_path: Path) -> Path:
    """A province's own copy of the bundled workflow files."""
    folder = tmp_path / "workflows"
    shutil.copytree(data_dir("workflows"), folder)
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle"))


def test_a_definition_from_the_cache_equals_the_file_checked_afresh(
    workflows: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = WorkflowRegistry(workflows, cache)
    assert len(entries(cache)) == len(list(workflows.glob("*.yaml")))
    again = WorkflowRegistry(workflows, cache)
    for compiled in again.all():
        checked = load_definition(compiled.path)
        assert compiled.definition == checked
        assert compiled.content_hash == content_hash(checked)
        assert compiled.content_hash == first.get(checked.name, checked.version).content_hash
    assert "machine" not in vars(again.all()[0])  # compiled on first use only


def test_an_edited_file_is_checked_again_and_its_new_rules_are_served(
    workflows: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    before = WorkflowRegistry(workflows, cache).get("ocop-148").definition
    path = workflows / WORKFLOW
    path.write_text(
        path.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1), encoding="utf-8"
    )
    after = WorkflowRegistry(workflows, cache).get("ocop-148").definition
    assert (before.version, after.version) == (1, 2)


def test_a_file_broken_after_being_cached_is_refused_naming_the_file(
    workflows: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    WorkflowRegistry(workflows, cache)
    path = workflows / WORKFLOW
    path.write_text(
        path.read_text(encoding="utf-8").replace("initial:", "initial_state:", 1),
        encoding="utf-8",
    )
    with pytest.raises(WorkflowDefinitionError, match=r"ocop-148\.yaml: initial"):
        WorkflowRegistry(workflows, cache)


def test_the_cache_key_covers_every_module_that_reads_and_checks_a_file() -> None:
    """An edited check changes the key: every ocop_cycle module the loader imports is in
    the key's list, so a new one added to the loader must be added there too."""
    listing = subprocess.run(
        [sys.executable, "-c", "import json, sys, ocop_cycle.workflow.loader; "
         "print(json.dumps(sorted(m for m in sys.modules if m.startswith('ocop_cycle'))))"],
        capture_output=True, text=True, check=True, timeout=60,
    )
    assert set(json.loads(listing.stdout)) <= set(LOADING_MODULES)


def test_an_entry_in_a_folder_others_may_write_is_never_loaded(
    workflows: Path, tmp_path: Path
) -> None:
    """A pickle runs code when loaded: only a folder and file of this user's, written by
    nobody else, are trusted. Planting another workflow under 148's key shows both sides."""
    cache = tmp_path / "cache"
    WorkflowRegistry(workflows, cache)
    [planted_key] = [
        entry for entry in entries(cache)
        if pickle.loads(entry.read_bytes()).definition.name == "ocop-148"
    ]
    other = load_definition(workflows / "ocop-26-2026.yaml")
    planted_key.write_bytes(pickle.dumps(CheckedDefinition(other, content_hash(other))))

    def served() -> str:
        return load_definition_cached(workflows / WORKFLOW, cache).definition.name

    assert served() == "ocop-26-2026"
    cache.chmod(0o777)
    assert served() == "ocop-148"
    cache.chmod(0o700)
    planted_key.chmod(0o666)
    assert served() == "ocop-148"


def test_a_damaged_entry_or_an_unwritable_cache_only_costs_a_fresh_check(
    workflows: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    WorkflowRegistry(workflows, cache)
    for entry in entries(cache):
        entry.write_bytes(b"not a pickle")
    assert WorkflowRegistry(workflows, cache).get("ocop-148").definition.name == "ocop-148"
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert WorkflowRegistry(workflows, blocked / "cache").get("ocop-148").definition.version == 1


def test_the_maps_that_carry_triggers_forward_are_cached_and_an_edited_map_is_read_again(
    workflows: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"

    def forwards() -> dict[str, dict[str, str]]:
        return {
            name: state_map.forwards
            for name, state_map in WorkflowRegistry(workflows, cache).forwarding_maps
        }

    first = forwards()
    assert first["ocop-148-to-26-2026.yaml"]["submit_renewal"] == "submit_rerating"
    kept = set(entries(cache))
    assert forwards() == first and set(entries(cache)) == kept  # served from the cache
    path = workflows / "migrations" / "ocop-148-to-26-2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(line for line in text.splitlines() if "request_upgrade:" not in line) + "\n",
        encoding="utf-8",
    )
    assert "request_upgrade" not in forwards()["ocop-148-to-26-2026.yaml"]
    assert "request_upgrade" in first["ocop-148-to-26-2026.yaml"]
