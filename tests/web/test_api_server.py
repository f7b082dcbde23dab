"""End to end over a real ``ocop serve`` on 127.0.0.1: sign-in and its limits, sessions,
tokens, CSRF, and every route of the OpenAPI document walked as every role."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from ocop_cycle.db.models import UserSession
from ocop_cycle.identity import accounts, sessions
from ocop_cycle.identity.apitokens import create_token, revoke_token
from ocop_cycle.identity.principal import Principal
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user
from tests.web.conftest import PASSWORD, Province, Server, bearer, register_on_148

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ("commune2", "district2", "producer2", "member1")
INSIDERS = ("commune1", "district1", "province1", "central1", "producer1", "admin1")


def _principal(runtime: Runtime, username: str) -> Principal:
    with runtime.transaction() as session:
        return Principal.of(get_user(session, username))


def test_sign_in_gives_a_bearer_token_and_me_names_the_user(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        response = http.post(
            "/api/v1/auth/token", data={"username": "commune1", "password": PASSWORD}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer" and body["expires_at"]
        me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["username"] == "commune1" and me.json()["role"] == "commune_officer"
        wrong = http.post("/api/v1/auth/token", data={"username": "commune1", "password": "x"})
        assert wrong.status_code == 401 and wrong.json()["code"] == "sign_in_failed"


def test_nobody_signs_in_as_the_scheduler(server: Server, province: Province) -> None:
    with server.client() as http:
        for password in ("", PASSWORD, "system"):
            response = http.post(
                "/api/v1/auth/token", data={"username": "system", "password": password}
            )
            assert response.status_code in (401, 422), password
            assert "access_token" not in response.text


def test_five_failed_sign_ins_lock_the_account_with_429_and_retry_after(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        for _ in range(5):
            failed = http.post(
                "/api/v1/auth/token", data={"username": "district1", "password": "sai mật khẩu"}
            )
            assert failed.status_code == 401
        locked = http.post(
            "/api/v1/auth/token", data={"username": "district1", "password": PASSWORD}
        )
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0
        assert locked.json()["code"] == "rate_limited"


def test_logout_ends_the_session_at_once(server: Server, province: Province) -> None:
    with server.client() as http:
        headers = bearer(http, "commune1")
        assert http.get("/api/v1/me", headers=headers).status_code == 200
        assert http.post("/api/v1/auth/logout", headers=headers).status_code == 204
        assert http.get("/api/v1/me", headers=headers).status_code == 401


def test_an_idle_session_expires(
    server: Server, province: Province, web_runtime: Runtime
) -> None:
    with server.client() as http:
        headers = bearer(http, "commune1")
        assert http.get("/api/v1/me", headers=headers).status_code == 200
        idle = timedelta(minutes=web_runtime.settings.session_idle_minutes + 1)
        with web_runtime.transaction() as session:
            session.execute(
                update(UserSession).values(last_seen_at=web_runtime.clock.now() - idle)
            )
        expired = http.get("/api/v1/me", headers=headers)
        assert expired.status_code == 401 and expired.json()["code"] == "not_signed_in"


def test_a_revoked_api_token_stops_working(
    server: Server, province: Province, web_runtime: Runtime
) -> None:
    created = create_token(web_runtime, "province1", actor="admin1", label="Cổng dữ liệu tỉnh")
    headers = {"Authorization": f"Bearer {created.token}"}
    with server.client() as http:
        assert http.get("/api/v1/products", headers=headers).status_code == 200
        revoke_token(web_runtime, created.id, actor="admin1")
        assert http.get("/api/v1/products", headers=headers).status_code == 401


def test_a_deactivated_user_can_do_nothing_at_once(
    server: Server, province: Province, web_runtime: Runtime
) -> None:
    with server.client() as http:
        headers = bearer(http, "commune1")
        token = create_token(web_runtime, "commune1", actor="admin1", label="tích hợp").token
        accounts.deactivate_user(web_runtime, "commune1", actor="admin1")
        assert http.get("/api/v1/me", headers=headers).status_code == 401
        assert http.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        ).status_code == 401
        again = http.post("/api/v1/auth/token", data={"username": "commune1", "password": PASSWORD})
        assert again.status_code == 401


def test_a_cookie_session_must_send_its_csrf_token_to_change_anything(
    server: Server, province: Province, web_runtime: Runtime
) -> None:
    opened = sessions.open_session(web_runtime, _principal(web_runtime, "commune1"), "127.0.0.1")
    with server.client() as http:
        http.cookies.set("ocop_session", opened.session_id)
        assert http.get("/api/v1/me").json()["csrf_token"] == opened.csrf_token
        body = {"name": "Nước mắm Sa Huỳnh", "producer_id": province.producer_id,
                "group": "food", "workflow": "ocop-148"}
        refused = http.post("/api/v1/products", json=body)
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        forged = http.post("/api/v1/products", json=body, headers={"X-CSRF-Token": "forged"})
        assert forged.status_code == 403
        assert http.get("/api/v1/products").json()["total"] == 0
        accepted = http.post(
            "/api/v1/products", json=body, headers={"X-CSRF-Token": opened.csrf_token}
        )
        assert accepted.status_code == 201


def test_the_public_endpoint_shows_a_certificate_and_nothing_private(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        missing = http.get("/api/v1/public/certificates/KHONGCO123")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        text = missing.text
        for private in ("htx.ductan@example.vn", "0255 3845 123", "4300123456"):
            assert private not in text


def test_uploads_and_downloads_over_the_real_server(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        product = int(register_on_148(http, province)["id"])
        headers = bearer(http, "commune1")
        uploaded = http.post(
            f"/api/v1/products/{product}/documents", data={"kind": "mau_01"},
            files={"file": ("Mẫu 01.pdf", io.BytesIO(PDF), "application/pdf")}, headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.text
        document = uploaded.json()["id"]
        renamed = http.post(
            f"/api/v1/products/{product}/documents", data={"kind": "mau_02"},
            files={"file": ("anh.png", io.BytesIO(b"GIF89a" + b"\x00" * 40), "image/png")},
            headers=headers,
        )
        assert renamed.status_code == 422
        got = http.get(f"/api/v1/documents/{document}", headers=bearer(http, "district1"))
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["x-content-type-options"] == "nosniff"
        for outsider in OUTSIDERS:
            refused = http.get(f"/api/v1/documents/{document}", headers=bearer(http, outsider))
            assert refused.status_code == 404, outsider


def _fill(path: str, product: int, document: int, producer: int) -> str:
    # No such user, token or round: the walk must not deactivate the walkers.
    values = {"product_id": product, "document_id": document, "certificate_id": 1,
              "council_id": 1, "catalogue": "ocop-148", "code": "KHONGCO",
              "producer_id": producer, "username": "khongco", "token_id": 999,
              "round_id": 999}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def test_every_route_as_every_role_keeps_other_jurisdictions_private(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        product = int(register_on_148(http, province)["id"])
        document = http.post(
            f"/api/v1/products/{product}/documents", data={"kind": "mau_01"},
            files={"file": ("m.pdf", io.BytesIO(PDF), "application/pdf")},
            headers=bearer(http, "commune1"),
        ).json()["id"]
        spec = http.get("/api/v1/openapi.json").json()
        tokens = {user: bearer(http, user) for user in (*INSIDERS, *OUTSIDERS)}
        walked = 0
        for path, operations in spec["paths"].items():
            if not path.startswith("/api/v1") or path.startswith(
                ("/api/v1/auth", "/api/v1/public")
            ):
                continue
            for method in operations:
                url = _fill(path, product, document, province.producer_id)
                anonymous = http.request(method, url, json={})
                assert anonymous.status_code == 401, (method, path)
                for user, headers in tokens.items():
                    response: Any = http.request(method, url, json={}, headers=headers,
                                                 params={"year": 2024})
                    walked += 1
                    assert response.status_code < 500, (method, path, user, response.text)
                    private = any(
                        key in path for key in ("{product_id}", "{document_id}", "{producer_id}")
                    )
                    if private and user in OUTSIDERS:
                        # A malformed body is refused before the product is looked up, the
                        # same for every id: it tells nothing about the product.
                        refused_body = response.status_code == 422 and all(
                            error["field"].startswith("body")
                            for error in response.json().get("errors", [{"field": ""}])
                        )
                        assert response.status_code == 404 or refused_body, (method, path, user)
                    if private and user in INSIDERS and method == "get":
                        # Seen: answered, or refused for what the product is (e.g. a sheet
                        # template of a workflow without option-level sheets), never hidden.
                        assert response.status_code in (200, 409, 422), (
                            method, path, user, response.text
                        )
                    if method == "get" and path == "/api/v1/products":
                        ids = [item["id"] for item in response.json()["items"]]
                        assert (product in ids) == (user in INSIDERS), user
        assert walked > 100


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_wrong_method_is_405(server: Server, province: Province, method: str) -> None:
    with server.client() as http:
        response = http.request(method, "/api/v1/products", headers=bearer(http, "commune1"))
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
