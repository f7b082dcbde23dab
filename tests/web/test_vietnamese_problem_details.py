"""The API's problem details keep the English ``detail`` scripts read, and carry the
refusal's Vietnamese beside it (``detail_vi``) for an interface that shows it to people."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Province, bearer, register_on_148


def test_a_refused_transition_answers_its_english_detail_and_its_vietnamese(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    response = client.post(
        f"/api/v1/products/{product['id']}/transitions",
        json={"trigger": "issue_certificate"},
        headers=headers,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["detail"].startswith("issue_certificate is not allowed while product")
    assert body["detail_vi"].startswith("Không thể thực hiện bước này khi sản phẩm #")
    assert "đang ở trạng thái «Đã đăng ký ý tưởng»" in body["detail_vi"]
