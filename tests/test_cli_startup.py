"""The command line imports only what the command run needs (issue 12 §3).

Start-up time itself lives in ``bench/cli.py``; these tests pin the behaviour that makes
it fast, so that an eager import slipped into a shared module fails here: a fresh process
runs the command and reports which modules it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ocop_cycle.cli import COMMANDS, main
from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent
# What no read of a product and no help screen needs: spreadsheets, the unit lists (with
# numpy and shapely), migrations, the HTTP stack, password hashing.
HEAVY = ("openpyxl", "vietnamadminunits", "numpy", "shapely", "alembic", "fastapi", "argon2")
# Nor what only writing needs: mail templates, the holiday calendar, address validation.
WRITING_ONLY = ("jinja2", "holidays", "email_validator")
# Nor the code behind the hooks a transition runs (their names are checked from
# ocop_cycle/workflow/hook_names.py): council results, certificates, rounds, the scheduler.
HOOKS = (
    "ocop_cycle.workflow.actions",
    "ocop_cycle.workflow.guards",
    "ocop_cycle.workflow.rounds",
    "ocop_cycle.workflow.sheets",
    "ocop_cycle.scheduling.listener",
    "ocop_cycle.scheduling.carry_over",
)
# Nor rich: ``--json`` is printed with json.dumps; the console is built on first use.
RENDERING = ("rich",)
# Nor the state machines (compiled when a transition is fired or listed), nor the
# settings library (config.py reads OCOP_* itself).
READING_NEEDS_NO = ("transitions", "pydantic_settings")
# Once a workflow file's content has been checked, later commands take it from the cache
# (ocop_cycle/workflow/definition_cache.py) and neither parse nor check it again.
CHECKING = ("ocop_cycle.workflow.loader", "ocop_cycle.workflow.validation")

RUN_AND_LIST_MODULES = """
import json, sys
from ocop_cycle.cli import main
code = main(sys.argv[1:])
with open({out!r}, "w") as out:
    json.dump({{"code": code, "modules": sorted(sys.modules)}}, out)
"""


def run_fresh(tmp_path: Path, *args: str) -> tuple[int, set[str], str]:
    """Run ``ocop ARGS`` in a new interpreter; its exit code, modules and stdout.

    Checked workflow definitions are kept in ``tmp_path/cache`` across its calls."""
    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)
    environment = {**os.environ, "OCOP_CACHE_DIR": str(tmp_path / "cache")}
    finished = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES.format(out=str(out)), *args],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
        env=environment,
    )
    assert out.exists(), finished.stderr
    report = json.loads(out.read_text())
    return report["code"], set(report["modules"]), finished.stdout



def register_148(cli: Any, world: World, name: str) -> dict[str, Any]:
    """A product the commune officer registers on the tests' 2024 clock (ocop-148)."""
    registered = cli("product", "register", "--name", name, "--producer",
                     str(world.producer_id), "--group", "food", "--actor", "commune1", "--json")
    assert registered.exit_code == 0, registered.stderr
    return dict(registered.json())

def imported(modules: set[str], package: str) -> bool:
    return package in modules or any(name.startswith(package + ".") for name in modules)


def test_help_lists_every_command_group_with_its_help_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    listing = capsys.readouterr().out.split("Commands:")[1]
    lines = {line.split()[0]: " ".join(line.split()[1:]) for line in listing.splitlines() if line.strip()}
    assert list(lines) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        shown = lines[name].removesuffix("...")
        assert shown and entry.help.startswith(shown), (name, shown)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_says_in_its_own_help_what_the_root_help_says(name: str) -> None:
    """The root lists help lines without importing the commands: they must not drift."""
    command = COMMANDS[name].load(name, None)
    own = " ".join((command.help or "").split("\n\n")[0].split())
    assert own == COMMANDS[name].help


def test_help_imports_no_command_and_nothing_heavy(tmp_path: Path) -> None:
    code, modules, stdout = run_fresh(tmp_path, "--help")
    assert code == 0 and "product" in stdout
    loaded = sorted(name for name in modules if name.startswith("ocop_cycle.cli."))
    assert loaded == ["ocop_cycle.cli.lazy"]
    for package in (*HEAVY, "sqlalchemy", "ocop_cycle.runtime"):
        assert not imported(modules, package), package


def test_product_show_imports_neither_spreadsheets_nor_unit_lists_nor_mail(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    registered = register_148(cli, world, "Mật ong Đức Tân")
    product_id = str(registered["id"])
    code, modules, stdout = run_fresh(
        tmp_path, "--db", database_url, "product", "show", product_id, "--json"
    )
    assert code == 0
    assert json.loads(stdout)["name"] == "Mật ong Đức Tân"
    for package in (*HEAVY, *WRITING_ONLY, *HOOKS, *RENDERING, *READING_NEEDS_NO):
        assert not imported(modules, package), package
    commands = sorted(name for name in modules if name.startswith("ocop_cycle.cli."))
    assert commands == ["ocop_cycle.cli.common", "ocop_cycle.cli.lazy", "ocop_cycle.cli.products"]


def test_product_show_checks_no_workflow_file_already_checked(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    registered = register_148(cli, world, "Trà Shan tuyết")
    show = ("--db", database_url, "product", "show", str(registered["id"]), "--json")
    code, first, _ = run_fresh(tmp_path, *show)
    assert code == 0 and imported(first, "ocop_cycle.workflow.validation")
    code, again, stdout = run_fresh(tmp_path, *show)
    assert code == 0 and json.loads(stdout)["name"] == "Trà Shan tuyết"
    for module in CHECKING:
        assert not imported(again, module), module


def test_product_show_on_sqlite_loads_no_postgresql_dialect(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    """JSONB and the partial indexes' PostgreSQL condition are named without importing
    the dialect, whose package brings asyncpg's driver and asyncio (ocop_cycle/db/base.py)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("a PostgreSQL database needs its dialect")
    registered = register_148(cli, world, "Cà phê Khe Sanh")
    code, modules, _ = run_fresh(
        tmp_path, "--db", database_url, "product", "show", str(registered["id"]), "--json"
    )
    assert code == 0
    assert not imported(modules, "sqlalchemy.dialects.postgresql")


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"ocop-cycle {project['version']}\n"


def test_a_mistyped_command_is_refused_naming_the_close_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["prodct", "show", "1"]) == 2
    error = capsys.readouterr().err
    assert "No such command 'prodct'" in error
    assert "'product'" in error and "'producer'" in error


def test_product_show_for_people_still_prints_its_history_table(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    registered = register_148(cli, world, "Nước mắm Sa Huỳnh")
    product_id = str(registered["id"])
    code, modules, stdout = run_fresh(tmp_path, "--db", database_url, "product", "show", product_id)
    assert code == 0
    assert "Nước mắm Sa Huỳnh" in stdout
    history = stdout.split("allowed triggers:")[1]
    assert history.lstrip().startswith("approve_idea") and "┏" in history and "└" in history
    assert imported(modules, "rich")


# Neither the ORM nor the models: their import and the models' declarations cost a show
# more than its queries. Nor YAML, once the workflow files and maps are cached. Nor the
# tables it never reads: building them costs as much as importing modules.
READING_ROWS_NEEDS_NO = (
    "sqlalchemy.orm",
    "ocop_cycle.db.models",
    "yaml",
    "ocop_cycle.db.tables.scoring",
    "ocop_cycle.db.tables.identity",
    "ocop_cycle.db.tables.document",
    "ocop_cycle.db.tables.outbox",
)


@pytest.mark.parametrize("actor", [None, "commune1", "central1"])
def test_product_show_reads_rows_without_the_orm_or_yaml(
    cli: Any, world_2025: World, database_url: str, tmp_path: Path, actor: str | None
) -> None:
    """The product view reads rows of the Core tables on a plain connection (services/
    views.py), with or without an actor's jurisdiction; on the rules in force (26/2026,
    in 2025's units)."""
    registered = cli("product", "register", "--name", "Mắm nhum Sa Huỳnh", "--producer",
                     str(world_2025.producer_id), "--product-set", "10", "--actor", "commune1",
                     "--json", as_of=None)
    assert registered.exit_code == 0, registered.stderr
    show = ["--db", database_url, "product", "show", str(registered.json()["id"]), "--json"]
    if actor is not None:
        show += ["--actor", actor]
    run_fresh(tmp_path, *show)  # checks and caches the workflow files
    code, modules, stdout = run_fresh(tmp_path, *show)
    assert code == 0 and json.loads(stdout)["name"] == "Mắm nhum Sa Huỳnh"
    for package in READING_ROWS_NEEDS_NO:
        assert not imported(modules, package), package


def test_a_product_on_older_rules_is_shown_with_its_forwarded_triggers_from_the_cache(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    """A 148 product viewed while 26/2026 is in force: the maps that carry its triggers
    forward are read from the definition cache, like the workflow files."""
    registered = register_148(cli, world, "Mật ong Ba Tơ")
    assert registered["workflow"] == "ocop-148"
    show = ("--db", database_url, "product", "show", str(registered["id"]), "--json")
    code, first, _ = run_fresh(tmp_path, *show)
    assert code == 0 and imported(first, "yaml")
    code, modules, stdout = run_fresh(tmp_path, *show)
    assert code == 0 and json.loads(stdout)["workflow"] == "ocop-148"
    for package in READING_ROWS_NEEDS_NO:
        assert not imported(modules, package), package


def test_product_show_outside_the_jurisdiction_is_not_found_without_the_orm(
    cli: Any, world: World, database_url: str, tmp_path: Path
) -> None:
    registered = register_148(cli, world, "Bánh tráng Đức Tân")
    product_id = str(registered["id"])
    code, _, _ = run_fresh(
        tmp_path, "--db", database_url, "product", "show", product_id, "--json",
        "--actor", "commune2",
    )
    assert code == 6


TABLES_ALONE = """
import json, sys
from ocop_cycle.db import tables
metadata = tables.load_all()
json.dump({"tables": sorted(metadata.tables), "modules": sorted(sys.modules)}, sys.stdout)
"""


def test_the_tables_load_without_the_orm(tmp_path: Path) -> None:
    """A command that only reads queries the Core tables (issue 12): they are the whole
    schema the models map, and loading them imports neither ``sqlalchemy.orm`` nor a model."""
    from ocop_cycle.db import models  # noqa: F401  (every model mapped)
    from ocop_cycle.db.models.base import Base

    finished = subprocess.run(
        [sys.executable, "-c", TABLES_ALONE], capture_output=True, text=True, cwd=tmp_path,
        check=False, timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    report = json.loads(finished.stdout)
    assert not imported(set(report["modules"]), "sqlalchemy.orm")
    assert not imported(set(report["modules"]), "ocop_cycle.db.models")
    mapped = sorted(mapper.local_table.name for mapper in Base.registry.mappers)
    assert report["tables"] == mapped


def test_a_command_runs_with_the_collector_on_and_leaves_it_as_it_found_it(
    cli: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a command runs without the garbage collector (its objects live as long as
    the process); the command's own work runs with it, and the caller gets it back as it
    was, nothing left frozen."""
    import gc

    from ocop_cycle.cli import YOUNG_OBJECTS_BETWEEN_COLLECTIONS
    from ocop_cycle.cli import products as product_commands

    seen: list[tuple[bool, int, int]] = []

    def recording(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
        seen.append((gc.isenabled(), gc.get_threshold()[0], gc.get_freeze_count()))
        return {}

    monkeypatch.setattr(product_commands, "show_product", recording)
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    assert cli("product", "show", "1", "--json").exit_code == 0
    [(enabled, young, frozen)] = seen
    assert enabled and young == YOUNG_OBJECTS_BETWEEN_COLLECTIONS and frozen > 0
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before
