"""Decision 26/2026/QĐ-TTg Art. 12: a certificate issued under 148 or 1489 keeps its
workflow, but its re-rating and upgrade follow 26/2026 (the window of Art. 7.6, a late
filing accepted by the province, Art. 12.3), carried forward by the migration maps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import History, Product, ScheduleItem, User
from ocop_cycle.errors import GuardFailed, InvalidInput, PermissionDenied, TransitionNotAllowed
from ocop_cycle.identity.apitokens import create_token
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling import runner
from ocop_cycle.services import browse
from ocop_cycle.services.products import fire, fire_timer, register_product
from ocop_cycle.services.views import show_product
from ocop_cycle.web.app import create_app
from tests.law_26_2026 import (
    FILED,
    TO_148_CERTIFIED,
    WORKFLOW,
    Province26,
    at_rerating_review,
    certified26,
    decision_day_clock_fixture,  # noqa: F401
    on,
    qn_fixture,  # noqa: F401
    walk26,
)
from tests.pages_support import PASSWORD, csrf_in, sign_in

TO_1489_CERTIFIED = [
    ("approve_idea", "xa26", {}),
    ("submit_plan", "chuthe26", {}),
    ("approve_plan", "xa26", {}),
    ("submit_dossier", "chuthe26", {}),
    ("forward_dossier", "xa26", {"data": {"origin_report": "BC 12/UBND-xã"}}),
    ("accept_dossier", "tinh26", {}),
    ("close_evaluation", "tinh26", {"data": {"score": "62.5", "minutes": "01/BB-HĐ"}}),
]


@dataclass(frozen=True)
class Legacy:
    """A certificate of the older rules: its decision date, who files for its producer,
    and the trigger the filing is fired by."""

    issued: date
    filer: str
    trigger: str

    @property
    def expires(self) -> date:
        return self.issued.replace(year=self.issued.year + 3)

    @property
    def window(self) -> str:
        """The 26/2026 window as the refusal names it: 180 to 120 days before expiry."""
        opens, closes = (self.expires - timedelta(days=n) for n in (180, 120))
        return f"from {opens:%d/%m/%Y} to {closes:%d/%m/%Y}"


CERTIFICATES = {
    # No login for the Đức Tân cooperative: its commune officer files for it, by 148's name.
    "ocop-148": Legacy(date(2024, 5, 7), "xa_ductan", "submit_renewal"),
    # The Nghĩa Lộ producer (2025 units) files itself, by 26/2026's name.
    "ocop-1489": Legacy(date(2025, 8, 4), "chuthe26", "submit_rerating"),
}
EXPIRES = CERTIFICATES["ocop-148"].expires  # 2027-05-07


def certified_under(runtime: Runtime, clock: Clock, qn: Province26, workflow: str) -> int:
    """A certificate issued under ``workflow`` (148 in a legacy commune, 1489 in a 2025
    one) by the rules in force that day, never migrated."""
    legacy = CERTIFICATES[workflow]
    on(clock, legacy.issued)
    if workflow == "ocop-148":
        product_id = int(register_product(runtime, name="Tỏi", producer_id=qn.legacy_producer_id,
                                          actor="xa_ductan", group="food")["id"])
        steps = [*TO_148_CERTIFIED, ("issue_certificate", "huyen_moduc", {"data": {
            "decision_number": "1/QĐ-UBND", "decision_date": legacy.issued.isoformat()}})]
    else:
        product_id = int(register_product(runtime, name="Mạch nha", producer_id=qn.producer_id,
                                          actor="xa26", group="food")["id"])
        steps = [*TO_1489_CERTIFIED, ("issue_certificate", "tinh26", {"data": {
            "decision_number": "2/QĐ-UBND", "decision_date": legacy.issued.isoformat()}})]
    view = walk26(runtime, product_id, steps)
    assert (view["workflow"], view["state"]) == (workflow, "certified")
    assert view["certificate"]["expires_on"] == legacy.expires.isoformat()
    return product_id


def history(runtime: Runtime, product_id: int) -> list[History]:
    with runtime.transaction() as session:
        rows = list(session.scalars(
            select(History).where(History.product_id == product_id).order_by(History.id)))
        session.expunge_all()
        return rows


def rows_now(runtime: Runtime, product_id: int) -> tuple[int, int]:
    """History and schedule rows, to show a refusal changed nothing."""
    with runtime.transaction() as session:
        return (
            session.scalar(select(func.count()).where(History.product_id == product_id)) or 0,
            session.scalar(select(func.count()).where(
                ScheduleItem.product_id == product_id, ScheduleItem.status == "pending")) or 0,
        )


def window_opened(
    runtime: Runtime, clock: Clock, product_id: int, days_before: int, expires: date = EXPIRES
) -> None:
    """On expiry − ``days_before``; from −180 the scheduler has opened the old window."""
    if days_before <= 180:
        on(clock, expires - timedelta(days=180))
        fire_timer(runtime, product_id, "open_renewal")
    on(clock, expires - timedelta(days=days_before))


@pytest.mark.parametrize("workflow", sorted(CERTIFICATES))
def test_an_unmigrated_certificates_rerating_filed_181_days_before_expiry_is_refused_unchanged(
    runtime: Runtime, clock: Clock, qn: Province26, workflow: str
) -> None:
    legacy = CERTIFICATES[workflow]
    product_id = certified_under(runtime, clock, qn, workflow)
    window_opened(runtime, clock, product_id, 181, legacy.expires)
    before = rows_now(runtime, product_id)
    with pytest.raises(GuardFailed, match=f"has not opened yet: file {legacy.window}"):
        fire(runtime, product_id, legacy.trigger, actor=legacy.filer)
    view = show_product(runtime, product_id)
    assert (view["workflow"], view["state"]) == (workflow, "certified")
    assert rows_now(runtime, product_id) == before


@pytest.mark.parametrize("days_before", [180, 120])
@pytest.mark.parametrize("workflow", sorted(CERTIFICATES))
def test_an_unmigrated_certificate_is_re_rated_under_26_2026_inside_its_window(
    runtime: Runtime, clock: Clock, qn: Province26, workflow: str, days_before: int
) -> None:
    legacy = CERTIFICATES[workflow]
    product_id = certified_under(runtime, clock, qn, workflow)
    window_opened(runtime, clock, product_id, days_before, legacy.expires)
    view = fire(runtime, product_id, legacy.trigger, actor=legacy.filer, request_id="r-1")
    assert (view["workflow"], view["state"]) == (WORKFLOW, "rerating_submitted")
    assert "commune_check" in [d["name"] for d in view["open_deadlines"]]
    *_, switch, filed = history(runtime, product_id)
    assert (switch.trigger, switch.from_state, switch.to_state) == (
        "migrate_workflow", "renewal_due", "renewal_due")
    assert (switch.workflow, switch.actor) == (WORKFLOW, legacy.filer)
    assert switch.data["from_workflow"] == f"{workflow}@1"
    assert switch.data["map"] == f"{workflow}-to-26-2026.yaml"
    assert switch.data["forwarded"] == f"{legacy.trigger} → submit_rerating"
    assert (filed.trigger, filed.workflow, filed.to_state) == (
        "submit_rerating", WORKFLOW, "rerating_submitted")
    # Nothing of the old window is left pending: no renewal reminder, no state timer; the
    # commune's check of 26/2026 and the certificate's own expiry remain.
    with runtime.transaction() as session:
        pending = {(row.kind, row.name, row.state) for row in session.scalars(select(
            ScheduleItem).where(ScheduleItem.product_id == product_id,
                                ScheduleItem.status == "pending"))}
    assert pending - {("deadline", "commune_check", "rerating_submitted")} == {
        ("escalation", "commune_check", "rerating_submitted"), ("expiry", "expire", None)}
    # The same request again answers with the product, firing nothing.
    rows = len(history(runtime, product_id))
    again = fire(runtime, product_id, legacy.trigger, actor=legacy.filer, request_id="r-1")
    assert (again["version"], len(history(runtime, product_id))) == (view["version"], rows)


@pytest.mark.parametrize("workflow", sorted(CERTIFICATES))
def test_an_unmigrated_certificates_rerating_filed_119_days_before_expiry_is_accepted_late(
    runtime: Runtime, clock: Clock, qn: Province26, workflow: str
) -> None:
    legacy = CERTIFICATES[workflow]
    product_id = certified_under(runtime, clock, qn, workflow)
    window_opened(runtime, clock, product_id, 119, legacy.expires)
    before = rows_now(runtime, product_id)
    with pytest.raises(GuardFailed, match=f"has closed: file {legacy.window}.*accept_late_rerating"):
        fire(runtime, product_id, legacy.trigger, actor=legacy.filer)
    assert rows_now(runtime, product_id) == before
    assert show_product(runtime, product_id)["workflow"] == workflow
    view = fire(runtime, product_id, "accept_late_rerating", actor="tinh26",
                data={"reason": "Chủ thể nộp muộn do bão lũ"})
    assert (view["workflow"], view["state"]) == (WORKFLOW, "rerating_submitted")
    late_cap = legacy.expires + timedelta(days=180)
    assert view["certificate"]["valid_until_decision_cap"] == late_cap.isoformat()
    assert view["certificate"]["expires_on"] == legacy.expires.isoformat()
    with runtime.transaction() as session:
        expiry = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.kind == "expiry",
            ScheduleItem.status == "pending")).one()
        assert expiry.due_on == late_cap
    assert history(runtime, product_id)[-1].data["valid_until_decision_cap"] == late_cap.isoformat()


def test_the_upgrade_of_a_148_certificate_needs_evidence_of_what_changed(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    on(clock, date(2026, 6, 10))
    before = rows_now(runtime, product_id)
    with pytest.raises(InvalidInput, match="request_upgrade needs upgrade_evidence"):
        fire(runtime, product_id, "request_upgrade", actor="xa_ductan")
    assert rows_now(runtime, product_id) == before
    assert show_product(runtime, product_id)["workflow"] == "ocop-148"
    view = fire(runtime, product_id, "request_upgrade", actor="xa_ductan",
                data={"upgrade_evidence": "Bao bì mới, truy xuất nguồn gốc QR"})
    assert (view["workflow"], view["state"]) == (WORKFLOW, "dossier_submitted")
    assert view["certificate"]["status"] == "active"  # in force until a higher star


def test_the_product_page_offers_the_26_2026_filing_for_an_unmigrated_certificate(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    window_opened(runtime, clock, product_id, 150)
    offered = {a["trigger"]: a for a in browse.triggers_for(runtime, "xa_ductan", product_id)}
    assert "submit_renewal" not in offered
    assert offered["submit_rerating"]["label"]["vi"] == "Nộp hồ sơ đánh giá lại"
    assert offered["request_upgrade"]["requires"] == ["upgrade_evidence"]
    shown = show_product(runtime, product_id, actor="xa_ductan")
    assert {"submit_rerating", "request_upgrade"} <= set(shown["allowed_triggers"])
    province = {a["trigger"] for a in browse.triggers_for(runtime, "tinh26", product_id)}
    assert "accept_late_rerating" in province


def test_a_148_renewal_stays_under_148_while_the_province_pins_ocop_148(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    window_opened(runtime, clock, product_id, 150)
    pinned = replace(runtime, settings=runtime.settings.replace(default_workflow="ocop-148"))
    view = fire(pinned, product_id, "submit_renewal", actor="xa_ductan")
    assert (view["workflow"], view["state"]) == ("ocop-148", "dossier_submitted")


def test_filing_by_command_outside_the_window_exits_4_naming_the_window(
    runtime: Runtime, clock: Clock, qn: Province26, cli: Any
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    result = cli("product", "fire", str(product_id), "submit_renewal", "--actor", "xa_ductan",
                 as_of=(EXPIRES - timedelta(days=200)).isoformat())
    assert result.exit_code == 4
    assert "08/11/2026" in result.stderr and "07/01/2027" in result.stderr
    assert show_product(runtime, product_id)["workflow"] == "ocop-148"
    filed = cli("product", "fire", str(product_id), "submit_renewal", "--actor", "xa_ductan",
                "--json", as_of=(EXPIRES - timedelta(days=150)).isoformat())
    assert filed.exit_code == 0, filed.stderr
    assert (filed.json()["workflow"], filed.json()["state"]) == (WORKFLOW, "rerating_submitted")


# Withdrawing a re-rating filing (ocop-26-2026 version 2).


def notices(runtime: Runtime, clock: Clock, kind: str) -> list[Any]:
    """The messages of ``kind`` sent so far (one scheduler pass sends what is waiting)."""
    runner.tick(runtime, digest=False)
    folder = runtime.settings.mail_dir
    found = [message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in sorted(folder.glob("*.eml"))] if folder.exists() else []
    return [message for message in found if message["X-OCOP-Kind"] == kind]


@pytest.mark.parametrize("withdrawer", ["chuthe26", "xa26"])
def test_a_producer_withdraws_a_filed_rerating_and_keeps_the_certificate_as_it_was(
    runtime: Runtime, clock: Clock, qn: Province26, withdrawer: str
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, FILED)
    before = show_product(runtime, product_id)["certificate"]
    filed = fire(runtime, product_id, "submit_rerating", actor="chuthe26")
    assert (filed["workflow"], filed["workflow_version"]) == (WORKFLOW, 2)
    view = fire(runtime, product_id, "withdraw_rerating", actor=withdrawer,
                comment="Chủ thể đổi bao bì, nộp lại sau")
    assert view["state"] == "renewal_due"
    assert view["certificate"] == before
    last = history(runtime, product_id)[-1]
    assert (last.trigger, last.from_state, last.to_state, last.actor) == (
        "withdraw_rerating", "rerating_submitted", "renewal_due", withdrawer)
    assert "commune_check" not in [d["name"] for d in view["open_deadlines"]]
    (notice,) = notices(runtime, clock, "rerating_withdrawn")
    assert notice["To"].addresses[0].addr_spec == "htx.nghialo@example.vn"
    body = notice.get_body(("plain",)).get_content()
    assert "Tỏi đen Nghĩa Lộ" in body and "từ 03/12/2028 đến 01/02/2029" in body
    again = fire(runtime, product_id, "submit_rerating", actor="chuthe26")
    assert again["state"] == "rerating_submitted"


def test_a_rerating_cannot_be_withdrawn_once_the_council_has_concluded(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = at_rerating_review(runtime, clock, qn)
    with pytest.raises(PermissionDenied):  # the province decides; it does not withdraw
        fire(runtime, product_id, "withdraw_rerating", actor="tinh26")
    assert fire(runtime, product_id, "withdraw_rerating", actor="chuthe26")["state"] == (
        "renewal_due")
    walk26(runtime, product_id, [
        ("submit_rerating", "chuthe26", {}),
        ("forward_rerating", "xa26", {"data": {"origin_report": "Mẫu 03",
                                               "request_letter": "TTr"}}),
        ("close_evaluation", "tinh26", {"data": {"score": "75", "minutes": "BB 2/HĐ"}}),
    ])
    with pytest.raises(TransitionNotAllowed, match="province_decision"):
        fire(runtime, product_id, "withdraw_rerating", actor="chuthe26")


def test_a_late_filers_withdrawal_ends_the_validity_until_the_decision(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    legacy = CERTIFICATES["ocop-148"]
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    window_opened(runtime, clock, product_id, 100, legacy.expires)
    accepted = fire(runtime, product_id, "accept_late_rerating", actor="tinh26",
                    data={"reason": "Bão lũ"})
    assert accepted["certificate"]["valid_until_decision_cap"] is not None
    view = fire(runtime, product_id, "withdraw_rerating", actor="xa_ductan")
    assert (view["workflow"], view["state"]) == (WORKFLOW, "renewal_due")
    assert view["certificate"]["valid_until_decision_cap"] is None
    assert view["certificate"]["expires_on"] == legacy.expires.isoformat()
    with runtime.transaction() as session:
        expiry = session.scalars(select(ScheduleItem).where(
            ScheduleItem.product_id == product_id, ScheduleItem.kind == "expiry",
            ScheduleItem.status == "pending")).one()
        assert expiry.due_on == legacy.expires


def test_a_version_1_product_withdraws_after_moving_to_version_2_by_its_map(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified26(runtime, clock, qn)
    on(clock, FILED)
    fire(runtime, product_id, "submit_rerating", actor="chuthe26")
    with runtime.transaction() as session:  # as a database from before version 2 holds it
        session.get(Product, product_id).workflow_version = 1  # type: ignore[union-attr]
    assert "withdraw_rerating" in show_product(runtime, product_id, actor="chuthe26")[
        "allowed_triggers"]
    view = fire(runtime, product_id, "withdraw_rerating", actor="chuthe26")
    assert (view["workflow_version"], view["state"]) == (2, "renewal_due")
    *_, switch, withdrawn = history(runtime, product_id)
    assert (switch.trigger, switch.workflow_version, switch.to_state) == (
        "migrate_workflow", 2, "rerating_submitted")
    assert switch.data["map"] == "ocop-26-2026-v1-to-v2.yaml"
    assert withdrawn.trigger == "withdraw_rerating"


def test_version_1_of_26_2026_is_unchanged_and_version_2_adds_only_the_withdrawal(
    runtime: Runtime,
) -> None:
    first = runtime.workflows.get(WORKFLOW, 1).definition
    second = runtime.workflows.get(WORKFLOW, 2).definition
    assert not first.has_trigger("withdraw_rerating")
    assert [t for t in second.transitions if t.trigger != "withdraw_rerating"] == (
        first.transitions)
    assert second.model_dump(exclude={"version", "transitions"}) == first.model_dump(
        exclude={"version", "transitions"})
    assert runtime.workflows.in_force(date(2026, 6, 1)).definition.key == "ocop-26-2026@2"


# Decision 1489 took effect on 2025-07-06, after the 2025 units (2025-07-01): no legacy
# commune existed for one of its products to name.
def test_a_1489_product_must_name_a_2025_commune(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    on(clock, date(2025, 8, 4))
    with pytest.raises(InvalidInput, match=(
            r"products under ocop-1489 \(1489/QĐ-TTg\) name a 2025 commune; .*\(21427\) is a "
            r"legacy \(pre-2025\) unit.*units convert --to 2025")):
        register_product(runtime, name="Tỏi", producer_id=qn.legacy_producer_id,
                         actor="xa_ductan", group="food")
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Product)) == 0
    view = register_product(runtime, name="Mạch nha", producer_id=qn.producer_id,
                            actor="xa26", group="food")
    assert (view["workflow"], view["district"]) == ("ocop-1489", None)


def test_registering_a_1489_product_in_a_legacy_commune_by_command_exits_2(
    runtime: Runtime, qn: Province26, cli: Any
) -> None:
    result = cli("product", "register", "--name", "Tỏi", "--producer",
                 str(qn.legacy_producer_id), "--group", "food", "--actor", "xa_ductan",
                 "--workflow", "ocop-1489", as_of="2026-03-02")
    assert result.exit_code == 2
    assert "2025 commune" in result.stderr and "units convert --to 2025" in result.stderr
    assert cli("product", "list", "--json", as_of="2026-03-02").json() == []


def test_the_api_files_an_unmigrated_certificates_rerating_under_26_2026(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    secret = create_token(runtime, "xa_ductan", actor="quantri26", label="thử").token
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/products/{product_id}"
    with TestClient(create_app(runtime), base_url="http://127.0.0.1") as client:
        on(clock, EXPIRES - timedelta(days=181))
        early = client.post(f"{url}/transitions", json={"trigger": "submit_renewal"},
                            headers=headers)
        assert early.json()["code"] == "guard_failed"
        assert "08/11/2026" in early.text and "07/01/2027" in early.text
        assert client.get(url, headers=headers).json()["workflow"] == "ocop-148"
        on(clock, EXPIRES - timedelta(days=150))
        offered = client.get(f"{url}/triggers", headers=headers).json()
        assert "submit_rerating" in {t["trigger"] for t in offered}
        filed = client.post(f"{url}/transitions", json={"trigger": "submit_rerating"},
                            headers=headers)
        assert filed.status_code == 200, filed.text
        assert (filed.json()["workflow"], filed.json()["state"]) == (
            WORKFLOW, "rerating_submitted")


def test_the_product_page_sends_an_unmigrated_certificates_rerating_to_the_filing_page(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    """The page links the re-rating to "Nộp hồ sơ" (a filing goes with its documents);
    the trigger posted to the page's own route still follows 26/2026's window."""
    product_id = certified_under(runtime, clock, qn, "ocop-148")
    with runtime.transaction() as session:  # a password, as the officer's first sign-in sets
        session.execute(update(User).where(User.username == "xa_ductan").values(
            password_hash=hash_password(PASSWORD), must_change_password=False))
    runtime.settings.cookie_secure = False
    action = f"/san-pham/{product_id}/thao-tac/submit_rerating"
    with TestClient(create_app(runtime)) as client:

        def page_on(day: date) -> str:
            """Sign in on ``day`` (a session lasts minutes) and take the form's CSRF token."""
            on(clock, day)
            sign_in(client, "xa_ductan")
            page = client.get(f"/san-pham/{product_id}").text
            assert f'href="/san-pham/{product_id}/nop-ho-so' in page
            assert f'action="{action}"' not in page
            return csrf_in(page)

        refused = client.post(action, data={"csrf_token": page_on(EXPIRES - timedelta(days=181))},
                              follow_redirects=False)
        assert refused.status_code >= 400 and "08/11/2026" in refused.text
        assert show_product(runtime, product_id)["workflow"] == "ocop-148"
        filed = client.post(action, data={"csrf_token": page_on(EXPIRES - timedelta(days=150))},
                            follow_redirects=False)
        assert filed.status_code == 303, filed.text
    view = show_product(runtime, product_id)
    assert (view["workflow"], view["state"]) == (WORKFLOW, "rerating_submitted")
