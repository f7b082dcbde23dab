"""Moving running products from ocop-148 to ocop-1489 by an explicit, reviewed state map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ocop_cycle.errors import InvalidInput, PermissionDenied
from ocop_cycle.resources import data_dir
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.migration import migrate
from ocop_cycle.services.products import fire
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import product_in
from tests.test_workflow_148 import snapshot

SHIPPED_MAP = data_dir("workflows") / "migrations" / "ocop-148-to-1489.yaml"


def products(runtime: Runtime, world: World) -> dict[str, int]:
    states = ["idea_registered", "district_evaluation", "awaiting_decision", "certified", "withdrawn"]
    return {state: product_in(runtime, world.producer_id, state) for state in states}


def test_complete_map_moves_every_running_product_and_records_it(runtime: Runtime, world: World) -> None:
    ids = products(runtime, world)
    summary = migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489", map_path=SHIPPED_MAP,
                      actor="admin1")
    assert summary["products"] == 4  # the withdrawn product is history, not moved
    assert summary["moves"]["district_evaluation → province_review"] == 1
    moved = show_product(runtime, ids["district_evaluation"])
    assert (moved["workflow"], moved["state"]) == ("ocop-1489", "province_review")
    last = moved["history"][-1]
    assert (last["trigger"], last["from"], last["to"]) == (
        "migrate_workflow", "district_evaluation", "province_review")
    assert last["data"]["from_workflow"] == "ocop-148@1"
    assert show_product(runtime, ids["withdrawn"])["workflow"] == "ocop-148"
    # Under 1489 the province, not the district, signs the 3★ decision.
    assert "issue_certificate" in show_product(runtime, ids["awaiting_decision"], "province1")["allowed_triggers"]
    view = fire(runtime, ids["district_evaluation"], "accept_dossier", actor="province1")
    assert view["state"] == "province_evaluation"


def test_dry_run_changes_nothing(runtime: Runtime, world: World) -> None:
    products(runtime, world)
    before = snapshot(runtime)
    summary = migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489",
                      map_path=SHIPPED_MAP, dry_run=True, actor="admin1")
    assert summary["dry_run"] and summary["products"] == 4
    assert snapshot(runtime) == before


def test_incomplete_map_refuses_and_lists_the_products(runtime: Runtime, world: World, tmp_path: Path) -> None:
    ids = products(runtime, world)
    raw: dict[str, Any] = yaml.safe_load(SHIPPED_MAP.read_text(encoding="utf-8"))
    del raw["states"]["district_evaluation"]
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489", map_path=path,
                actor="admin1")
    assert f"#{ids['district_evaluation']} (district_evaluation)" in refused.value.message
    assert snapshot(runtime) == before


def test_map_naming_unknown_states_is_refused(runtime: Runtime, world: World, tmp_path: Path) -> None:
    raw: dict[str, Any] = yaml.safe_load(SHIPPED_MAP.read_text(encoding="utf-8"))
    raw["states"]["district_evaluation"] = "district_council"
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"'district_council' .* is not a state of ocop-1489@1"):
        migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489", map_path=path,
                actor="admin1")


def test_only_an_admin_migrates(runtime: Runtime, world: World) -> None:
    with pytest.raises(PermissionDenied, match="allowed roles: admin"):
        migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489", map_path=SHIPPED_MAP,
                actor="province1")
    assert migrate(runtime, from_workflow="ocop-148", to_workflow="ocop-1489",
                   map_path=SHIPPED_MAP, actor="admin1")["products"] == 0


def test_migrate_command(cli: Any, world: World, runtime: Runtime) -> None:
    products(runtime, world)
    result = cli("workflow", "migrate", "--from", "ocop-148", "--to", "ocop-1489", "--map",
                 str(SHIPPED_MAP), "--dry-run", "--actor", "admin1", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["products"] == 4
