"""The 26 product sets of Decision 26/2026 (Appendix I and II) and their legacy groups."""

from __future__ import annotations

import pytest

from ocop_cycle.domain.vocabulary import ProductGroup
from ocop_cycle.errors import InvalidInput, NotFound
from ocop_cycle.workflow.product_sets import all_product_sets, parse_set_number, product_set


def test_appendix_ii_has_26_sets_numbered_in_order() -> None:
    assert [entry.number for entry in all_product_sets()] == list(range(1, 27))


def test_spices_set_10_is_food_sector_i_group_4_subgroup_b() -> None:
    spices = product_set(10)
    assert spices.name.vi == "Gia vị khác (muối, hành, tỏi, tiêu,...)"
    assert (spices.sector_code, spices.group.code, spices.legacy_group) == ("I", "I.4", ProductGroup.FOOD)
    assert spices.subgroup is not None and spices.subgroup.code == "b"


def test_tea_and_coffee_belong_to_the_food_sector_under_26_2026() -> None:
    assert {product_set(n).legacy_group for n in (11, 12, 13)} == {ProductGroup.FOOD}


@pytest.mark.parametrize(
    ("number", "group"),
    [(14, ProductGroup.DRINKS), (17, ProductGroup.DRINKS), (18, ProductGroup.HERBAL),
     (20, ProductGroup.HERBAL), (21, ProductGroup.HANDICRAFTS), (22, ProductGroup.HANDICRAFTS),
     (23, ProductGroup.ORNAMENTAL), (25, ProductGroup.ORNAMENTAL), (26, ProductGroup.TOURISM)],
)
def test_each_sector_maps_to_one_legacy_product_group(number: int, group: ProductGroup) -> None:
    assert product_set(number).legacy_group is group


def test_shared_management_lists_both_ministries() -> None:
    assert product_set(20).ministries == ("Bộ Y tế", "Bộ Công Thương")
    assert product_set(26).ministries == ("Bộ Văn hóa, Thể thao và Du lịch", "Bộ Nông nghiệp và Môi trường")


def test_set_27_does_not_exist() -> None:
    with pytest.raises(NotFound, match="1 to 26"):
        product_set(27)
    with pytest.raises(InvalidInput, match="1 to 26"):
        parse_set_number("27")
    with pytest.raises(InvalidInput, match="not a number"):
        parse_set_number("rau")
    assert parse_set_number(" 9 ") == 9


def test_criteria_sets_lists_all_26_as_json_and_for_people(cli) -> None:
    listed = cli("criteria", "sets", "--json")
    assert listed.exit_code == 0, listed.stderr
    rows = listed.json()
    assert len(rows) == 26
    assert rows[12] == {
        "number": 13,
        "name": {"vi": "Cà phê, ca cao", "en": "Coffee and cocoa"},
        "sector": {"code": "I", "name": {"vi": "Sản phẩm thực phẩm", "en": "Food products"}},
        "group": {"code": "I.6", "name": {"vi": "Cà phê, ca cao", "en": "Coffee and cocoa"}},
        "subgroup": None,
        "ministries": ["Bộ Nông nghiệp và Môi trường"],
        "legacy_group": "food",
    }
    human = cli("criteria", "sets")
    assert human.exit_code == 0 and "Động vật cảnh" in human.stdout


def test_criteria_show_set_10_prints_the_sheet_in_the_issues_json_shape(cli) -> None:
    shown = cli("criteria", "show", "ocop-26-2026", "--set", "10", "--json")
    assert shown.exit_code == 0, shown.stderr
    sheet = shown.json()
    assert sheet["set"] == 10 and sheet["name"]["vi"].startswith("Gia vị khác")
    assert [(p["code"], p["max"]) for p in sheet["parts"]] == [("A", 40), ("B", 25), ("C", 35)]
    section = sheet["parts"][0]["sections"][0]
    assert (section["code"], section["max"]) == ("1", 18)
    first = section["criteria"][0]
    assert (first["code"], first["max"]) == ("1.1", 3)
    assert first["options"][0] == {
        "index": 0,
        "text": "Có sử dụng nguyên liệu có nguồn gốc trong tỉnh, nhưng có tỷ lệ dưới 50%",
        "points": 1, "min_stars": 3, "case": None, "implied": False,
    }
    assert [k["code"] for k in sheet["knockouts"]] == ["K1", "K2", "K3"]
    human = cli("criteria", "show", "ocop-26-2026", "--set", "10")
    assert human.exit_code == 0 and "Nguồn nguyên liệu" in human.stdout and "★★★" in human.stdout


def test_criteria_show_without_set_lists_the_26_sets(cli) -> None:
    listed = cli("criteria", "show", "ocop-26-2026", "--json").json()
    assert [row["number"] for row in listed["sets"]] == list(range(1, 27))
    assert listed["sets"][0]["criteria"] == 32


def test_criteria_show_refuses_set_for_older_catalogues_and_unknown_sets(cli) -> None:
    older = cli("criteria", "show", "ocop-148", "--set", "3", "--json")
    assert older.exit_code == 2 and "--set applies to ocop-26-2026" in older.error()["message"]
    unknown = cli("criteria", "show", "ocop-26-2026", "--set", "27", "--json")
    assert unknown.exit_code == 6 and "1 to 26" in unknown.error()["message"]
    assert cli("criteria", "show", "ocop-148", "--json").json()["name"] == "ocop-148"
