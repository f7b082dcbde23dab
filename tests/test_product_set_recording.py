"""Decision 26/2026 scores a product on its product set's sheet (Appendix II); a product
moved from 1489 (or 148), which filed products by group, has no set. Its pages still
open, an officer of its commune or province records the set once, and its group follows
the set as at registration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ocop_cycle.clock import Clock
from ocop_cycle.db.models import History
from ocop_cycle.domain.labels import LABELS
from ocop_cycle.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion
from ocop_cycle.identity.apitokens import create_token
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import migration, unit_conversion
from ocop_cycle.services.dossiers import DossierIncomplete, dossier_choices, start_dossier
from ocop_cycle.services.migration import migrate
from ocop_cycle.services.products import RECORD_SET, record_product_set, register_product
from ocop_cycle.services.views import show_product
from ocop_cycle.web.app import create_app
from tests.law_26_2026 import (
    WORKFLOW,
    Province26,
    decision_day_clock_fixture,  # noqa: F401
    on,
    qn_fixture,  # noqa: F401
    walk26,
)
from tests.pages_support import csrf_in, open_pages, sign_in


def moved_without_a_set(runtime: Runtime, clock: Clock, qn: Province26) -> int:
    """A 1489 product (filed by group) at its plan, moved to 26/2026 by the shipped map."""
    on(clock, "2026-03-02")
    product_id = int(register_product(runtime, name="Mạch nha Nghĩa Lộ", producer_id=qn.producer_id,
                                      actor="xa26", group="herbal")["id"])
    walk26(runtime, product_id, [("approve_idea", "xa26", {}), ("submit_plan", "xa26", {})])
    on(clock, "2026-06-01")
    migrate(runtime, from_workflow="ocop-1489", to_workflow=WORKFLOW,
            map_path=Path("ocop-1489-to-26-2026"), actor="quantri26")
    view = show_product(runtime, product_id)
    assert (view["workflow"], view["product_set"]) == (WORKFLOW, None)
    return product_id


def rows_of(runtime: Runtime, product_id: int) -> list[tuple[str, dict[str, Any]]]:
    with runtime.reading() as session:
        return [(row.trigger, row.data) for row in session.scalars(
            select(History).where(History.product_id == product_id).order_by(History.id))]


def test_an_officer_records_the_set_and_the_group_follows_it_as_at_registration(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    before = show_product(runtime, product_id)
    view = record_product_set(runtime, product_id, "8", actor="xa26")
    # Set 8 is filed under food (Appendix I), whatever group 1489 gave the product.
    assert (view["product_set"], view["group"]) == (8, "food")
    assert view["version"] == before["version"] + 1 and view["state"] == before["state"]
    trigger, data = rows_of(runtime, product_id)[-1]
    assert trigger == RECORD_SET
    assert data == {"product_set": 8, "product_group": "food", "product_group_before": "herbal"}


def test_a_recorded_set_stays_and_recording_it_again_changes_nothing(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    recorded = record_product_set(runtime, product_id, 8, actor="tinh26")
    again = record_product_set(runtime, product_id, 8, actor="xa26")
    assert again["version"] == recorded["version"]
    with pytest.raises(InvalidInput, match="already in product set 8"):
        record_product_set(runtime, product_id, 9, actor="tinh26")
    assert show_product(runtime, product_id)["product_set"] == 8
    assert [t for t, _ in rows_of(runtime, product_id)].count(RECORD_SET) == 1


@pytest.mark.parametrize(
    ("actor", "refusal"),
    [
        ("chuthe26", PermissionDenied),  # the producer: officers record sets
        ("bo26", PermissionDenied),  # the ministry scores, it does not file products
        ("xa_ductan", NotFound),  # another commune's officer does not see the product
    ],
)
def test_only_an_officer_of_the_product_s_commune_or_province_records_its_set(
    runtime: Runtime, clock: Clock, qn: Province26, actor: str, refusal: type[Exception]
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    before = rows_of(runtime, product_id)
    with pytest.raises(refusal):
        record_product_set(runtime, product_id, 8, actor=actor)
    assert rows_of(runtime, product_id) == before
    assert show_product(runtime, product_id)["product_set"] is None


@pytest.mark.parametrize("given", ["0", "27", "tám", ""])
def test_a_set_outside_1_to_26_is_refused_naming_the_sets(
    runtime: Runtime, clock: Clock, qn: Province26, given: str
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    with pytest.raises(InvalidInput, match="1 to 26"):
        record_product_set(runtime, product_id, given, actor="xa26")
    assert show_product(runtime, product_id)["product_set"] is None


def test_a_product_under_the_older_rules_is_filed_by_group_and_takes_no_set(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    on(clock, "2026-03-02")
    product_id = int(register_product(runtime, name="Mạch nha Nghĩa Lộ", producer_id=qn.producer_id,
                                      actor="xa26", group="food")["id"])
    with pytest.raises(InvalidInput, match="files products by group"):
        record_product_set(runtime, product_id, 8, actor="xa26")


def test_a_stale_version_is_refused_and_changes_nothing(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    version = show_product(runtime, product_id)["version"]
    with pytest.raises(StaleVersion):
        record_product_set(runtime, product_id, 8, actor="xa26", expected_version=version - 1)
    assert show_product(runtime, product_id)["product_set"] is None


def test_a_dossier_without_a_set_is_refused_saying_the_set_comes_first(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    """The self-assessment is on the set's sheet: the dossier page says so instead of
    failing, and filing names the missing set among the dossier's problems."""
    product_id = moved_without_a_set(runtime, clock, qn)
    walk26(runtime, product_id, [("approve_plan", "xa26", {})])
    choices = dossier_choices(runtime, "chuthe26", product_id)
    assert choices["self_assessment"] and choices["product_set_missing"]
    with pytest.raises(DossierIncomplete) as refused:
        start_dossier(runtime, "chuthe26", product_id, "first", files={})
    assert "has no product set" in str(refused.value.fields["sheet"])
    record_product_set(runtime, product_id, 8, actor="xa26")
    assert not dossier_choices(runtime, "chuthe26", product_id)["product_set_missing"]


def test_every_history_row_written_by_no_transition_has_a_label() -> None:
    written = {RECORD_SET, migration.MIGRATE_TRIGGER, unit_conversion.TRIGGER}
    assert written <= set(LABELS["history_action"])


def test_the_product_page_opens_and_records_the_set_from_its_form(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    walk26(runtime, product_id, [("approve_plan", "xa26", {})])  # its first dossier is due
    with open_pages(runtime) as client:
        sign_in(client, "chuthe26")
        page = client.get(f"/san-pham/{product_id}")
        assert page.status_code == 200 and "Mạch nha Nghĩa Lộ" in page.text
        assert "bo-san-pham" not in page.text  # the producer is offered no set to record
        dossier = client.get(f"/san-pham/{product_id}/nop-ho-so")
        assert dossier.status_code == 200
        assert "chưa thuộc bộ sản phẩm nào" in dossier.text
        sign_in(client, "xa26")
        page = client.get(f"/san-pham/{product_id}")
        assert page.status_code == 200 and 'action="/san-pham/' in page.text
        assert '<option value="26">' in page.text
        action = f"/san-pham/{product_id}/bo-san-pham"
        forged = client.post(action, data={"product_set": "8"}, follow_redirects=False)
        assert forged.status_code == 403
        refused = client.post(action, data={"product_set": "27", "csrf_token": csrf_in(page.text)},
                              follow_redirects=False)
        assert refused.status_code == 422 and "Bộ sản phẩm số 27 không tồn tại" in refused.text
        assert show_product(runtime, product_id)["product_set"] is None
        done = client.post(action, data={"product_set": "8", "csrf_token": csrf_in(page.text)},
                           follow_redirects=False)
        assert done.status_code == 303
        page = client.get(done.headers["location"]).text
        assert "bộ 8" in page and "Ghi bộ sản phẩm: " in page and "bo-san-pham" not in page
    assert show_product(runtime, product_id)["product_set"] == 8


def test_the_api_records_the_set_with_if_match(
    runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = moved_without_a_set(runtime, clock, qn)
    headers = {"Authorization": f"Bearer {create_token(runtime, 'tinh26', actor='quantri26', label='thử').token}"}
    url = f"/api/v1/products/{product_id}/product-set"
    with TestClient(create_app(runtime), base_url="http://127.0.0.1") as client:
        version = show_product(runtime, product_id)["version"]
        stale = client.put(url, json={"product_set": 8},
                           headers={**headers, "If-Match": f'"{version - 1}"'})
        assert stale.status_code == 412
        assert client.put(url, json={"product_set": 0}, headers=headers).status_code == 422
        recorded = client.put(url, json={"product_set": 8},
                              headers={**headers, "If-Match": f'"{version}"'})
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["product_set"] == 8
        assert recorded.headers["ETag"] == f'"{version + 1}"'
        changed = client.put(url, json={"product_set": 9}, headers=headers)
        assert changed.status_code == 422


def test_the_command_records_the_set_and_exits_2_for_another(
    cli: Any, runtime: Runtime, clock: Clock, qn: Province26
) -> None:
    product_id = str(moved_without_a_set(runtime, clock, qn))
    recorded = cli("product", "record-set", product_id, "--product-set", "8", "--actor", "xa26",
                   "--json", as_of=None)
    assert recorded.exit_code == 0, recorded.stderr
    assert recorded.json()["product_set"] == 8
    again = cli("product", "record-set", product_id, "--product-set", "9", "--actor", "xa26",
                as_of=None)
    assert again.exit_code == 2 and "already in product set 8" in again.stderr
    shown = cli("product", "show", product_id, as_of=None)
    assert "product set: 8" in shown.stdout
