"""The CLI's bulk commands over HTTP: a province's import, workflow migration and the
administrative units. The services decide who may; a refusal or bad input changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.db.models import AdminUnit, Certificate, History, Producer, Product
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.app import create_app
from tests.web.conftest import Province, bearer, register_on_148

HEADER = ["product_name", "product_group", "producer_name", "producer_type", "commune_code",
          "stars", "score", "decision_number", "decision_date", "round_year"]
GARLIC = ["Tỏi cô đơn Lý Sơn", "food", "HTX Tỏi Đức Tân", "cooperative", "21427", "4", "",
          "1462/QĐ-UBND", "16/12/2022", ""]


def sheet(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def counts(runtime: Runtime) -> dict[str, int]:
    with runtime.reading() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Product, Producer, Certificate, History, AdminUnit)
        }


def upload(
    client: TestClient, username: str, content: bytes, *, dry_run: bool, name: str = "qn.csv"
) -> Any:
    return client.post(
        "/api/v1/imports/products",
        files={"file": (name, content, "text/csv")},
        data={"dry_run": str(dry_run).lower()},
        headers=bearer(client, username),
    )


def test_the_province_officer_checks_a_file_then_imports_it(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    before = counts(web_runtime)
    checked = upload(client, "province1", sheet(GARLIC), dry_run=True)
    assert checked.status_code == 200, checked.text
    summary = checked.json()
    assert summary["dry_run"] is True and summary["rows"] == 1
    assert summary["certificates_created"] == 1 and summary["actor"] == "province1"
    assert counts(web_runtime) == before
    imported = upload(client, "province1", sheet(GARLIC), dry_run=False)
    assert imported.status_code == 200, imported.text
    after = counts(web_runtime)
    assert after["Certificate"] == before["Certificate"] + 1
    assert after["Product"] == before["Product"] + 1


def test_an_import_by_a_commune_officer_or_an_admin_is_forbidden_and_writes_nothing(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    before = counts(web_runtime)
    for username in ("commune1", "admin1"):
        response = upload(client, username, sheet(GARLIC), dry_run=False)
        assert response.status_code == 403, (username, response.text)
        assert response.json()["code"] == "permission_denied"
    assert counts(web_runtime) == before


def test_a_file_with_bad_rows_answers_every_error_by_row_and_column_and_imports_nothing(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    before = counts(web_runtime)
    six_stars = [*GARLIC[:5], "6", *GARLIC[6:]]
    elsewhere = [*GARLIC[:4], "00001", *GARLIC[5:]]
    for dry_run in (True, False):
        response = upload(client, "province1", sheet(GARLIC, six_stars, elsewhere),
                          dry_run=dry_run)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert "nothing was imported" in body["detail"]
        assert {(error["row"], error["column"]) for error in body["rows"]} >= {
            (3, "stars"), (4, "commune_code")}
    assert counts(web_runtime) == before


def test_a_file_that_is_not_csv_or_xlsx_is_refused_with_422(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    before = counts(web_runtime)
    response = upload(client, "province1", b"%PDF-1.7\n", dry_run=False, name="../../qn.pdf")
    assert response.status_code == 422
    assert "use .csv or .xlsx" in response.json()["detail"]
    assert counts(web_runtime) == before


def test_a_file_over_the_import_limit_is_refused_naming_the_setting(
    province: Province, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, storage_dir=tmp_path / "documents",
                        import_max_bytes=64)
    runtime = Runtime.create(settings, Clock())
    try:
        with TestClient(create_app(runtime), base_url="http://127.0.0.1") as client:
            before = counts(runtime)
            response = upload(client, "province1", sheet(GARLIC, GARLIC), dry_run=True)
            assert response.status_code == 422
            assert "OCOP_IMPORT_MAX_BYTES" in response.json()["detail"]
            assert counts(runtime) == before
    finally:
        runtime.close()


def test_an_admin_migrates_running_products_by_a_shipped_map_after_a_dry_run(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    product = register_on_148(client, province)
    admin = bearer(client, "admin1")
    body = {"from": "ocop-148", "to": "ocop-26-2026", "map": "ocop-148-to-26-2026"}
    before = counts(web_runtime)
    planned = client.post("/api/v1/workflow-migrations", json={**body, "dry_run": True},
                          headers=admin)
    assert planned.status_code == 200, planned.text
    assert planned.json()["products"] == 1 and planned.json()["from"].startswith("ocop-148")
    assert counts(web_runtime) == before
    moved = client.post("/api/v1/workflow-migrations", json=body, headers=admin)
    assert moved.status_code == 200, moved.text
    with web_runtime.reading() as session:
        stored = session.get(Product, product["id"])
        assert stored is not None and stored.workflow == "ocop-26-2026"


def test_a_migration_by_anyone_but_an_admin_is_forbidden(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    register_on_148(client, province)
    before = counts(web_runtime)
    response = client.post(
        "/api/v1/workflow-migrations",
        json={"from": "ocop-148", "to": "ocop-26-2026", "map": "ocop-148-to-26-2026"},
        headers=bearer(client, "province1"),
    )
    assert response.status_code == 403
    assert counts(web_runtime) == before


def test_a_migration_map_must_be_a_shipped_one_matching_the_workflows(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    register_on_148(client, province)
    admin = bearer(client, "admin1")
    before = counts(web_runtime)
    for body in (
        {"from": "ocop-148", "to": "ocop-26-2026", "map": "../../etc/passwd"},
        {"from": "ocop-148", "to": "ocop-26-2026", "map": "no-such-map"},
        {"from": "ocop-1489", "to": "ocop-26-2026", "map": "ocop-148-to-26-2026"},
    ):
        response = client.post("/api/v1/workflow-migrations", json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "invalid_input"
    assert counts(web_runtime) == before


def test_an_admin_loads_a_provinces_units_and_others_may_not(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    before = counts(web_runtime)
    for username in ("province1", "commune1"):
        refused = client.post("/api/v1/units/load", json={"province": "51", "scheme": "legacy"},
                              headers=bearer(client, username))
        assert refused.status_code == 403, username
    for bad in ({"province": "5x"}, {"province": "51", "scheme": "1975"}, {}):
        invalid = client.post("/api/v1/units/load", json=bad, headers=bearer(client, "admin1"))
        assert invalid.status_code == 422, bad
    assert counts(web_runtime) == before
    loaded = client.post("/api/v1/units/load", json={"province": "51", "scheme": "legacy"},
                         headers=bearer(client, "admin1"))
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["loaded"]["commune"] > 100


def test_an_admin_converts_to_the_2025_units_after_a_dry_run(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    product = register_on_148(client, province)
    admin = bearer(client, "admin1")
    before = counts(web_runtime)
    planned = client.post("/api/v1/units/convert", json={"to": "2025", "dry_run": True},
                          headers=admin)
    assert planned.status_code == 200, planned.text
    moves = {m["from"]["code"]: m["to"]["code"] for m in planned.json()["communes"]}
    assert moves["21427"] == "21400"
    assert counts(web_runtime) == before
    converted = client.post("/api/v1/units/convert", json={"to": "2025"}, headers=admin)
    assert converted.status_code == 200, converted.text
    assert converted.json()["products"] == 1
    with web_runtime.reading() as session:
        stored = session.get(Product, product["id"])
        assert stored is not None and stored.commune_code == "21400"


def test_a_conversion_by_anyone_but_an_admin_or_to_another_scheme_changes_nothing(
    client: TestClient, province: Province, web_runtime: Runtime
) -> None:
    register_on_148(client, province)
    before = counts(web_runtime)
    forbidden = client.post("/api/v1/units/convert", json={"to": "2025"},
                            headers=bearer(client, "province1"))
    assert forbidden.status_code == 403
    invalid = client.post("/api/v1/units/convert", json={"to": "legacy"},
                          headers=bearer(client, "admin1"))
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid_input"
    assert counts(web_runtime) == before


def test_an_import_may_be_larger_than_a_dossier_upload_up_to_its_own_limit(
    province: Province, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, storage_dir=tmp_path / "documents",
                        upload_max_bytes=1024, import_max_bytes=1024 * 1024)
    runtime = Runtime.create(settings, Clock())
    big = sheet(*([GARLIC] * 1200))
    assert len(big) > 1024 + 64 * 1024  # past the form overhead the server allows
    try:
        with TestClient(create_app(runtime), base_url="http://127.0.0.1") as client:
            imported = upload(client, "province1", big, dry_run=True)
            assert imported.status_code != 413, imported.text
            assert imported.json()["rows"], imported.text  # checked: the summary or errors
            document = client.post(
                f"/api/v1/products/{register_on_148(client, province)['id']}/documents",
                files={"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * len(big), "application/pdf")},
                data={"kind": "dossier"},
                headers=bearer(client, "commune1"),
            )
            assert document.status_code == 413
            assert document.json()["code"] == "too_large"
    finally:
        runtime.close()
