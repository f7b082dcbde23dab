"""A refusal as a page: the services' own message in the reader's language, with the status
the API would give."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ocop_cycle.errors import OcopError
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.i18n import Formatter
from ocop_cycle.web.pages.rendering import language_of, render

_TITLES = {
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Không thực hiện được",
    412: "Dữ liệu đã thay đổi",
    422: "Dữ liệu không hợp lệ",
}
# Pydantic's error types, said in Vietnamese for the field they are shown next to.
_FIELD_MESSAGES = {
    "literal_error": "Hãy chọn một giá trị trong danh sách",
    "int_parsing": "Hãy nhập một số nguyên",
    "greater_than_equal": "Số này nhỏ quá",
    "less_than_equal": "Số này lớn quá",
    "string_too_long": "Dài quá, hãy rút ngắn",
    "string_too_short": "Hãy điền vào ô này",
    "missing": "Hãy điền vào ô này",
}


def field_errors(invalid: ValidationError) -> dict[str, str]:
    """One message per field, in Vietnamese, keyed by the field's name in the form."""
    errors: dict[str, str] = {}
    for error in invalid.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        errors.setdefault(name, _FIELD_MESSAGES.get(error["type"], "Giá trị không hợp lệ"))
    return errors


def said(request: Request, error: OcopError) -> str:
    """The refusal as the reader of this page reads it: Vietnamese unless English was chosen."""
    return error.text(language_of(request))


def error_page(
    request: Request, error: OcopError, *, template: str = "errors/page.html", **context: Any
) -> HTMLResponse:
    """The page ``template`` again with the engine's message, or a plain error page."""
    status, _title = status_of(error)
    formatter = Formatter(language_of(request))
    message = said(request, error)
    values = {"title": formatter.t(_TITLES.get(status, "Yêu cầu bị từ chối")), "message": message}
    return render(request, template, {**values, "error": message, **context}, status_code=status)
