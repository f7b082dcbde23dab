"""No page shows a product outside the viewer's jurisdiction, for every role and every
signed-in page: outside it, a product page is "not found" and its name appears nowhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from ocop_cycle.clock import Clock
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.products import register_product
from tests.conftest import World
from tests.flows import TO_148, walk
from tests.pages_support import sign_in

IN_DUC_TAN = "Tỏi đen xã Đức Tân"  # commune1's commune, producer1's product, certified
IN_MO_DUC = "Bánh tráng thị trấn Mộ Đức"  # commune2's commune, producer2's product
# Who may see each product (the same district holds both communes).
SEES_DUC_TAN = {"commune1", "district1", "province1", "central1", "admin1", "producer1"}
SEES_MO_DUC = {"commune2", "district1", "province1", "central1", "admin1", "producer2"}
EVERYONE = sorted(SEES_DUC_TAN | SEES_MO_DUC | {"district2"})
LISTS = ("/viec-can-lam", "/san-pham", "/chung-nhan", "/tong-quan", "/thong-bao")


@pytest.fixture
def products(runtime: Runtime, world: World, clock: Clock) -> dict[str, int]:
    clock.fixed = datetime(2024, 6, 25, 2, 0, tzinfo=UTC)
    duc_tan = register_product(runtime, name=IN_DUC_TAN, producer_id=world.producer_id,
                               group="food", actor="commune1")
    walk(runtime, int(duc_tan["id"]), TO_148["certified"])
    mo_duc = register_product(runtime, name=IN_MO_DUC, producer_id=world.other_producer_id,
                              group="food", actor="commune2")
    return {IN_DUC_TAN: int(duc_tan["id"]), IN_MO_DUC: int(mo_duc["id"])}


@pytest.mark.parametrize("viewer", EVERYONE)
def test_every_page_shows_only_the_viewers_jurisdiction(
    client: TestClient, products: dict[str, int], viewer: str
) -> None:
    sign_in(client, viewer)
    for name, allowed in ((IN_DUC_TAN, SEES_DUC_TAN), (IN_MO_DUC, SEES_MO_DUC)):
        product = products[name]
        page = client.get(f"/san-pham/{product}")
        if viewer in allowed:
            assert page.status_code == 200, (viewer, name)
            assert name in page.text
        else:
            assert page.status_code == 404, (viewer, name)
            assert name not in page.text
            for path in (f"/san-pham/{product}/phieu-cham", *LISTS):
                shown = client.get(path)
                assert shown.status_code < 500, (viewer, path)
                assert name not in shown.text, (viewer, path)
            refused = client.post(f"/san-pham/{product}/thao-tac/approve_idea",
                                      data={"csrf_token": "x"})
            assert name not in refused.text, viewer


def test_every_signed_in_page_sends_a_stranger_to_sign_in(
    client: TestClient, products: dict[str, int]
) -> None:
    product = products[IN_DUC_TAN]
    for path in (*LISTS, f"/san-pham/{product}", f"/san-pham/{product}/phieu-cham",
                 "/san-pham/dang-ky", "/doi-mat-khau"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/dang-nhap?next=")
    for path in (f"/san-pham/{product}/thao-tac/approve_idea", f"/san-pham/{product}/tai-lieu",
                 f"/san-pham/{product}/phieu-cham", "/san-pham/dang-ky"):
        answer = client.post(path, data={}, follow_redirects=False)
        assert answer.status_code == 303, path
