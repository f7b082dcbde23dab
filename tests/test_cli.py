"""The CLI contract scripts rely on: commands, JSON shapes and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import World


def register(cli: Any, world: World) -> int:
    result = cli("product", "register", "--name", "Nước mắm Sa Huỳnh", "--producer",
                 str(world.producer_id), "--group", "food", "--actor", "commune1", "--json")
    assert result.exit_code == 0, result.stderr
    return int(result.json()["id"])


def test_fire_prints_the_product_with_history(cli: Any, world: World) -> None:
    product_id = register(cli, world)
    result = cli("product", "fire", str(product_id), "return_idea", "--actor", "commune1",
                 "--comment", "Bổ sung nguồn nguyên liệu", "--json")
    product = result.json()
    assert product["state"] == "idea_returned"
    for key in ("id", "name", "state", "workflow", "workflow_version", "commune", "district",
                "producer", "allowed_triggers", "history"):
        assert key in product
    last = product["history"][-1]
    assert {k: last[k] for k in ("trigger", "from", "to", "actor", "role", "comment")} == {
        "trigger": "return_idea", "from": "idea_registered", "to": "idea_returned",
        "actor": "commune1", "role": "commune_officer", "comment": "Bổ sung nguồn nguyên liệu"}
    assert last["at"].startswith("2024-02-29T17:00")  # --as-of 2024-03-01, local midnight


def test_exit_codes_and_json_errors(cli: Any, world: World) -> None:
    product_id = register(cli, world)
    cases = [
        (("product", "fire", str(product_id), "approve_idea", "--actor", "commune2"), 3, "permission_denied"),
        (("product", "fire", str(product_id), "accept_dossier", "--actor", "district1"), 4, "transition_not_allowed"),
        (("product", "fire", str(product_id), "reject_idea", "--actor", "commune1"), 2, "invalid_input"),
        (("product", "fire", "9999", "approve_idea", "--actor", "commune1"), 6, "not_found"),
        (("product", "show", str(product_id), "--actor", "nobody"), 6, "not_found"),
        (("product", "fire", str(product_id), "approve_idea", "--actor", "commune1", "--data", "oops"), 2, "invalid_input"),
        (("producer", "add", "--name", "X", "--type", "company", "--commune", world.commune), 2, "invalid_input"),
    ]
    for args, code, error in cases:
        result = cli(*args, "--json")
        assert result.exit_code == code, (args, result.stderr)
        assert result.error()["code"] == error
        assert result.error()["message"]
    assert cli("product", "show", str(product_id), "--json").json()["state"] == "idea_registered"


def test_human_errors_say_what_to_do(cli: Any, world: World) -> None:
    result = cli("product", "fire", "9999", "approve_idea", "--actor", "commune1")
    assert result.exit_code == 6
    assert "ocop product list" in result.stderr


def test_usage_errors_exit_2(cli: Any) -> None:
    assert cli("product", "fire").exit_code == 2
    assert cli("units", "load", "--province", "99").exit_code == 2


def test_units_and_listing(cli: Any, world: World) -> None:
    communes = cli("units", "list", "--parent", "533", "--json").json()
    assert {"code": "21427", "name": "Xã Đức Tân", "level": "commune", "parent": "533",
            "scheme": "legacy"} in communes
    product_id = register(cli, world)
    listed = cli("product", "list", "--unit", "533", "--json").json()
    assert [p["id"] for p in listed] == [product_id]
    assert cli("product", "list", "--unit", "522", "--json").json() == []
    assert cli("product", "list", "--state", "certified", "--json").json() == []


def test_init_is_safe_to_run_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    command = [sys.executable, "-m", "ocop_cycle", "--db", url, "init", "--json"]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    import json

    first_run, second_run = json.loads(first.stdout), json.loads(second.stdout)
    assert first_run["before"] == []
    assert second_run["before"] == second_run["after"] == first_run["after"]
    assert first_run["after"]  # at the newest revision of every branch
