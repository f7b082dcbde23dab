"""Certificates through their life: issue, verify, renew, upgrade, revoke, expire."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.errors import GuardFailed, InvalidInput, PermissionDenied, TransitionNotAllowed
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import certificates, scoring
from ocop_cycle.services.products import fire, fire_timer
from ocop_cycle.services.views import show_product
from tests.conftest import World
from tests.flows import TO_148, decide, on_its_date, product_in, register
from tests.scoring_support import PROVINCE_MEMBERS, consistent, score, seat_councils, snapshot

DECISION_4 = {"decision_number": "1890/QĐ-UBND", "decision_date": "2024-08-15"}
DECISION_RENEWAL = {"decision_number": "455/QĐ-UBND", "decision_date": "2027-05-10"}
FIELDS = {"id", "number", "product_id", "stars", "score", "rule_set", "issuing_level",
          "decision_number", "decision_date", "round_year", "valid_from", "expires_on",
          "status", "verification_code"}


@pytest.fixture
def seated(runtime: Runtime, world: World) -> dict[str, int]:
    return seat_councils(runtime, world)


def go(runtime: Runtime, product_id: int, *steps: tuple[str, str, dict[str, str]]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for trigger, actor, data in steps:
        if actor == "system":  # a timer on its date: the scheduler's own path
            view = fire_timer(runtime, product_id, trigger)
        else:
            on_its_date(runtime, data)
            view = fire(runtime, product_id, trigger, actor=actor, data=data)
        consistent(runtime)
    return view


def certified_4_stars(runtime: Runtime, world: World) -> int:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    go(runtime, product_id,
       ("close_evaluation", "district1", {"score": "75", "minutes": "01/BB-HĐ"}),
       ("close_evaluation", "province1", {"score": "80", "minutes": "01/BB-HĐ"}),
       ("issue_certificate", "province1", DECISION_4))
    return product_id


def certificates_of(runtime: Runtime, product_id: int) -> list[dict[str, Any]]:
    rows = certificates.list_certificates(runtime)
    return sorted((c for c in rows if c["product_id"] == product_id), key=lambda c: c["id"])


def renewal_due(runtime: Runtime, product_id: int) -> None:
    go(runtime, product_id, ("open_renewal", "system", {}))


def test_a_certificate_carries_the_fields_consumers_and_reports_need(cli, runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "awaiting_decision")
    go(runtime, product_id, ("issue_certificate", "district1",
                             {"decision_number": "192/QĐ-UBND", "decision_date": "2024-02-29",
                              "round_year": "2023"}))
    shown = cli("certificate", "show", "1", "--json").json()
    assert set(shown) >= FIELDS
    assert shown["rule_set"] == "148/QĐ-TTg" and shown["issuing_level"] == "district"
    assert shown["round_year"] == 2023 and shown["decision_date"] == "2024-02-29"
    assert shown["valid_from"] == "2024-02-29" and shown["expires_on"] == "2027-02-28"
    assert shown["status"] == "active" and len(shown["verification_code"]) == 10
    in_product = cli("product", "show", str(product_id), "--json").json()["certificate"]
    assert set(in_product) >= FIELDS and in_product["number"] == shown["number"]


def test_verification_shows_what_a_consumer_needs_and_nothing_private(cli, runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    code = show_product(runtime, product_id)["certificate"]["verification_code"]
    typed = f"{code[:5].lower()}-{code[5:]}"
    as_json = cli("certificate", "verify", typed, "--json")
    assert as_json.exit_code == 0, as_json.stderr
    seen = as_json.json()
    assert seen["product"] == "Tỏi Lý Sơn" and seen["producer"] == "HTX Nông nghiệp Đức Tân"
    assert seen["stars"] == 3 and seen["valid_until"] == "2027-06-20"
    assert seen["status"] == "active" and seen["status_label"]["vi"] == "Còn hiệu lực"
    human = cli("certificate", "verify", code)
    for output in (as_json.stdout, human.stdout):
        for private in ("htx.ductan@example.vn", "0255 3845 123", "4300123456", "@", "score"):
            assert private not in output
    assert "Hiệu lực đến / valid until: 20/06/2027" in human.stdout


def test_verification_after_the_expiry_date_reads_expired(cli, runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    code = show_product(runtime, product_id)["certificate"]["verification_code"]
    assert cli("certificate", "verify", code, "--json", as_of="2027-06-20").json()["status"] == "expired"
    assert cli("certificate", "verify", code, "--json", as_of="2027-06-19").json()["status"] == "active"


def test_an_unknown_verification_code_is_not_found(cli, runtime: Runtime, world: World) -> None:
    result = cli("certificate", "verify", "ABCDEFGHJK", "--json")
    assert result.exit_code == 6 and "no OCOP certificate has this code" in result.error()["message"]


def test_certificate_list_filters_by_status_unit_and_expiry(cli, runtime: Runtime, world: World) -> None:
    product_in(runtime, world.producer_id, "certified")
    product_in(runtime, world.producer_id, "revoked")
    def ids(*args: str) -> list[str]:
        result = cli("certificate", "list", *args, "--json")
        assert result.exit_code == 0, result.stderr
        return [row["status"] for row in result.json()]
    assert sorted(ids()) == ["active", "revoked"]
    assert ids("--status", "active") == ["active"]
    assert len(ids("--unit", world.district)) == 2 and ids("--unit", world.other_district) == []
    assert len(ids("--expiring-before", "2027-06-21")) == 2
    assert ids("--expiring-before", "2027-06-20") == []
    bad = cli("certificate", "list", "--status", "valid", "--json")
    assert bad.exit_code == 2 and "active, expired, revoked, superseded" in bad.error()["message"]


def test_a_renewal_to_a_lower_star_supersedes_the_old_certificate(runtime: Runtime, world: World) -> None:
    product_id = certified_4_stars(runtime, world)
    renewal_due(runtime, product_id)
    go(runtime, product_id,
       ("submit_renewal", "producer1", {}),
       ("accept_dossier", "district1", {}),
       ("close_evaluation", "district1", {"score": "61", "minutes": "01/BB-HĐ"}),
       ("issue_certificate", "district1", DECISION_RENEWAL))
    old, new = certificates_of(runtime, product_id)
    assert (old["stars"], old["status"], old["superseded_by_id"]) == (4, "superseded", new["id"])
    assert (new["stars"], new["status"], new["issuing_level"]) == (3, "active", "district")


def test_a_renewal_to_a_higher_star_supersedes_the_old_certificate(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "renewal_due")
    go(runtime, product_id,
       ("submit_renewal", "producer1", {}),
       ("accept_dossier", "district1", {}),
       ("close_evaluation", "district1", {"score": "74", "minutes": "01/BB-HĐ"}),
       ("close_evaluation", "province1", {"score": "78.5", "minutes": "01/BB-HĐ"}),
       ("issue_certificate", "province1", DECISION_RENEWAL))
    old, new = certificates_of(runtime, product_id)
    assert (old["stars"], old["status"]) == (3, "superseded")
    assert (new["stars"], new["status"], new["score"]) == (4, "active", 78.5)


def test_a_renewal_below_50_keeps_the_old_certificate_until_its_expiry_date(
    cli, runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "renewal_due")
    view = go(runtime, product_id,
              ("submit_renewal", "producer1", {}),
              ("accept_dossier", "district1", {}),
              ("close_evaluation", "district1", {"score": "45", "minutes": "01/BB-HĐ"}))
    assert view["state"] == "not_ranked" and view["certificate"]["status"] == "active"
    assert view["certificate"]["expires_on"] == "2027-06-20"
    # The scheduler (issue 4) expires the certificate on its date, whatever the state.
    assert cli("scheduler", "tick", "--json", as_of="2027-06-19T12:00").exit_code == 0
    assert show_product(runtime, product_id)["certificate"]["status"] == "active"
    assert cli("scheduler", "tick", "--json", as_of="2027-06-20T12:00").exit_code == 0
    after = show_product(runtime, product_id)
    assert after["state"] == "not_ranked" and after["certificate"]["status"] == "expired"
    consistent(runtime)


@pytest.fixture
def runtime_1489(database_url: str, clock: Clock) -> Iterator[Runtime]:
    """The same database once the province's default is the two-tier ocop-1489."""
    built = Runtime.create(Settings(database_url=database_url, default_workflow="ocop-1489"), clock)
    yield built
    built.close()


def test_a_renewal_after_the_switch_to_1489_follows_the_two_tier_procedure(
    runtime: Runtime, runtime_1489: Runtime, world: World, seated: dict[str, int]
) -> None:
    product_id = product_in(runtime, world.producer_id, "renewal_due")
    view = go(runtime_1489, product_id, ("submit_renewal", "producer1", {}))
    assert (view["workflow"], view["state"]) == ("ocop-1489", "dossier_submitted")
    switch = view["history"][-1]
    assert switch["trigger"] == "submit_renewal" and switch["workflow"] == "ocop-1489"
    assert switch["data"]["workflow_switch"] == {"from": "ocop-148@1", "to": "ocop-1489@1",
                                                "rule_set": "1489/QĐ-TTg"}
    # No district any more: the commune checks the dossier and forwards it to the province.
    with pytest.raises(TransitionNotAllowed, match="forward_dossier"):
        fire(runtime_1489, product_id, "accept_dossier", actor="district1")
    go(runtime_1489, product_id,
       ("forward_dossier", "commune1", {"origin_report": "BC-07/UBND xã Đức Tân"}),
       ("accept_dossier", "province1", {}))
    evaluation = scoring.show_scores(runtime_1489, product_id)["evaluation"]
    assert evaluation["level"] == "province" and evaluation["purpose"] == "renewal"
    score(runtime_1489, product_id, {m: "66" for m in PROVINCE_MEMBERS[:3]})
    view = go(runtime_1489, product_id, ("close_evaluation", "province1", {}))
    assert view["state"] == "awaiting_decision" and view["stars"] == 3
    with pytest.raises(GuardFailed, match="issued at province level under ocop-1489"):
        decide(runtime_1489, product_id, "issue_certificate", actor="central1", data=DECISION_RENEWAL)
    go(runtime_1489, product_id, ("issue_certificate", "province1", DECISION_RENEWAL))
    old, new = certificates_of(runtime_1489, product_id)
    assert (old["rule_set"], old["issuing_level"], old["status"]) == ("148/QĐ-TTg", "district", "superseded")
    assert (new["rule_set"], new["workflow"], new["issuing_level"]) == ("1489/QĐ-TTg", "ocop-1489", "province")


def test_a_1489_product_is_never_moved_back_to_148(runtime: Runtime, world_2025: World) -> None:
    product_id = register(runtime, world_2025.producer_id, workflow="ocop-1489")
    view = go(runtime, product_id,
              ("approve_idea", "commune1", {}),
              ("submit_plan", "producer1", {}),
              ("approve_plan", "commune1", {}),
              ("submit_dossier", "producer1", {}),
              ("forward_dossier", "commune1", {"origin_report": "BC-01"}),
              ("accept_dossier", "province1", {}),
              ("close_evaluation", "province1", {"score": "60", "minutes": "01/BB-HĐ"}),
              ("issue_certificate", "province1", DECISION_4),
              ("open_renewal", "system", {}),
              ("submit_renewal", "producer1", {}))
    assert runtime.workflows.for_new_product(
        runtime.clock.today(), runtime.settings.default_workflow
    ).definition.name == "ocop-148"
    assert (view["workflow"], view["state"]) == ("ocop-1489", "dossier_submitted")
    assert "workflow_switch" not in view["history"][-1]["data"]


def test_an_upgrade_with_no_gain_keeps_the_certificate_and_returns_to_certified(
    runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    before = certificates_of(runtime, product_id)
    view = go(runtime, product_id,
              ("request_upgrade", "producer1", {}),
              ("accept_dossier", "district1", {}),
              ("close_evaluation", "district1", {"score": "68", "minutes": "01/BB-HĐ"}))
    assert view["state"] == "certified"
    assert (view["stars"], view["score"]) == (3, 62.5)
    data = view["history"][-1]["data"]
    assert data["upgrade"] == {"current_stars": 3, "result_stars": 3, "gained": False}
    assert data["certificate_kept"] == before[0]["number"]
    assert certificates_of(runtime, product_id) == before


def test_an_upgrade_forwarded_but_not_gained_at_the_province_keeps_the_certificate(
    runtime: Runtime, world: World
) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    view = go(runtime, product_id,
              ("request_upgrade", "producer1", {}),
              ("accept_dossier", "district1", {}),
              ("close_evaluation", "district1", {"score": "72", "minutes": "01/BB-HĐ"}))
    assert view["state"] == "province_evaluation"
    view = go(runtime, product_id, ("close_evaluation", "province1", {"score": "40", "minutes": "01/BB-HĐ"}))
    assert view["state"] == "certified" and view["stars"] == 3
    assert certificates_of(runtime, product_id)[0]["status"] == "active"


def test_an_upgrade_to_a_higher_star_supersedes_the_certificate(runtime: Runtime, world: World, seated) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    go(runtime, product_id, ("request_upgrade", "producer1", {}), ("accept_dossier", "district1", {}))
    assert scoring.show_scores(runtime, product_id)["evaluation"]["purpose"] == "upgrade"
    score(runtime, product_id, {"hd.huyen1": "74", "hd.huyen2": "76", "hd.huyen3": "75"})
    go(runtime, product_id, ("close_evaluation", "district1", {}))
    score(runtime, product_id, {m: "82" for m in PROVINCE_MEMBERS[:3]})
    view = go(runtime, product_id, ("close_evaluation", "province1", {}))
    assert view["state"] == "awaiting_decision" and view["stars"] == 4
    go(runtime, product_id, ("issue_certificate", "province1", DECISION_4))
    old, new = certificates_of(runtime, product_id)
    assert (old["status"], new["stars"], new["status"]) == ("superseded", 4, "active")


REVOKE = {"reason": "Vi phạm an toàn thực phẩm", "decision_number": "77/QĐ-UBND"}


@pytest.mark.parametrize(
    ("actor", "error", "message"),
    [("commune1", PermissionDenied, "role commune_officer may not fire revoke"),
     ("district2", PermissionDenied, "serves unit 522"),
     ("producer1", PermissionDenied, "role producer may not fire revoke"),
     ("hd.huyen1", PermissionDenied, "council_member")],
)
def test_only_the_certifying_level_or_above_revokes(
    runtime: Runtime, world: World, seated, actor: str, error: type[Exception], message: str
) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    before = snapshot(runtime)
    with pytest.raises(error, match=message):
        fire(runtime, product_id, "revoke", actor=actor, data=REVOKE)
    assert snapshot(runtime) == before


@pytest.mark.parametrize("actor", ["district1", "province1", "central1"])
def test_a_3_star_certificate_is_revoked_by_the_district_or_above(runtime: Runtime, world: World, actor: str) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    view = go(runtime, product_id, ("revoke", actor, REVOKE))
    certificate = view["certificate"]
    assert view["state"] == "revoked" and certificate["status"] == "revoked"
    assert (certificate["revocation_reason"], certificate["revocation_decision"]) == (
        REVOKE["reason"], REVOKE["decision_number"])


def test_a_district_cannot_revoke_a_provincial_4_star_certificate(runtime: Runtime, world: World) -> None:
    product_id = certified_4_stars(runtime, world)
    before = snapshot(runtime)
    with pytest.raises(GuardFailed, match="can only be revoked at province level or above"):
        fire(runtime, product_id, "revoke", actor="district1", data=REVOKE)
    assert snapshot(runtime) == before
    assert go(runtime, product_id, ("revoke", "province1", REVOKE))["state"] == "revoked"


@pytest.mark.parametrize("missing", ["reason", "decision_number"])
def test_revocation_needs_a_reason_and_a_decision_number(runtime: Runtime, world: World, missing: str) -> None:
    product_id = product_in(runtime, world.producer_id, "certified")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput, match=f"revoke needs {missing}"):
        fire(runtime, product_id, "revoke", actor="district1",
             data={k: v for k, v in REVOKE.items() if k != missing})
    assert snapshot(runtime) == before


def test_state_and_certificate_status_agree_along_every_scripted_path(runtime: Runtime, world: World) -> None:
    for state in TO_148:
        product_in(runtime, world.producer_id, state)
        consistent(runtime)


@pytest.mark.parametrize(("actor", "allowed"), [("district1", True), ("province1", False),
                                                ("central1", False)])
def test_under_148_only_the_district_issues_a_3_star_certificate(
    runtime: Runtime, world: World, actor: str, allowed: bool
) -> None:
    product_id = product_in(runtime, world.producer_id, "awaiting_decision")
    if allowed:
        assert go(runtime, product_id, ("issue_certificate", actor, DECISION_4))["state"] == "certified"
        return
    before = snapshot(runtime)
    with pytest.raises(GuardFailed, match="3★ certificates are issued at district level under ocop-148"):
        decide(runtime, product_id, "issue_certificate", actor=actor, data=DECISION_4)
    assert snapshot(runtime) == before


def test_under_148_a_4_star_certificate_is_the_provinces(runtime: Runtime, world: World) -> None:
    product_id = product_in(runtime, world.producer_id, "district_evaluation")
    go(runtime, product_id, ("close_evaluation", "district1", {"score": "75", "minutes": "01/BB-HĐ"}),
       ("close_evaluation", "province1", {"score": "80", "minutes": "01/BB-HĐ"}))
    with pytest.raises(GuardFailed, match="4★ certificates are issued at province level"):
        decide(runtime, product_id, "issue_certificate", actor="district1", data=DECISION_4)
    assert go(runtime, product_id, ("issue_certificate", "province1", DECISION_4))["certificate"]["issuing_level"] == "province"
