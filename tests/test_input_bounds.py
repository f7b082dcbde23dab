"""Bad input at the edges (dates far away, ids too large, NUL bytes, unknown data keys)
is refused with exit 2, never a traceback, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.flows import TO_148
from tests.import_files import HEADER


@pytest.fixture(autouse=True)
def _default_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the default: 30 days ahead of today."""
    monkeypatch.delenv("OCOP_LEGAL_DATES_DAYS_AHEAD", raising=False)


def certified_ready(cli: Any, world: World) -> int:
    """A product awaiting the district's decision (score 62.5), fired through the CLI."""
    result = cli("product", "register", "--name", "Nước mắm Sa Huỳnh", "--producer",
                 str(world.producer_id), "--group", "food", "--actor", "commune1", "--json")
    assert result.exit_code == 0, result.stderr
    product_id = int(result.json()["id"])
    for trigger, actor, options in TO_148["awaiting_decision"]:
        args = [f"{k}={v}" for k, v in options.get("data", {}).items()]
        data = [part for pair in args for part in ("--data", pair)]
        fired = cli("product", "fire", str(product_id), trigger, "--actor", actor, *data, "--json")
        assert fired.exit_code == 0, fired.stderr
    return product_id


def issue(cli: Any, product_id: int, *data: str) -> Any:
    pairs = [part for pair in data for part in ("--data", pair)]
    return cli("product", "fire", str(product_id), "issue_certificate", "--actor", "district1",
               *pairs, "--json", as_of="2024-07-01")


@pytest.mark.parametrize(
    ("decision_date", "words"),
    [
        ("9999-12-31", "31/12/9999 is outside the accepted dates 01/01/2018–31/07/2024"),
        ("2017-12-31", "31/12/2017 is outside"),
        ("01/08/2024", "01/08/2024 is outside"),
    ],
)
def test_a_decision_date_outside_2018_to_30_days_ahead_is_refused(
    cli: Any, world: World, decision_date: str, words: str
) -> None:
    product_id = certified_ready(cli, world)
    result = issue(cli, product_id, "decision_number=1462/QĐ-UBND", f"decision_date={decision_date}")
    assert result.exit_code == 2, result.stderr
    assert words in result.error()["message"]
    shown = cli("product", "show", str(product_id), "--json").json()
    assert shown["state"] == "awaiting_decision" and shown.get("certificate") is None


def test_a_decision_date_30_days_ahead_is_accepted(cli: Any, world: World) -> None:
    product_id = certified_ready(cli, world)
    result = issue(cli, product_id, "decision_number=1462/QĐ-UBND", "decision_date=2024-07-31")
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "certified"


def test_an_unknown_data_key_is_refused_not_stored_in_history(cli: Any, world: World) -> None:
    product_id = certified_ready(cli, world)
    before = cli("product", "show", str(product_id), "--json").json()["history"]
    result = issue(cli, product_id, "decision_number=1462/QĐ-UBND", "decision_date=2024-06-20",
                   "approved_by_mayor=yes")
    assert result.exit_code == 2
    message = result.error()["message"]
    assert "'approved_by_mayor' is not a field" in message and "decision_date" in message
    assert cli("product", "show", str(product_id), "--json").json()["history"] == before


def test_a_nul_byte_in_data_is_refused(cli: Any, world: World) -> None:
    product_id = certified_ready(cli, world)
    result = issue(cli, product_id, "decision_number=1462\x00/QĐ-UBND", "decision_date=2024-06-20")
    assert result.exit_code == 2
    assert "NUL byte" in result.error()["message"]


@pytest.mark.parametrize("huge", [str(2**64), str(2**63), "99999999999999999999999"])
def test_an_id_too_large_for_the_database_exits_2(cli: Any, world: World, huge: str) -> None:
    for args in (("product", "show", huge), ("product", "fire", huge, "approve_idea",
                                              "--actor", "commune1")):
        result = cli(*args, "--json")
        assert result.exit_code in (2, 6), result.stderr
        assert "Traceback" not in result.stderr
        if int(huge) >= 2**63:
            assert result.exit_code == 2 and "out of range" in result.error()["message"]


def test_an_imported_decision_dated_before_2018_is_refused_with_its_row(
    cli: Any, world: World, tmp_path: Path
) -> None:
    source = tmp_path / "tinh.csv"
    source.write_text(
        ",".join(HEADER) + "\n"
        "Tỏi Lý Sơn,food,HTX Đức Tân,cooperative,21427,3,61.50,1/QĐ-UBND,31/12/2017,2017\n",
        encoding="utf-8",
    )
    result = cli("import", "products", str(source), "--actor", "province1", "--json")
    assert result.exit_code == 2
    rows = json.loads(result.stderr)["error"]["rows"]
    assert rows == [{"row": 2, "column": "decision_date",
                     "reason": "2017-12-31 is before the programme's first accepted date "
                               "2018-01-01",
                     "reason_vi": "ngày 31/12/2017 trước ngày sớm nhất được chấp nhận của "
                                  "chương trình (01/01/2018)"}]
