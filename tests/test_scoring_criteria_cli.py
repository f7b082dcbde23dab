"""``ocop criteria show`` and the human renderings of the scoring commands."""

from __future__ import annotations

from ocop_cycle.localtime import show_date
from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.flows import product_in
from tests.scoring_support import score, seat_councils


def test_criteria_show_prints_parts_sections_and_mandatory_criteria_as_json(cli, world: World) -> None:
    result = cli("criteria", "show", "ocop-148", "--json")
    assert result.exit_code == 0, result.stderr
    catalogue = result.json()
    assert [(p["code"], p["max"]) for p in catalogue["parts"]] == [("A", 40), ("B", 25), ("C", 35)]
    part_a = catalogue["parts"][0]
    assert [s["code"] for s in part_a["sections"]] == ["A1", "A2", "A3"]
    assert part_a["sections"][0]["name"]["vi"] == "Tổ chức sản xuất"
    assert {"code", "name", "max", "items"} <= set(part_a["sections"][0])
    assert [g["code"] for g in catalogue["groups"]] == [
        "food", "drinks", "herbal", "handicrafts", "ornamental", "tourism"]
    assert catalogue["mandatory"] and "provisional" in catalogue["coverage"]["en"]


def test_criteria_show_for_1489_is_the_148_catalogue(cli, world: World) -> None:
    shown = cli("criteria", "show", "ocop-1489", "--json").json()
    assert shown["name"] == "ocop-148" and shown["requested"] == "ocop-1489"


def test_criteria_show_for_1048_has_its_own_weights(cli, world: World) -> None:
    shown = cli("criteria", "show", "ocop-1048", "--json").json()
    assert [p["max"] for p in shown["parts"]] == [35, 25, 40]


def test_criteria_show_one_group_with_its_mandatory_criteria(cli, world: World) -> None:
    shown = cli("criteria", "show", "ocop-148", "--group", "tourism", "--json").json()
    assert [g["code"] for g in shown["groups"]] == ["tourism"]
    assert [m["code"] for m in shown["mandatory"]] == ["M4"]
    human = cli("criteria", "show", "ocop-148", "--group", "food")
    assert human.exit_code == 0 and "Tổ chức sản xuất" in human.stdout and "M2" in human.stdout


def test_criteria_show_refuses_unknown_names_with_the_known_ones(cli, world: World) -> None:
    unknown = cli("criteria", "show", "ocop-999", "--json")
    assert unknown.exit_code == 6 and "ocop-1048, ocop-148" in unknown.error()["message"]
    group = cli("criteria", "show", "ocop-148", "--group", "toys", "--json")
    assert group.exit_code == 6 and "groups: food" in group.error()["message"]


def test_human_output_of_council_score_and_certificate_commands(cli, runtime: Runtime, world: World) -> None:
    certified = product_in(runtime, world.producer_id, "certified")  # on paper, before
    seated = seat_councils(runtime, world)
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    score(runtime, product_id, {"hd.huyen1": "60", "hd.huyen2": "61"})
    council = cli("council", "show", str(seated["district"]))
    assert council.exit_code == 0 and "chủ tịch / chair: hd.huyen1" in council.stdout
    assert "hd.tinh1" in cli("council", "list").stdout
    shown = cli("score", "show", str(product_id))
    assert "cannot close" in shown.stdout and "hd.huyen3" in shown.stdout
    listed = cli("certificate", "list")
    assert listed.exit_code == 0 and "1462/QĐ-UBND" in listed.stdout
    (certificate,) = [
        c for c in cli("certificate", "list", "--json").json() if c["product_id"] == certified
    ]
    one = cli("certificate", "show", str(certificate["id"]))
    assert one.exit_code == 0
    # What the officer reads: the number, the decision and the last valid day as printed.
    for seen in (certificate["number"], "1462/QĐ-UBND", show_date(certificate["expires_on"])):
        assert seen in one.stdout
    assert certificate["expires_on"] == "2027-06-20"  # 36 months from the decision
    missing = cli("certificate", "show", "99", "--json")
    assert missing.exit_code == 6 and "ocop certificate list" in missing.error()["message"]


def test_score_submit_needs_exactly_one_source_of_scores(cli, runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    neither = cli("score", "submit", str(product_id), "--actor", "hd.x", "--json")
    assert neither.exit_code == 2 and "--sections" in neither.error()["message"]
