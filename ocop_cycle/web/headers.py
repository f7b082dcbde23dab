"""Security headers on every response, pages and API alike.

Nothing is framed and nothing frames, except the dossier viewer: the scoresheet page frames
the app's own document responses (``FRAMING_PAGE``), and those responses, alone, may be
framed by the app's own pages (``FRAMEABLE_DOCUMENT``). A response that sets a header
itself keeps it; the middleware only adds what is missing.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _policy(*, frame_src: str, frame_ancestors: str) -> str:
    # No inline script anywhere: scripts and styles come from our own static files only.
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-src {frame_src}; "
        f"frame-ancestors {frame_ancestors}"
    )


# A page that shows the app's own documents in a frame (the scoresheet's dossier viewer).
FRAMING_PAGE = {"Content-Security-Policy": _policy(frame_src="'self'", frame_ancestors="'none'")}
# A document (a sniffed PDF or image) that the app's own pages may show in a frame.
FRAMEABLE_DOCUMENT = {
    "Content-Security-Policy": _policy(frame_src="'none'", frame_ancestors="'self'"),
    "X-Frame-Options": "SAMEORIGIN",
}

_HEADERS = (
    (b"content-security-policy", _policy(frame_src="'none'", frame_ancestors="'none'").encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# The interactive API docs load their own script and style inline; they get a looser policy.
_DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers without buffering streamed downloads."""

    def __init__(self, app: ASGIApp, docs_path: str) -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"] == self.docs_path

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [
                    (name, _DOCS_CSP if is_docs and name == b"content-security-policy" else value)
                    for name, value in _HEADERS
                    if name not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
