"""One way for a page to take a posted form: check the CSRF token, read the fields into a
pydantic schema, call one service, then redirect (POST, then GET) or show the same page
again with each message next to its field and the status the API would give.

A route reads the body with ``PostedForm``, then calls ``handle`` with its schema, the
service call and two answers: ``refused(errors, status)`` re-renders the page (``errors``
maps a field's name, or ``key`` for the whole form, to a Vietnamese message) and
``done(result)`` is usually ``see_other(url)``. The database is unchanged on every refusal:
the service refuses before it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, get_args, get_origin

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from starlette.datastructures import FormData

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import field_errors, said
from ocop_cycle.web.pages.viewer import csrf_ok

CSRF_MISSING = "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"
S = TypeVar("S", bound=BaseModel)
T = TypeVar("T")
Refused = Callable[[dict[str, str], int], Response]


async def _posted(request: Request) -> FormData:
    return await request.form()


# The posted body, read once; sync routes take it as a parameter.
PostedForm = Annotated[FormData, Depends(_posted)]


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# An optional field left empty is "not given", not an empty string or a parsing error.
MaybeText = Annotated[str | None, BeforeValidator(_blank_is_none)]
MaybeInt = Annotated[int | None, BeforeValidator(_blank_is_none)]


class FormSchema(BaseModel):
    """A page form's fields; text arrives trimmed, unknown fields are ignored, and a field
    left out of the body is checked like an empty one (its default is validated)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", validate_default=True)


class NoFields(FormSchema):
    """A form that carries only its CSRF token (a button)."""


def typed(form: FormData, *, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """What was typed, to show again: one text per field, a list for the fields named in
    ``lists`` (checkboxes: none, one or several). The CSRF token is the page's own;
    passwords are never shown back."""
    values: dict[str, Any] = {name: [] for name in lists}
    for key in form:
        if key == "csrf_token" or "password" in key:
            continue
        texts = [value for value in form.getlist(key) if isinstance(value, str)]
        values[key] = texts if key in lists else (texts[0] if texts else "")
    return values


def _fields(schema: type[BaseModel], form: FormData) -> dict[str, Any]:
    """The schema's fields from the form: a list field takes every value of its name."""
    fields: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        annotation = info.annotation
        listed = get_origin(annotation) is list or any(
            get_origin(arg) is list for arg in get_args(annotation)
        )
        values = [value for value in form.getlist(name) if isinstance(value, str)]
        if listed:
            fields[name] = values
        elif values:
            fields[name] = values[0]
    return fields


def handle(
    request: Request,
    me: ActiveSession,
    form: FormData,
    schema: type[S],
    act: Callable[[S], T],
    *,
    refused: Refused,
    done: Callable[[T], Response],
    key: str = "form",
) -> Response:
    """CSRF (403), then the schema (422, a message per field), then the service (its own
    status and message, in the reader's language, under ``key``), then ``done``."""
    if not csrf_ok(me, form.get("csrf_token")):
        return refused({key: CSRF_MISSING}, 403)
    try:
        values = schema.model_validate(_fields(schema, form))
    except ValidationError as invalid:
        return refused(field_errors(invalid), 422)
    try:
        result = act(values)
    except OcopError as error:
        status, _title = status_of(error)
        return refused({key: said(request, error)}, status)
    return done(result)


def see_other(url: str) -> Response:
    """After a form that changed something: GET the page again (no resubmission)."""
    return RedirectResponse(url, status_code=303)
