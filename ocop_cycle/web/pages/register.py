"""A commune officer registers a product idea: choose the producer and the product set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.producers import list_producers
from ocop_cycle.services.products import register_product
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.errors import status_of
from ocop_cycle.web.pages.failures import field_errors
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in
from ocop_cycle.workflow.product_sets import all_product_sets

router = APIRouter()


class IdeaForm(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    producer_id: int = Field(gt=0, lt=2**31)
    product_set: int = Field(ge=1, le=26)


def _form_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    typed: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    commune = me.principal.unit_code if me.principal.role == "commune_officer" else None
    language = language_of(request, me.principal.language)
    sets = [
        {"number": s.number, "name": s.name.in_language(language)}
        for s in all_product_sets(runtime.settings.workflows_dir)
    ]
    return render(
        request,
        "products/register.html",
        {
            "me": me,
            "producers": list_producers(runtime, commune_code=commune),
            "sets": sets,
            "typed": typed,
            "errors": errors,
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get("/san-pham/dang-ky", response_class=HTMLResponse)
def idea_form(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _form_page(request, runtime, me, {}, {})


@router.post("/san-pham/dang-ky", response_class=HTMLResponse)
def register_idea(
    request: Request,
    runtime: RuntimeDep,
    name: Annotated[str, Form(max_length=1000)] = "",
    producer_id: Annotated[str, Form(max_length=20)] = "",
    product_set: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    typed = {"name": name, "producer_id": producer_id, "product_set": product_set}
    if not csrf_ok(me, csrf_token):
        errors = {"form": "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"}
        return _form_page(request, runtime, me, typed, errors, 403)
    try:
        form = IdeaForm.model_validate(
            {"name": name.strip(), "producer_id": producer_id, "product_set": product_set}
        )
    except ValidationError as invalid:
        return _form_page(request, runtime, me, typed, field_errors(invalid), 422)
    try:
        view = register_product(
            runtime,
            name=form.name,
            producer_id=form.producer_id,
            actor=me.principal.username,
            product_set=form.product_set,
        )
    except OcopError as error:
        status, _title = status_of(error)
        return _form_page(request, runtime, me, typed, {"form": error.message}, status)
    return RedirectResponse(f"/san-pham/{view['id']}?da=register", status_code=303)
