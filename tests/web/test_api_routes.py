"""Route behaviour over the in-process client: problem details, scoping, ETag and
If-Match, idempotency keys, uploads and the public look-up."""

from __future__ import annotations

import io
from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ocop_cycle.config import Settings
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.documents import store_for, sweep_orphans
from ocop_cycle.web.app import create_app
from ocop_cycle.web.server import app_from_environment
from tests.flows import TO_148, walk
from tests.web.conftest import Province, bearer, register_on_148

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_every_api_route_refuses_an_anonymous_caller_with_problem_details(
    client: TestClient, province: Province
) -> None:
    response = client.get("/api/v1/products")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_signed_in" and body["status"] == 401 and body["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_security_headers_are_on_every_response(client: TestClient) -> None:
    for path in ("/healthz", "/api/v1/products", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_a_commune_officer_registers_and_the_product_carries_its_version_as_etag(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    got = client.get(f"/api/v1/products/{product['id']}", headers=headers)
    assert got.status_code == 200
    assert got.headers["ETag"] == f'"{product["version"]}"'
    assert got.json()["state"] == "idea_registered"


def test_a_product_outside_the_jurisdiction_does_not_exist_for_the_caller(
    client: TestClient, province: Province
) -> None:
    product = register_on_148(client, province, bearer(client, "commune1"))
    for stranger in ("commune2", "district2", "producer2", "member1"):
        response = client.get(f"/api/v1/products/{product['id']}", headers=bearer(client, stranger))
        assert response.status_code == 404, stranger
        assert response.json()["code"] == "not_found"
    listed = client.get("/api/v1/products", headers=bearer(client, "commune2")).json()
    assert listed["total"] == 0 and listed["items"] == []
    for insider in ("district1", "province1", "central1", "producer1", "admin1"):
        listed = client.get("/api/v1/products", headers=bearer(client, insider)).json()
        assert [item["id"] for item in listed["items"]] == [product["id"]], insider


def test_inside_the_jurisdiction_but_not_allowed_is_403(
    client: TestClient, province: Province
) -> None:
    product = register_on_148(client, province, bearer(client, "commune1"))
    response = client.post(
        f"/api/v1/products/{product['id']}/transitions",
        json={"trigger": "approve_idea"},
        headers=bearer(client, "producer1"),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_triggers_list_what_the_caller_may_fire_with_labels(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    triggers = client.get(f"/api/v1/products/{product['id']}/triggers", headers=headers).json()
    names = {t["trigger"] for t in triggers}
    assert "approve_idea" in names
    approve = next(t for t in triggers if t["trigger"] == "approve_idea")
    assert approve["label"]["vi"] and approve["label"]["en"]
    producers = client.get(
        f"/api/v1/products/{product['id']}/triggers", headers=bearer(client, "producer1")
    ).json()
    assert [t["trigger"] for t in producers] == ["withdraw"]


def test_a_stale_if_match_is_refused_with_412_and_nothing_changes(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    stale = f'"{product["version"] - 1}"'
    response = client.post(
        f"/api/v1/products/{product['id']}/transitions",
        json={"trigger": "approve_idea"},
        headers={**headers, "If-Match": stale},
    )
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert client.get(f"/api/v1/products/{product['id']}", headers=headers).json()[
        "state"
    ] == "idea_registered"
    fresh = client.post(
        f"/api/v1/products/{product['id']}/transitions",
        json={"trigger": "approve_idea"},
        headers={**headers, "If-Match": f'"{product["version"]}"'},
    )
    assert fresh.status_code == 200 and fresh.json()["state"] == "plan_preparation"


def test_an_idempotency_key_replays_the_same_body_and_refuses_another_with_422(
    client: TestClient, province: Province
) -> None:
    headers = {**bearer(client, "commune1"), "Idempotency-Key": "approve-1"}
    product = register_on_148(client, province, headers)
    url = f"/api/v1/products/{product['id']}/transitions"
    first = client.post(url, json={"trigger": "approve_idea", "comment": "Đạt"}, headers=headers)
    again = client.post(url, json={"trigger": "approve_idea", "comment": "Đạt"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    history = client.get(f"/api/v1/products/{product['id']}/history", headers=headers).json()
    assert [row["trigger"] for row in history].count("approve_idea") == 1
    moved = client.post(url, json={"trigger": "submit_plan"}, headers=bearer(client, "producer1"))
    assert moved.json()["state"] == "plan_submitted"
    late = client.post(url, json={"trigger": "approve_idea", "comment": "Đạt"}, headers=headers)
    assert late.status_code == 200
    assert late.json()["state"] == first.json()["state"] == "plan_preparation"
    assert late.headers["ETag"] == first.headers["ETag"]
    other = client.post(url, json={"trigger": "approve_idea", "comment": "Khác"}, headers=headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]


def test_a_refused_transition_is_409_with_the_engines_message(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    response = client.post(
        f"/api/v1/products/{product['id']}/transitions",
        json={"trigger": "issue_certificate"},
        headers=headers,
    )
    assert response.status_code in (403, 409)
    body = response.json()
    assert body["detail"] and body["code"] in ("transition_not_allowed", "permission_denied")


def test_invalid_input_is_422_problem_details(client: TestClient, province: Province) -> None:
    headers = bearer(client, "commune1")
    response = client.post(
        "/api/v1/products", json={"name": "", "producer_id": 1, "group": "food"}, headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body.name"


def test_uploads_are_judged_by_content_size_and_quota(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    url = f"/api/v1/products/{product['id']}/documents"
    ok = client.post(url, data={"kind": "mau_01"},
                     files={"file": ("mau01.pdf", io.BytesIO(PDF), "application/pdf")},
                     headers=headers)
    assert ok.status_code == 201, ok.text
    assert ok.json()["content_type"] == "application/pdf" and len(ok.json()["sha256"]) == 64
    fake = client.post(url, data={"kind": "mau_01"},
                       files={"file": ("virus.pdf", io.BytesIO(b"MZ\x90\x00" * 8), "application/pdf")},
                       headers=headers)
    assert fake.status_code == 422 and "not a PDF, JPEG or PNG" in fake.json()["detail"]
    web_runtime.settings.upload_max_bytes = 100
    large = client.post(url, data={"kind": "evidence", "criterion": "A1"},
                        files={"file": ("big.png", io.BytesIO(PNG + b"\x00" * 200), "image/png")},
                        headers=headers)
    assert large.status_code == 422 and "larger than" in large.json()["detail"]
    web_runtime.settings.upload_max_bytes = 10_000
    web_runtime.settings.product_quota_bytes = len(PDF) + 10
    over = client.post(url, data={"kind": "mau_02"},
                       files={"file": ("mau02.pdf", io.BytesIO(PDF), "application/pdf")},
                       headers=headers)
    assert over.status_code == 422 and "quota" in over.json()["detail"]
    listed = client.get(url, headers=headers).json()
    assert [doc["filename"] for doc in listed] == ["mau01.pdf"]
    stored = list((web_runtime.settings.storage_dir).rglob("*"))
    assert len([p for p in stored if p.is_file()]) == 1


def test_a_download_outside_the_jurisdiction_is_not_found(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    uploaded = client.post(
        f"/api/v1/products/{product['id']}/documents", data={"kind": "mau_01"},
        files={"file": ("m.pdf", io.BytesIO(PDF), "application/pdf")}, headers=headers,
    ).json()
    mine = client.get(f"/api/v1/documents/{uploaded['id']}", headers=bearer(client, "producer1"))
    assert mine.status_code == 200 and mine.content == PDF
    assert mine.headers["content-type"] == "application/pdf"
    theirs = client.get(f"/api/v1/documents/{uploaded['id']}", headers=bearer(client, "producer2"))
    assert theirs.status_code == 404


def test_the_public_certificate_lookup_is_rate_limited(
    client: TestClient, web_runtime: Runtime
) -> None:
    client.app.state.public_limiter.limit = 3  # type: ignore[attr-defined]
    statuses = [client.get("/api/v1/public/certificates/ABC123").status_code for _ in range(4)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3] == 429


def test_openapi_and_docs_are_served_without_a_cdn(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/products/{product_id}/transitions" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text and "/api/docs-assets/swagger-ui-bundle.js" in docs.text
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_a_password_set_by_an_admin_must_be_changed_before_anything_else(
    client: TestClient, province: Province
) -> None:
    admin = bearer(client, "admin1")
    added = client.post("/api/v1/users", headers=admin, json={
        "username": "commune3", "role": "commune_officer", "unit_code": province.commune,
        "password": "mật khẩu tạm 12345"})
    assert added.status_code == 201, added.text
    assert added.json()["must_change_password"] is True
    signed = client.post("/api/v1/auth/token",
                         data={"username": "commune3", "password": "mật khẩu tạm 12345"})
    headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    blocked = client.get("/api/v1/products", headers=headers)
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    assert client.get("/api/v1/me", headers=headers).json()["must_change_password"] is True
    changed = client.post("/api/v1/me/password", headers=headers, json={
        "current": "mật khẩu tạm 12345", "new": "mật khẩu mới của tôi"})
    assert changed.status_code == 204
    fresh = client.post("/api/v1/auth/token",
                        data={"username": "commune3", "password": "mật khẩu mới của tôi"})
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert client.get("/api/v1/products", headers=headers).status_code == 200


def test_only_admins_and_province_officers_add_users_within_their_reach(
    client: TestClient, province: Province
) -> None:
    body = {"username": "tinh2", "role": "admin", "password": "mật khẩu tạm 12345"}
    refused = client.post("/api/v1/users", headers=bearer(client, "province1"), json=body)
    assert refused.status_code == 403
    by_commune = client.post("/api/v1/users", headers=bearer(client, "commune1"), json={
        **body, "role": "commune_officer", "unit_code": province.commune})
    assert by_commune.status_code == 403
    assert client.get("/api/v1/users", headers=bearer(client, "commune1")).status_code == 403
    names = {u["username"] for u in client.get(
        "/api/v1/users", headers=bearer(client, "admin1")).json()}
    assert {"commune1", "producer2", "member1"} <= names and "system" not in names


def test_names_with_line_breaks_or_control_characters_are_refused(
    client: TestClient, province: Province
) -> None:
    headers = bearer(client, "commune1")
    for name in ("Tỏi\r\nBcc: x@example.vn", "Tỏi\x00", "Tỏi\x1b[31m"):
        response = client.post("/api/v1/products", headers=headers, json={
            "name": name, "producer_id": province.producer_id, "group": "food",
            "workflow": "ocop-148"})
        assert response.status_code == 422, name
    producer = client.post("/api/v1/producers", headers=headers, json={
        "name": "HTX\nGiả", "type": "cooperative", "commune_code": province.commune})
    assert producer.status_code == 422
    assert client.get("/api/v1/products", headers=headers).json()["total"] == 0


def test_producers_are_seen_within_the_jurisdiction_only(
    client: TestClient, province: Province
) -> None:
    def ids(user: str) -> set[int]:
        return {p["id"] for p in client.get(
            "/api/v1/producers", headers=bearer(client, user)).json()}

    both = {province.producer_id, province.other_producer_id}
    assert ids("district1") == both and ids("province1") == both
    assert ids("commune1") == {province.producer_id}
    assert ids("producer2") == {province.other_producer_id}
    assert ids("district2") == set() and ids("member1") == set()
    hidden = client.get(f"/api/v1/producers/{province.producer_id}",
                        headers=bearer(client, "commune2"))
    assert hidden.status_code == 404


def test_a_user_manages_their_own_api_tokens(client: TestClient, province: Province) -> None:
    headers = bearer(client, "province1")
    created = client.post("/api/v1/me/tokens", headers=headers, json={"label": "Cổng tỉnh"})
    assert created.status_code == 201
    token = created.json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=api).json()["username"] == "province1"
    listed = client.get("/api/v1/me/tokens", headers=headers).json()
    assert [t["label"] for t in listed] == ["Cổng tỉnh"] and "token" not in listed[0]
    assert client.delete(f"/api/v1/me/tokens/{created.json()['id']}",
                         headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=api).status_code == 401


def test_a_province_officer_sets_up_a_council_its_members_cannot(
    client: TestClient, province: Province
) -> None:
    admin = bearer(client, "admin1")
    for name in ("member2", "member3"):
        assert client.post("/api/v1/users", headers=admin, json={
            "username": name, "role": "council_member",
            "password": "mật khẩu tạm 12345"}).status_code == 201
    body = {"level": "province", "unit_code": province.province, "chair": "member1",
            "members": ["member1", "member2", "member3"]}
    by_member = client.post("/api/v1/councils", headers=bearer(client, "member1"), json=body)
    assert by_member.status_code == 403
    created = client.post("/api/v1/councils", headers=bearer(client, "province1"), json=body)
    assert created.status_code == 201, created.text
    assert created.json()["chair"] == "member1"
    duplicated = client.post("/api/v1/councils", headers=bearer(client, "province1"),
                             json={**body, "members": ["member1", "member1", "member2"]})
    assert duplicated.status_code == 422


def test_a_certified_product_is_verified_publicly_without_private_details(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    product = register_on_148(client, province, bearer(client, "commune1"))
    view = walk(web_runtime, product["id"], TO_148["certified"])
    certificate = view["certificate"]
    public = client.get(f"/api/v1/public/certificates/{certificate['verification_code']}")
    assert public.status_code == 200, public.text
    body = public.json()
    assert body["number"] == certificate["number"] and body["status"] == "active"
    assert body["producer"] == "HTX Nông nghiệp Đức Tân"
    for private in ("htx.ductan@example.vn", "0255 3845 123", "4300123456", "score", "62.5"):
        assert private not in public.text
    seen = client.get("/api/v1/certificates", headers=bearer(client, "producer1")).json()
    assert [c["number"] for c in seen["items"]] == [certificate["number"]]
    assert client.get("/api/v1/certificates", headers=bearer(client, "producer2")).json()[
        "total"
    ] == 0
    assert client.get(f"/api/v1/certificates/{certificate['id']}",
                      headers=bearer(client, "commune2")).status_code == 404


def test_the_annual_report_is_the_province_officers_own(
    client: TestClient, province: Province
) -> None:
    register_on_148(client, province, bearer(client, "commune1"))
    ok = client.get("/api/v1/reports/annual", params={"year": 2026},
                    headers=bearer(client, "province1"))
    assert ok.status_code == 200, ok.text
    workbook = client.get("/api/v1/reports/annual", params={"year": 2026, "format": "xlsx"},
                          headers=bearer(client, "province1"))
    assert workbook.content[:2] == b"PK"
    other = client.get("/api/v1/reports/annual", params={"year": 2026, "province": "48"},
                       headers=bearer(client, "province1"))
    assert other.status_code == 404
    assert client.get("/api/v1/reports/annual", params={"year": 2026},
                      headers=bearer(client, "commune1")).status_code == 403


def test_files_whose_row_never_committed_are_swept(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    headers = bearer(client, "commune1")
    product = register_on_148(client, province, headers)
    kept = client.post(
        f"/api/v1/products/{product['id']}/documents", data={"kind": "mau_01"},
        files={"file": ("m.pdf", io.BytesIO(PDF), "application/pdf")}, headers=headers,
    ).json()
    store = store_for(web_runtime)
    store.put(f"{product['id']}/orphan", PDF)  # as if the process died before the commit
    assert sweep_orphans(web_runtime) == 0  # too young: may belong to an upload in flight
    assert sweep_orphans(web_runtime, older_than=-1) == 1
    keys = [key for key, _ in store.entries()]
    assert len(keys) == 1
    assert client.get(f"/api/v1/documents/{kept['id']}", headers=headers).content == PDF


def test_readiness_fails_while_migrations_are_missing(
    client: TestClient, web_runtime: Runtime
) -> None:
    with web_runtime.engine.begin() as connection:
        head = connection.execute(text("SELECT min(version_num) FROM alembic_version")).scalar()
        connection.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": head})
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert str(head) in response.json()["detail"]
    finally:  # the PostgreSQL test database outlives this test
        with web_runtime.engine.begin() as connection:
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


def test_each_worker_sizes_its_threads_and_database_pool_together(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCOP_DATABASE_URL", database_url)
    monkeypatch.setenv("OCOP_API_THREADS", "7")
    app = app_from_environment()
    with TestClient(app) as client:
        threads = client.portal.call(
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )
        runtime: Runtime = app.state.runtime
        assert threads == 7
        assert runtime.engine.pool.size() == 7  # type: ignore[attr-defined]
        assert client.get("/readyz").status_code == 200


def test_a_body_declared_larger_than_any_upload_is_refused_before_it_is_read(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, storage_dir=tmp_path / "documents",
                        upload_max_bytes=1024 * 1024)
    runtime = Runtime.create(settings)
    with TestClient(create_app(runtime), base_url="http://127.0.0.1") as client:
        response = client.post(
            "/api/v1/products/1/documents", data={"kind": "mau_01"},
            files={"file": ("lon.pdf", io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024 + 70_000)),
                            "application/pdf")},
        )
    runtime.close()
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "1.0 MB" in response.json()["detail"]
    assert not (tmp_path / "documents").exists()
