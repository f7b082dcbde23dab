"""The S3 document store against a real S3 protocol server: moto's, on 127.0.0.1."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.documents import store_for, sweep_orphans
from ocop_cycle.storage.s3 import S3Store
from ocop_cycle.web.app import create_app
from tests.web.conftest import Province, bearer, free_port

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = "ocop-ho-so"


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in {"AWS_ACCESS_KEY_ID": "kiem-thu", "AWS_SECRET_ACCESS_KEY": "kiem-thu",
                        "AWS_DEFAULT_REGION": "ap-southeast-1"}.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    httpx.post(f"{endpoint}/moto-api/reset")  # moto keeps buckets per process, not per server
    boto3.client("s3", endpoint_url=endpoint).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    yield endpoint
    server.stop()


@pytest.fixture
def s3_runtime(database_url: str, s3_endpoint: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, storage_url=f"s3://{BUCKET}/dossiers",
                        s3_endpoint_url=s3_endpoint, storage_dir=tmp_path / "unused")
    built = Runtime.create(settings, Clock())
    yield built
    built.close()


def test_documents_go_to_the_bucket_and_come_back_intact(
    s3_runtime: Runtime, province: Province, tmp_path: Path
) -> None:
    with TestClient(create_app(s3_runtime), base_url="http://127.0.0.1") as client:
        headers = bearer(client, "commune1")
        product = client.post("/api/v1/products", headers=headers, json={
            "name": "Tỏi Lý Sơn", "producer_id": province.producer_id, "group": "food",
            "workflow": "ocop-148"}).json()
        uploaded = client.post(
            f"/api/v1/products/{product['id']}/documents", data={"kind": "mau_01"},
            files={"file": ("Mẫu 01.pdf", io.BytesIO(PDF), "application/pdf")}, headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.text
        got = client.get(f"/api/v1/documents/{uploaded.json()['id']}", headers=headers)
        assert got.status_code == 200 and got.content == PDF
        hidden = client.get(f"/api/v1/documents/{uploaded.json()['id']}",
                            headers=bearer(client, "producer2"))
        assert hidden.status_code == 404
    store = store_for(s3_runtime)
    assert isinstance(store, S3Store)
    keys = [key for key, _ in store.entries()]
    assert keys == [f"{product['id']}/{keys[0].split('/')[1]}"]
    listed = boto3.client("s3", endpoint_url=s3_runtime.settings.s3_endpoint_url).list_objects_v2(
        Bucket=BUCKET)
    assert [item["Key"] for item in listed["Contents"]] == [f"dossiers/{keys[0]}"]
    assert not (tmp_path / "unused").exists()


def test_an_orphan_in_the_bucket_is_swept_and_a_missing_object_is_not_found(
    s3_runtime: Runtime, province: Province
) -> None:
    store = store_for(s3_runtime)
    store.put("1/mo-coi", PDF)
    assert sweep_orphans(s3_runtime) == 0
    assert sweep_orphans(s3_runtime, older_than=-60) == 1
    assert list(store.entries()) == []
    with pytest.raises(FileNotFoundError):
        store.stream("1/khong-co")
