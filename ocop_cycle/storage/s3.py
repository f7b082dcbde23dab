"""An S3-compatible bucket as the document store (``OCOP_STORAGE_URL=s3://bucket/prefix``).

Credentials and region come from the usual AWS settings (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``); ``OCOP_S3_ENDPOINT_URL`` points at a
non-AWS server (MinIO, Ceph, a provincial data centre's object store).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from ocop_cycle.storage.base import CHUNK


class S3Store:
    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        import boto3  # only deployments that use S3 install it (the ``s3`` extra)

        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"storage URL {url!r} is not s3://BUCKET[/PREFIX]")
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/") + "/" if parsed.path.strip("/") else ""
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url)

    def put(self, key: str, content: bytes) -> None:
        # PutObject returns once the object is stored durably.
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=content)

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        body = answer["Body"]
        return self._chunks(body)

    @staticmethod
    def _chunks(body: Any) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def entries(self) -> Iterator[tuple[str, float]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"].removeprefix(self.prefix), item["LastModified"].timestamp()
