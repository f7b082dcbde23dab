"""Refuse a request body larger than the largest upload from its ``Content-Length``,
with problem details that say the limit; FastAPI's ``max_body_size`` still stops a body
sent without a length once it passes the limit. A path may have its own, larger limit
(the province's spreadsheet import, ``OCOP_IMPORT_MAX_BYTES``)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send


class DeclaredBodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int,
        per_path: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        # path: (largest body, largest file), for the paths whose files may be larger
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            max_bytes, file_bytes = self.per_path.get(
                scope["path"], (self.max_bytes, self.upload_bytes)
            )
            declared = dict(scope["headers"]).get(b"content-length", b"")
            if declared.isdigit() and int(declared) > max_bytes:
                megabytes = f"{file_bytes / (1024 * 1024):.1f}"
                body = json.dumps(
                    {
                        "type": "about:blank",
                        "title": "Content Too Large",
                        "status": 413,
                        "detail": f"the request is larger than the {megabytes} MB a file may "
                        "have; split or compress the file and upload it again",
                        "code": "too_large",
                    },
                    ensure_ascii=False,
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
