"""Time shown one way: every instant a person reads is Vietnam's time with its offset,
dates are dd/mm/yyyy, JSON keeps ISO 8601."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ocop_cycle.localtime import show_date, show_instant
from tests.conftest import World


def test_an_instant_is_shown_in_vietnam_with_its_offset() -> None:
    assert show_instant(datetime(2026, 11, 27, 17, 30, tzinfo=UTC)) == "28/11/2026 00:30 +07:00"
    assert show_instant("2024-02-29T17:00:00+00:00") == "01/03/2024 00:00 +07:00"


def test_a_date_is_shown_day_month_year() -> None:
    assert show_date(date(2026, 5, 22)) == "22/05/2026"
    assert show_date("2029-06-19") == "19/06/2029"
    assert show_date(None) == "—"


def register(cli: Any, world: World) -> int:
    result = cli("product", "register", "--name", "Tỏi Lý Sơn", "--producer",
                 str(world.producer_id), "--group", "food", "--actor", "commune1", "--json",
                 as_of="2024-03-01T09:15")
    assert result.exit_code == 0, result.stderr
    return int(result.json()["id"])


def test_product_history_reads_in_local_time_and_json_stays_iso(cli: Any, world: World) -> None:
    product_id = register(cli, world)
    shown = cli("product", "show", str(product_id))
    assert shown.exit_code == 0, shown.stderr
    assert "01/03/2024 09:15 +07:00" in shown.stdout
    assert "(UTC)" not in shown.stdout
    history = cli("product", "show", str(product_id), "--json").json()["history"]
    assert history[0]["at"].startswith("2024-03-01T02:15")


def test_product_list_with_an_unknown_state_names_the_states(cli: Any, world: World) -> None:
    register(cli, world)
    result = cli("product", "list", "--state", "certifed", "--json")
    assert result.exit_code == 2
    message = result.error()["message"]
    assert "'certifed' is not a state" in message and "certified" in message
    assert "idea_registered" in message


def test_the_audit_trail_and_tokens_read_in_local_time(cli: Any, world: World) -> None:
    created = cli("token", "create", "province1", "--label", "cổng dịch vụ công",
                  "--expires", "90", "--actor", "admin1", "--json", as_of="2024-03-01T09:15")
    assert created.exit_code == 0, created.stderr
    tokens = cli("token", "list")
    assert "01/03/2024 09:15 +07:00" in tokens.stdout
    audit = cli("audit", "list")
    assert audit.exit_code == 0 and "+07:00" in audit.stdout and "(UTC)" not in audit.stdout
