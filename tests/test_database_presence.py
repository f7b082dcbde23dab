"""A command on a database without the schema exits 2 saying "run `ocop init`", and
creates nothing: a mistyped --db must not leave an empty database behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ocop_cycle.cli import main


def run(*args: str) -> tuple[int, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "ocop_cycle", *args], capture_output=True, text=True, check=False
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.returncode, completed.stderr


def test_a_missing_database_file_is_not_created_and_the_user_is_told_to_run_init(
    tmp_path: Path,
) -> None:
    database = tmp_path / "mistyped.db"
    code, stderr = run("--db", f"sqlite:///{database}", "product", "list")
    assert code == 2
    assert "run `ocop init`" in stderr and str(database) in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_database_in_a_folder_that_does_not_exist_names_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "no-such-folder"
    assert main(["--db", f"sqlite:///{folder / 'ocop.db'}", "product", "show", "1"]) == 2
    assert f"the folder {folder}" in capsys.readouterr().err
    assert not folder.exists()


def test_an_empty_sqlite_file_has_no_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "empty.db"
    database.touch()
    assert main(["--db", f"sqlite:///{database}", "units", "list", "--json"]) == 2
    assert "has no OCOP schema; run `ocop init`" in capsys.readouterr().err
    assert database.stat().st_size == 0


def test_a_file_that_is_not_a_database_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 200)
    assert main(["--db", f"sqlite:///{notes}", "product", "list"]) == 2
    assert "cannot open the database" in capsys.readouterr().err


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_exits_2(
    postgres_ready: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = postgres_ready.replace("///", "///missing_", 1)
    assert main(["--db", missing, "product", "list"]) == 2
    assert "cannot open the database" in capsys.readouterr().err


def test_init_still_creates_the_database(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    code, stderr = run("--db", f"sqlite:///{database}", "init")
    assert code == 0, stderr
    code, stderr = run("--db", f"sqlite:///{database}", "product", "list", "--json")
    assert code == 0, stderr


@pytest.mark.parametrize(
    "command",
    [("workflow", "graph", "ocop-148"), ("workflow", "show", "ocop-148", "--json"),
     ("criteria", "sets", "--json")],
)
def test_commands_that_only_read_the_rule_files_need_no_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    database = tmp_path / "none.db"
    assert main(["--db", f"sqlite:///{database}", *command]) == 0, capsys.readouterr().err
    assert not database.exists()
