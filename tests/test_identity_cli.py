"""Every write names a permitted person (issue 10 §2), through the command line: --actor
and OCOP_ACTOR, `system` refused, --as-of writes only in a sandbox, workflow versions
pinned by content, names cleaned at entry, output that prints names as typed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ocop_cycle.cli import main
from ocop_cycle.resources import data_dir
from tests.conftest import ADMIN, World

PASSWORD = "mật khẩu đủ dài 2026"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Any:
    def give(line: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))

    return give


def count(database_url: str, table: str) -> int:
    from ocop_cycle.db.base import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        value = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(value)



def not_a_sandbox(database_url: str) -> None:
    """The test database without its sandbox flag, as a database in service is."""
    from ocop_cycle.db.base import make_engine

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM database_flags"))
    engine.dispose()

def test_init_creates_the_first_admin_on_an_empty_database_only(
    tmp_path: Path, stdin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'new.db'}"
    stdin(PASSWORD)
    assert main(["--db", db, "init", "--admin", "root", "--password-stdin"]) == 0
    assert "First admin: root." in capsys.readouterr().out
    stdin(PASSWORD)
    assert main(["--db", db, "init", "--admin", "root2", "--password-stdin"]) == 3
    assert "has users already" in capsys.readouterr().err
    assert main(["--db", db, "user", "list", "--json"]) == 0
    assert [u["username"] for u in __import__("json").loads(capsys.readouterr().out)] == ["root"]


def test_a_write_without_an_actor_is_refused_saying_how(
    cli: Any, world: World, database_url: str
) -> None:
    before = count(database_url, "users")
    result = cli("user", "add", "xa_moi", "--role", "commune_officer", "--unit", world.commune)
    assert result.exit_code == 2
    assert "--actor USER" in result.stderr and "OCOP_ACTOR" in result.stderr
    assert count(database_url, "users") == before


def test_ocop_actor_names_who_is_acting(
    cli: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCOP_ACTOR", "province1")
    result = cli("user", "add", "xa_moi", "--role", "commune_officer", "--unit", world.commune,
                 "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["unit"] == world.commune


def test_nobody_can_name_system_as_the_actor(cli: Any, world: World, database_url: str) -> None:
    before = count(database_url, "users")
    for args in (
        ("user", "add", "trojan", "--role", "admin"),
        ("council", "create", "--level", "district", "--unit", world.district, "--chair", "a",
         "--members", "a,b,c"),
        ("producer", "add", "--name", "Ma", "--type", "household", "--commune", world.commune),
    ):
        result = cli(*args, "--actor", "system", "--json")
        assert result.exit_code == 3, args
        assert "only the scheduler acts as system" in result.error()["message"]
    assert count(database_url, "users") == before


def test_system_cannot_fire_a_timer_by_name(cli: Any, world: World) -> None:
    result = cli("product", "register", "--name", "Tỏi đen", "--producer", str(world.producer_id),
                 "--group", "food", "--actor", "commune1", "--json")
    product_id = result.json()["id"]
    fired = cli("product", "fire", str(product_id), "expire", "--actor", "system", "--json")
    assert fired.exit_code == 3
    assert fired.error()["code"] == "permission_denied"


def test_user_add_by_admin_then_set_password_and_deactivate(
    cli: Any, world: World, stdin: Any
) -> None:
    stdin(PASSWORD)
    added = cli("user", "add", "tinh2", "--role", "province_officer", "--unit", world.province,
                "--password-stdin", "--actor", ADMIN, "--json")
    assert added.exit_code == 0, added.stderr
    assert added.json()["must_change_password"] is True
    stdin("một mật khẩu mới hẳn")
    assert cli("user", "set-password", "tinh2", "--password-stdin", "--actor", ADMIN).exit_code == 0
    assert cli("user", "deactivate", "tinh2", "--actor", ADMIN).exit_code == 0
    listed = {u["username"]: u for u in cli("user", "list", "--json").json()}
    assert listed["tinh2"]["active"] is False
    # A deactivated user can do nothing.
    refused = cli("user", "add", "xa_x", "--role", "commune_officer", "--unit", world.commune,
                  "--actor", "tinh2", "--json")
    assert refused.exit_code == 3 and "deactivated" in refused.error()["message"]
    audit = [e["kind"] for e in cli("audit", "list", "--json").json()]
    assert {"user_added", "password_set", "user_deactivated"} <= set(audit)


def test_commune_officer_may_not_add_users(cli: Any, world: World) -> None:
    result = cli("user", "add", "trojan", "--role", "admin", "--actor", "commune1", "--json")
    assert result.exit_code == 3
    assert result.error()["code"] == "permission_denied"


def test_token_is_printed_once_listed_without_secret_and_revoked(cli: Any, world: World) -> None:
    created = cli("token", "create", "province1", "--label", "cổng dịch vụ công",
                  "--expires", "90", "--actor", ADMIN, "--json").json()
    assert created["token"].startswith("ocop_")
    listed = cli("token", "list", "--json")
    assert created["token"] not in listed.stdout
    assert listed.json()[0]["status"] == "active"
    assert cli("token", "revoke", str(created["id"]), "--actor", ADMIN).exit_code == 0
    assert cli("token", "list", "--json").json()[0]["status"] == "revoked"


def test_as_of_write_is_refused_outside_a_sandbox_and_changes_nothing(
    cli: Any, world: World, database_url: str
) -> None:
    not_a_sandbox(database_url)
    before = count(database_url, "products")
    backdated = cli("product", "register", "--name", "Tỏi đen", "--producer",
                    str(world.producer_id), "--group", "food", "--actor", "commune1", "--json",
                    as_of="2024-03-01")
    assert backdated.exit_code == 2
    assert "not a sandbox" in backdated.error()["message"]
    assert count(database_url, "products") == before
    # Reading with --as-of is always allowed; writing today is too.
    assert cli("product", "list", "--json", as_of="2024-03-01").exit_code == 0
    today = cli("producer", "add", "--name", "HTX Phổ Phong", "--type", "cooperative",
                "--commune", world.commune, "--actor", "commune1", "--json", as_of=None)
    assert today.exit_code == 0, today.stderr


def test_sandbox_is_only_made_from_an_empty_database(cli: Any, world: World) -> None:
    result = cli("init", "--sandbox", "--json")
    # The test databases are sandboxes already: asking again is harmless.
    assert result.exit_code == 0 and result.json()["sandbox"] is True


def test_existing_database_cannot_become_a_sandbox(
    cli: Any, world: World, database_url: str
) -> None:
    not_a_sandbox(database_url)
    result = cli("init", "--sandbox", "--json", as_of=None)
    assert result.exit_code == 2
    assert "only a new, empty database" in result.error()["message"]


@pytest.mark.parametrize(
    "bad",
    [
        "HTX Đức Tân\r\nBcc: all@example.vn",
        "HTX\x00Đức Tân",
        "HTX \x1b[31mĐức Tân",
        "HTX Đức Tân\u202egnàt",
        "   ",
        "H" * 301,
    ],
)
def test_control_characters_blank_and_overlong_names_are_refused(
    cli: Any, world: World, database_url: str, bad: str
) -> None:
    before = count(database_url, "producers")
    result = cli("producer", "add", "--name", bad, "--type", "household", "--commune",
                 world.commune, "--actor", "commune1", "--json")
    assert result.exit_code == 2, result.stderr
    assert result.error()["code"] == "invalid_input"
    assert count(database_url, "producers") == before


def test_crlf_in_a_comment_is_refused(cli: Any, world: World) -> None:
    product_id = cli("product", "register", "--name", "Tỏi đen", "--producer",
                     str(world.producer_id), "--group", "food", "--actor", "commune1",
                     "--json").json()["id"]
    result = cli("product", "fire", str(product_id), "return_idea", "--actor", "commune1",
                 "--comment", "thiếu hồ sơ\r\nX-Injected: yes", "--json")
    assert result.exit_code == 2
    assert "carriage return" in result.error()["message"]


def test_email_is_checked_at_entry_with_the_mailers_rule(cli: Any, world: World) -> None:
    result = cli("user", "add", "xa_x", "--role", "commune_officer", "--unit", world.commune,
                 "--email", "xa@ductan", "--actor", ADMIN, "--json")
    assert result.exit_code == 2
    assert "not a valid email address" in result.error()["message"]


def test_names_with_rich_markup_print_as_typed(cli: Any, world: World) -> None:
    name = "Tỏi [bold]đen[/] [/] Lý Sơn"
    registered = cli("product", "register", "--name", name, "--producer",
                     str(world.producer_id), "--group", "food", "--actor", "commune1")
    assert registered.exit_code == 0, registered.stderr
    assert name in registered.stdout
    listed = cli("product", "list")
    assert listed.exit_code == 0, listed.stderr
    assert "[bold]đen[/]" in listed.stdout


def test_edited_copy_of_a_version_in_use_is_refused(
    cli: Any, world: World, tmp_path: Path
) -> None:
    product = cli("product", "register", "--name", "Tỏi đen", "--producer",
                  str(world.producer_id), "--group", "food", "--actor", "commune1",
                  "--json").json()
    workflow = product["workflow"]
    edited = tmp_path / "workflows"
    shutil.copytree(data_dir("workflows", None), edited)
    path = edited / f"{workflow}.yaml"
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("max_spread: 10", "max_spread: 90"), encoding="utf-8")
    listed = {(w["name"], w["version"]): w for w in cli("workflow", "list", "--json").json()}
    assert listed[(workflow, product["workflow_version"])]["pinned"] is True
    result = cli("--workflows-dir", str(edited), "product", "fire", str(product["id"]),
                 "approve_idea", "--actor", "commune1", "--json")
    assert result.exit_code == 2
    assert "Raise 'version'" in result.error()["message"]
    edited_list = cli("--workflows-dir", str(edited), "workflow", "list", "--json").json()
    row = next(w for w in edited_list if w["name"] == workflow)
    assert row["pinned"] is False and row["content_hash"] != listed[(workflow, 1)]["content_hash"]


def council_members(cli: Any, *names: str) -> None:
    for name in names:
        assert cli("user", "add", name, "--role", "council_member", "--actor", "province1"
                   ).exit_code == 0


@pytest.mark.parametrize(
    ("members", "chair", "message"),
    [
        ("hd1,hd2,hd2", "hd1", "listed more than once"),
        ("hd1,hd2", "hd1", "at least 3 members"),
        ("hd1,hd2,hd3", "hd9", "must be one of the members"),
    ],
)
def test_council_members_are_distinct_at_least_three_chair_among_them(
    cli: Any, world: World, database_url: str, members: str, chair: str, message: str
) -> None:
    council_members(cli, "hd1", "hd2", "hd3")
    result = cli("council", "create", "--level", "province", "--unit", world.province,
                 "--chair", chair, "--members", members, "--actor", "province1", "--json")
    assert result.exit_code == 2
    assert message in result.error()["message"]
    assert count(database_url, "councils") == 0


def test_council_is_set_up_by_the_province_and_audited(cli: Any, world: World) -> None:
    council_members(cli, "hd1", "hd2", "hd3")
    args = ("council", "create", "--level", "province", "--unit", world.province, "--chair",
            "hd1", "--members", "hd1,hd2,hd3", "--json")
    assert cli(*args, "--actor", "commune1").exit_code == 3
    assert cli(*args, "--actor", "hd1").exit_code == 3
    created = cli(*args, "--actor", "province1")
    assert created.exit_code == 0, created.stderr
    event = cli("audit", "list", "--kind", "council_created", "--json").json()[0]
    assert event["actor"] == "province1"
    assert event["detail"]["members"] == ["hd1", "hd2", "hd3"]


def test_workflow_migrate_is_for_admins(cli: Any, world: World) -> None:
    result = cli("workflow", "migrate", "--from", "ocop-148", "--to", "ocop-1489", "--map",
                 "ocop-148-to-1489", "--dry-run", "--actor", "province1", "--json")
    assert result.exit_code == 3
    assert "allowed roles: admin" in result.error()["message"]


@pytest.mark.parametrize("bad", ["Tỏi \x1b[2Jđen", "Tỏi đen\u202e", "Tỏi\x00đen"])
def test_import_refuses_control_characters_in_names_and_imports_nothing(
    cli: Any, world: World, tmp_path: Path, database_url: str, bad: str
) -> None:
    from tests.test_import_products import row, write_csv

    path = write_csv(tmp_path / "a.csv", [row(), row(product_name=bad)])
    before = count(database_url, "products")
    result = cli("import", "products", str(path), "--actor", "province1", "--json")
    assert result.exit_code == 2
    assert result.error()["rows"][0]["column"] == "product_name"  # type: ignore[index]
    assert count(database_url, "products") == before


def test_reads_given_an_actor_are_scoped_to_their_jurisdiction(cli: Any, world: World) -> None:
    for producer, officer in ((world.producer_id, "commune1"),
                              (world.other_producer_id, "commune2")):
        registered = cli("product", "register", "--name", "Tỏi đen", "--producer", str(producer),
                         "--group", "food", "--actor", officer, "--json")
        assert registered.exit_code == 0, registered.stderr
    everyone = cli("product", "list", "--json").json()
    own = cli("product", "list", "--actor", "producer1", "--json").json()
    assert len(everyone) == 2
    assert [p["producer"]["id"] for p in own] == [world.producer_id]
    other = next(p["id"] for p in everyone if p["producer"]["id"] == world.other_producer_id)
    hidden = cli("product", "show", str(other), "--actor", "commune1", "--json")
    assert hidden.exit_code == 6 and hidden.error()["code"] == "not_found"
    assert cli("product", "show", str(other), "--actor", "district1", "--json").exit_code == 0


def test_certificates_given_an_actor_are_scoped_to_their_jurisdiction(
    cli: Any, runtime: Any, world: World
) -> None:
    from tests.flows import product_in

    product_in(runtime, world.producer_id, "certified")
    certificate = cli("certificate", "list", "--json").json()[0]
    assert [c["id"] for c in cli("certificate", "list", "--actor", "producer1", "--json").json()
            ] == [certificate["id"]]
    assert cli("certificate", "list", "--actor", "producer2", "--json").json() == []
    assert cli("certificate", "show", str(certificate["id"]), "--actor", "district2",
               "--json").exit_code == 6
    assert cli("certificate", "show", str(certificate["id"]), "--actor", "district1",
               "--json").exit_code == 0


def test_scheduler_tick_at_another_date_is_refused_outside_a_sandbox(
    cli: Any, world: World, database_url: str
) -> None:
    from ocop_cycle.db.base import make_engine

    # A product whose review deadline (and its reminders) fall due long before 2030.
    assert cli("product", "register", "--name", "Tỏi đen", "--producer", str(world.producer_id),
               "--group", "food", "--actor", "commune1").exit_code == 0
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM database_flags"))
    engine.dispose()
    history = count(database_url, "history")
    result = cli("scheduler", "tick", "--as-of", "2030-01-01", "--no-digest", "--json",
                 as_of=None)
    assert result.exit_code == 2
    assert "not a sandbox" in result.error()["message"]
    assert count(database_url, "history") == history
    assert count(database_url, "outbox") == 0


def test_retrying_mail_needs_an_admin_or_province_officer(cli: Any, world: World) -> None:
    assert cli("mail", "retry", "1", "--json").exit_code == 2
    refused = cli("mail", "retry", "1", "--actor", "commune1", "--json")
    assert refused.exit_code == 3 and "retry mail" in refused.error()["message"]
    assert cli("mail", "retry", "1", "--actor", "province1", "--json").exit_code == 6
