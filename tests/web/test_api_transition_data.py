"""Over HTTP, a transition's data holds only what the transition takes (issue 12 §2):
another key is a 422 naming it, and the product does not change."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Province, bearer, register_on_148


def test_over_http_a_key_the_transition_does_not_take_is_422(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    url = f"/api/v1/products/{product['id']}/transitions"
    response = client.post(
        url, json={"trigger": "approve_idea", "data": {"decision_number": "1/QĐ"}}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert "approve_idea takes no --data decision_number" in response.json()["detail"]
    shown = client.get(f"/api/v1/products/{product['id']}", headers=headers).json()
    assert shown["state"] == product["state"] and shown["version"] == product["version"]
