from tests.conftest import World


def test_commune_officer_registers_an_idea_in_their_commune(cli, world: World) -> None:
    result = cli("product", "register", "--name", "Tỏi Lý Sơn", "--producer",
                 str(world.producer_id), "--group", "food", "--actor", "commune1", "--json")
    assert result.exit_code == 0, result.stderr
    product = result.json()
    assert product["state"] == "idea_registered"
    assert product["district"]["code"] == world.district
    assert [h["trigger"] for h in product["history"]] == ["register"]
