"""The one table from domain errors to HTTP statuses, answered as RFC 9457 problem details.

Routes raise the services' own errors; the message, already written for people, becomes
``detail`` and the error's stable ``code`` stays machine-readable.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ocop_cycle.errors import (
    Conflict,
    GuardFailed,
    InvalidInput,
    NotFound,
    OcopError,
    PermissionDenied,
    StaleVersion,
    TransitionNotAllowed,
)

PROBLEM = "application/problem+json"

# Most specific first: WorkflowDefinitionError is an InvalidInput, and so on.
_STATUS: tuple[tuple[type[OcopError], int, str], ...] = (
    (InvalidInput, 422, "Dữ liệu không hợp lệ / Invalid input"),
    (PermissionDenied, 403, "Không có quyền / Forbidden"),
    (NotFound, 404, "Không tìm thấy / Not found"),
    (TransitionNotAllowed, 409, "Không thực hiện được / Not allowed now"),
    (GuardFailed, 409, "Không thực hiện được / Not allowed now"),
    (Conflict, 409, "Xung đột / Conflict"),
    (StaleVersion, 412, "Dữ liệu đã thay đổi / Precondition failed"),
)
_HTTP_CODE = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "stale_version",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


class HttpProblem(Exception):
    """A refusal decided at the HTTP layer itself (not signed in, rate limited, CSRF)."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}


def status_of(error: OcopError) -> tuple[int, str]:
    for kind, status, title in _STATUS:
        if isinstance(error, kind):
            return status, title
    return 400, "Yêu cầu bị từ chối / Refused"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _default_title(status),
        "status": status,
        "detail": detail,
        "code": code,
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _default_title(status: int) -> str:
    return HTTPStatus(status).phrase


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``: one place decides every error response."""

    @app.exception_handler(OcopError)
    def _domain(_request: Request, exc: OcopError) -> JSONResponse:
        status, title = status_of(exc)
        # ``detail`` stays English for scripts; the Vietnamese rides along for a UI to show.
        extra = {"detail_vi": exc.vi} if exc.vi else None
        return problem(status, exc.code, exc.message, title=title, extra=extra)

    @app.exception_handler(HttpProblem)
    def _http_problem(_request: Request, exc: HttpProblem) -> JSONResponse:
        return problem(exc.status, exc.code, exc.detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        detail = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
        return problem(422, "invalid_input", detail, extra={"errors": errors})

    @app.exception_handler(Exception)
    def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        # Logged by the server with its traceback; the client gets no internals.
        return problem(
            500,
            "internal_error",
            "something went wrong on the server and nothing was changed by this request; "
            "try again, and tell the administrator if it keeps happening",
        )

    @app.exception_handler(HTTPException)
    def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            _HTTP_CODE.get(exc.status_code, "error"),
            str(exc.detail),
            headers=dict(exc.headers or {}),
        )
